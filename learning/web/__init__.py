"""The app's own HTTP routes and middleware, served beside Streamlit through ``st.App``
(Starlette): the session cookie's handoff and sign-out, the learner's downloads, and the headers
that keep other sites from framing the app. Nothing here imports Streamlit."""
