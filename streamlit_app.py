"""Entry point: ``streamlit run streamlit_app.py``. Everything else lives in ``learning``.

Streamlit first imports this file to find ``app`` (the HTTP routes and middleware of
:mod:`learning.web.app` around Streamlit's own), then runs it as every browser session's page
script, under the name ``__main__``: only then does it draw the app.
"""

import streamlit as st

if __name__ == "__main__":
    from learning.ui.app import run

    run()
else:
    from learning.settings import get_settings
    from learning.ui import services
    from learning.web.app import middleware, routes

    settings = get_settings()
    app = st.App("streamlit_app.py", routes=routes(settings, store=services.store), middleware=middleware(settings))
