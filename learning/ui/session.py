"""Who is signed in, and the server-side session that keeps them signed in.

A browser session of the app is bound to a server-side session (:mod:`learning.store.sessions`):
its id lives in ``st.session_state`` and, through a one-time handoff to ``/auth/session``, in
the browser's cookie. Every run checks it against the database, so signing out in another tab,
"Sign out everywhere", a disabled account or a new password shows the sign-in screen at this
tab's next run. A new browser session (a reload, a new tab, a deep link, a reconnect, another
server) reads the cookie it was opened with and signs the person in. The account itself is read
from the store on every run, so a changed role takes effect at once.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import streamlit as st

from learning.store import User
from learning.throttle import client_address as address_of
from learning.ui import nav, services
from learning.web.app import SESSION_PATH, SIGN_OUT_PATH
from learning.web.cookies import SESSION_COOKIE

USER_KEY = "user_id"
SESSION_KEY = "session_id"
"""The server-side session this browser session is bound to (its raw id, kept on the server)."""
GO_KEY = "go-to"
"""An address on this site the browser is sent to at the next run (the cookie's handoff or sign-out), and until when."""


def current_user() -> User | None:
    """The signed-in person, checked against the database on every run; None shows the sign-in screen."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return _from_cookie()
    raw = st.session_state.get(SESSION_KEY)
    store = services.store()
    # An id set without a server session is checked against the account alone: only the test
    # harness does this (sign_in always binds a session).
    user = store.accounts.get(user_id) if raw is None else store.sessions.user_for(raw, now=services.now())
    if user is None or user.disabled or user.id != user_id:
        _forget()  # the session ended elsewhere (sign out, sign out everywhere, disabled, new password)
        return None
    return user


def browser_session() -> str | None:
    """The session id in the cookie this browser session was opened with (None without one)."""
    value = st.context.cookies.get(SESSION_COOKIE)
    return value if isinstance(value, str) and value else None


def _from_cookie() -> User | None:
    """A new browser session: sign in whoever the cookie's session belongs to. A forged, expired
    or ended session signs nobody in, without an error: the sign-in screen shows."""
    raw = browser_session()
    if raw is None:
        return None
    user = services.store().sessions.user_for(raw, now=services.now())
    if user is None:
        return None
    _forget()
    st.session_state[USER_KEY] = user.id
    st.session_state[SESSION_KEY] = raw
    return user


def session_id() -> str | None:
    """This browser's server-side session id, when it has one."""
    return st.session_state.get(SESSION_KEY)


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


def sign_in(user: User, *, keep: bool = False, then: str = "/") -> None:
    """Sign ``user`` in: a new server-side session (a new id at every sign-in, so an id planted
    before cannot be the signed-in one), and at the next run the browser goes through the
    one-time handoff that sets its cookie, then on to ``then`` (a path on this site).

    ``keep`` ("Keep me signed in"): the cookie outlives the browser, for up to 30 days.
    """
    store, now = services.store(), services.now()
    agent = st.context.headers.get("User-Agent")
    raw = store.sessions.start(user.id, now=now, persistent=keep, user_agent=agent if isinstance(agent, str) else None)
    token = store.sessions.handoff(raw, now=now)
    _forget()
    st.session_state[USER_KEY] = user.id
    st.session_state[SESSION_KEY] = raw
    _go_later(f"{SESSION_PATH}?{urlencode({'token': token, 'next': then})}", until=now + store.sessions.rules.handoff)


def sign_out(*, everywhere: bool = False, then: str = "/") -> None:
    """End this browser's session (``everywhere``: every session of the person) and forget who
    is signed in; at the next run the browser clears its cookie through ``/auth/sign-out``."""
    store = services.store()
    raw, user_id = st.session_state.get(SESSION_KEY), st.session_state.get(USER_KEY)
    if everywhere and user_id is not None:
        store.sessions.end_all(user_id)
    elif raw is not None:
        store.sessions.end(raw)
    _forget()
    _go_later(f"{SIGN_OUT_PATH}?{urlencode({'next': then})}", until=services.now() + timedelta(minutes=5))


def here() -> str:
    """The address of the page this run shows, with its query (``/lesson?lesson=goals``)."""
    path = "/" + (nav.current() or "")
    query = urlencode(st.query_params.to_dict())
    return f"{path}?{query}" if query else path


def follow_pending() -> None:
    """Send the browser to the address a sign-in or sign-out left for this run (once it runs in
    the page, the browser leaves: a new browser session starts there, with the new cookie)."""
    pending = st.session_state.get(GO_KEY)
    if pending is None:
        return
    url, until = pending
    if services.now() >= until:
        del st.session_state[GO_KEY]
        return
    # json.dumps quotes the address for JavaScript; "</" is escaped so it cannot close the script.
    target = json.dumps(url).replace("</", "<\\/")
    st.html(f"<script>window.location.replace({target});</script>", unsafe_allow_javascript=True)


def _go_later(url: str, *, until) -> None:
    st.session_state[GO_KEY] = (url, until)


def _forget() -> None:
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
