"""The app's own HTTP routes and middleware, served beside Streamlit through ``st.App``
(Starlette): the session cookie's handoff and sign-out, the learner's downloads, the headers
that keep other sites from framing the app, and the LTI 1.3 tool's endpoints. Nothing here
imports Streamlit."""
