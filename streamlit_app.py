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
    import contextlib

    from learning.settings import get_settings
    from learning.ui import services
    from learning.web.app import middleware, routes
    from learning.web.lti import start_grade_sender

    settings = get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        """While the server runs, scores queued for schools' LMSs are posted in the background."""
        stop = start_grade_sender(settings, services.store)
        try:
            yield None
        finally:
            stop()

    app = st.App("streamlit_app.py", routes=routes(settings, store=services.store), middleware=middleware(settings), lifespan=lifespan)
