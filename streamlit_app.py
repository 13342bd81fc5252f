"""Entry point: ``streamlit run streamlit_app.py``. Everything else lives in ``learning``."""

from learning.ui.app import run

run()
