"""The HTTP routes and middleware that ``streamlit_app.py`` gives ``st.App``.

Routes (each reads the database, so any of several app servers answers alike):

- ``GET /auth/session?token=T&next=/path``: redeems the one-time token a sign-in made
  (:meth:`learning.store.sessions.Sessions.handoff`), sets the session cookie and sends the
  browser on to ``next`` (a path on this site; anything else goes to ``/``). A used, expired or
  unknown token sets nothing.
- ``GET`` or ``POST /auth/sign-out?next=/path``: ends the browser's session and clears the cookie.
- ``/lti/...``: the LTI 1.3 tool (:mod:`learning.web.lti`): login initiation, launch, deep
  linking, its key set and its configuration.
- ``GET /exports/transcript.csv`` and ``GET /exports/statements.json`` (``?learner=ID`` for an
  instructor's learner): the signed-in person's transcript and xAPI statements, only with a live
  session cookie, never cached.
- ``GET /exports/gradebook.csv?class=ID``: a class's gradebook, for its instructors only, on
  the same terms.

Middleware: every HTTP response says who may frame the app: ``Content-Security-Policy:
frame-ancestors 'self'`` plus the origins of ``LEARNING_FRAME_ANCESTORS``, and
``X-Frame-Options: SAMEORIGIN`` when no other site may (with other sites it would block them in
browsers that read only that header; every current browser follows the CSP).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from learning.course import Course, load_course
from learning.errors import AccessDenied
from learning.settings import Settings
from learning.store import Store, User
from learning.web import lti
from learning.web.cookies import SESSION_COOKIE, clear_session, is_https, safe_next, set_session

SESSION_PATH = "/auth/session"
SIGN_OUT_PATH = "/auth/sign-out"
TRANSCRIPT_PATH = "/exports/transcript.csv"
STATEMENTS_PATH = "/exports/statements.json"
GRADEBOOK_PATH = "/exports/gradebook.csv"
NOT_SIGNED_IN = "Sign in to the app first: your records are only sent to a browser that is signed in."
NOT_YOURS = "Those records are not yours to download."
_PRIVATE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_ORIGIN = re.compile(r"^https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def routes(settings: Settings, *, store: Callable[[], Store] | None = None, clock: Callable[[], datetime] | None = None) -> list[BaseRoute]:
    """The app's HTTP routes.

    Args:
        settings: the app's settings (the database, whether to trust the proxy's headers).
        store: the store to use (the app passes its own, so both share one connection pool);
            by default one is opened on ``settings.database_url`` at the first request.
        clock: the time now (tests); the server's clock by default.
    """
    records = store or functools.partial(_own_store, settings.database_url, str(settings.lessons_dir), str(settings.bank_dir))
    now = clock or (lambda: datetime.now(UTC))
    trusted = settings.trust_forwarded_for

    def signed_in(request: Request) -> User | None:
        raw = request.cookies.get(SESSION_COOKIE)
        return records().sessions.user_for(raw, now=now()) if raw else None

    def session(request: Request) -> Response:
        target = safe_next(request.query_params.get("next"))
        token = request.query_params.get("token", "")
        handed = records().sessions.redeem(token, now=now()) if token else None
        response = RedirectResponse(target, status_code=303, headers=_PRIVATE)
        if handed is not None:
            max_age = max(1, int((handed.expires_at - now()).total_seconds())) if handed.persistent else None
            set_session(response, handed.session_id, secure=is_https(request, trust_forwarded=trusted), max_age=max_age)
        return response

    def sign_out(request: Request) -> Response:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            records().sessions.end(raw)
        response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303, headers=_PRIVATE)
        clear_session(response, secure=is_https(request, trust_forwarded=trusted))
        return response

    def export(kind: str) -> Callable[[Request], Response]:
        def download(request: Request) -> Response:
            user = signed_in(request)
            if user is None:
                return PlainTextResponse(NOT_SIGNED_IN, status_code=401, headers=_PRIVATE)
            wanted = request.query_params.get("learner", "")
            learner_id = int(wanted) if wanted.isdigit() and len(wanted) < 12 else user.id
            store = records()
            try:
                if kind == "csv":
                    body = store.exports.transcript_csv(user, learner_id)
                else:
                    body = json.dumps(store.exports.xapi_statements(user, learner_id), indent=2, ensure_ascii=False)
            except AccessDenied:
                return PlainTextResponse(NOT_YOURS, status_code=403, headers=_PRIVATE)
            learner = user if learner_id == user.id else store.accounts.get(learner_id)
            name = learner.username if learner else str(learner_id)
            filename, media = (f"transcript-{name}.csv", "text/csv") if kind == "csv" else (f"answers-{name}.xapi.json", "application/json")
            headers = {**_PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'}
            return Response(body, media_type=media, headers=headers)

        return download

    def gradebook(request: Request) -> Response:
        user = signed_in(request)
        if user is None:
            return PlainTextResponse(NOT_SIGNED_IN, status_code=401, headers=_PRIVATE)
        wanted = request.query_params.get("class", "")
        if not (wanted.isdigit() and len(wanted) < 12):
            return PlainTextResponse("Say which class: ?class=ID.", status_code=400, headers=_PRIVATE)
        try:
            roster = records().classes.roster(user, int(wanted), now=now())
        except AccessDenied:
            return PlainTextResponse(NOT_YOURS, status_code=403, headers=_PRIVATE)
        headers = {**_PRIVATE, "Content-Disposition": f'attachment; filename="gradebook-class-{roster.cohort.id}.csv"'}
        return Response(roster.csv(), media_type="text/csv", headers=headers)

    return [
        Route(SESSION_PATH, session, methods=["GET"]),
        Route(SIGN_OUT_PATH, sign_out, methods=["GET", "POST"]),
        Route(TRANSCRIPT_PATH, export("csv"), methods=["GET"]),
        Route(STATEMENTS_PATH, export("json"), methods=["GET"]),
        Route(GRADEBOOK_PATH, gradebook, methods=["GET"]),
        *lti.routes(settings, records),
    ]


def middleware(settings: Settings) -> list[Middleware]:
    """The middleware around every request: the framing headers.

    Raises:
        ValueError: ``LEARNING_FRAME_ANCESTORS`` holds something that is not an origin.
    """
    return [Middleware(FrameGuard, ancestors=frame_ancestors(settings))]


def frame_ancestors(settings: Settings) -> tuple[str, ...]:
    """The other origins allowed to frame the app, checked (``https://lms.school.example``).

    Raises:
        ValueError: an entry that is not an origin (a path, a quote, ``*`` alone).
    """
    origins = tuple(settings.frame_ancestors.split())
    wrong = [origin for origin in origins if not _ORIGIN.match(origin)]
    if wrong:
        raise ValueError(f"LEARNING_FRAME_ANCESTORS takes origins such as https://lms.school.example, not {', '.join(wrong)}")
    return origins


class FrameGuard:
    """Adds the framing headers to every HTTP response (a pure ASGI middleware: websockets pass
    untouched, and streamed responses are not buffered)."""

    def __init__(self, app: ASGIApp, *, ancestors: tuple[str, ...] = ()) -> None:
        self.app = app
        policy = " ".join(["frame-ancestors", "'self'", *ancestors])
        self.headers = [(b"content-security-policy", policy.encode())]
        if not ancestors:
            self.headers.append((b"x-frame-options", b"SAMEORIGIN"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


@functools.cache
def _own_store(url: str, lessons: str, bank: str) -> Store:
    """A store for this process when the app did not pass its own (one per database, shared:
    it holds no one's state)."""
    return Store.open(url, course=_course_loader(Path(lessons), Path(bank)))


def _course_loader(lessons: Path, bank: Path) -> Callable[[], Course]:
    """The course, loaded again when a lesson or bank file changes."""

    @functools.lru_cache(maxsize=1)
    def load(_stamp: tuple[tuple[str, int, int], ...]) -> Course:
        return load_course(lessons_dir=lessons, bank_dir=bank)

    def stamp() -> tuple[tuple[str, int, int], ...]:
        files = sorted(p for p in [*lessons.glob("*"), *bank.rglob("*.json")] if p.is_file())
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)

    return lambda: load(stamp())
