"""The Streamlit screens: thin, they read state, call the domain modules and render."""
