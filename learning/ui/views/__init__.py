"""Page scripts for st.navigation: each runs one screen of learning.ui.screens."""
