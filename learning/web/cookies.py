"""The session cookie: its name and flags, whether a request came over HTTPS, and where a
redirect may send the browser.

The cookie holds the session id (:mod:`learning.store.sessions`): ``HttpOnly`` (no script reads
it), ``SameSite=Lax`` (other sites' forms and scripts do not send it), ``Secure`` when the site is
served over HTTPS, on path ``/``. It has a ``Max-Age`` only with "Keep me signed in"; otherwise
the browser drops it when it closes. Inside an LMS's frame (an LTI launch) a cookie must be
``SameSite=None; Secure; Partitioned`` instead, or the browser would not send it back there.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import Response

SESSION_COOKIE = "learning_session"
HOME = "/"


def is_https(request: HTTPConnection, *, trust_forwarded: bool) -> bool:
    """Whether the browser reached the site over HTTPS: the request's own scheme, or, behind a
    trusted reverse proxy (``LEARNING_TRUST_FORWARDED_FOR``), the proxy's ``X-Forwarded-Proto``
    (its last entry: the one the nearest proxy wrote)."""
    if request.url.scheme in ("https", "wss"):
        return True
    if not trust_forwarded:
        return False
    forwarded = request.headers.get("x-forwarded-proto", "")
    return forwarded.split(",")[-1].strip().lower() == "https"


def set_cookie(
    response: Response, name: str, value: str, *, secure: bool, max_age: int | None, framed: bool = False, path: str = "/"
) -> None:
    """Set an ``HttpOnly`` cookie: ``SameSite=Lax`` (``Secure`` over HTTPS) in a window of the
    app's own, ``SameSite=None; Secure; Partitioned`` when ``framed`` inside another site's page."""
    response.set_cookie(
        name, value, max_age=max_age, path=path, secure=secure or framed, httponly=True, samesite="none" if framed else "lax"
    )
    if framed:  # Starlette adds Partitioned only on Python 3.14; the header is the same
        header, cookie = response.raw_headers[-1]
        response.raw_headers[-1] = (header, cookie + b"; Partitioned")


def set_session(response: Response, session_id: str, *, secure: bool, max_age: int | None, framed: bool = False) -> None:
    """Put the session id in the browser (``max_age`` None: until the browser closes)."""
    set_cookie(response, SESSION_COOKIE, session_id, secure=secure, max_age=max_age, framed=framed)


def clear_session(response: Response, *, secure: bool) -> None:
    """Take the session cookie out of the browser."""
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")


_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None) -> str:
    """Where to send the browser after a handoff or a sign-out: ``target`` when it is a path on
    this site (``/lesson?lesson=x``), else the home page. A full address, ``//other.host``, a
    backslash (which browsers read as a slash) or a control character all give the home page, so
    a link cannot use the app to send someone to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or _UNSAFE.search(target):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME
    return target
