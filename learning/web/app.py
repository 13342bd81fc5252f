"""The routes and middleware ``streamlit_app.py`` gives ``st.App`` (minimal on this branch: the
LTI tool's routes; the sessions work adds its own and the wiring of the shared store)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from learning.settings import Settings
from learning.web import lti

if TYPE_CHECKING:
    from learning.store import Store


def routes(settings: Settings, store_factory: Callable[[], Store]) -> list[BaseRoute]:
    """Every HTTP route of the app besides Streamlit's own."""
    return [*lti.routes(settings, store_factory)]


def middleware(settings: Settings) -> list[Middleware]:
    return []
