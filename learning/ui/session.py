"""Who is signed in. Only the account id lives in the session; the account itself is read
from the store on every run, so a disabled account or a changed role takes effect at once."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from learning.store import User
from learning.throttle import client_address as address_of
from learning.ui import nav, services

USER_KEY = "user_id"


def current_user() -> User | None:
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    user = services.store().accounts.get(user_id)
    if user is None or user.disabled:
        sign_out()
        return None
    return user


def require_user(*, instructor: bool = False) -> User:
    """The signed-in user; stops the page for anyone else (checked on the server, every run)."""
    user = current_user()
    if user is None:
        st.warning("Please sign in.")
        st.stop()
    if instructor and not user.is_instructor:
        st.error("This page is for instructors.")
        st.stop()
    return user


def sign_in(user: User) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[USER_KEY] = user.id


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def client_address() -> str:
    """The address this browser connects from, as the sign-in throttles count it (the proxy's
    ``X-Forwarded-For`` entry when ``LEARNING_TRUST_FORWARDED_FOR`` is set)."""
    trusted = services.settings().trust_forwarded_for
    forwarded = st.context.headers.get("X-Forwarded-For") if trusted else None
    peer = st.context.ip_address
    # Only a string is an address (Streamlit's headless test harness hands back a stand-in object).
    return address_of(
        peer if isinstance(peer, str) else None, forwarded if isinstance(forwarded, str) else None, trust_forwarded_for=trusted
    )


def public_url() -> str:
    """The app's address for links printed for the public (a certificate's verification link):
    ``LEARNING_PUBLIC_URL`` when set, else the address this browser opened the app at (without
    the page), else ``LEARNING_SITE_URL``."""
    config = services.settings()
    if config.public_url:
        return config.public_url.rstrip("/")
    opened = st.context.url
    if isinstance(opened, str) and opened.startswith(("http://", "https://")):
        parts = urlsplit(opened)
        path = parts.path.rstrip("/")
        page = nav.current()
        if page and path.endswith(f"/{page}"):
            path = path[: -len(page) - 1]
        return f"{parts.scheme}://{parts.netloc}{path}"
    return config.site_url.rstrip("/")


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False
