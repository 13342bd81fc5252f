"""The app's plain HTTP routes (Starlette), served beside the Streamlit pages by ``st.App``.
Nothing here imports Streamlit."""
