"""The LTI 1.3 tool's HTTP routes (Starlette, served beside the Streamlit app by ``st.App``).

    GET|POST /lti/login        OIDC login initiation from the platform: a state and a nonce,
                               then off to the platform's authentication endpoint
    POST     /lti/launch       the platform posts the signed id_token here; a valid launch signs
                               the person in and opens the quiz, lesson or class page
    POST     /lti/deep-link    an instructor's choice of quiz or lesson, sent back to the platform
    GET      /lti/jwks         the tool's public key set
    GET      /lti/config.json  the tool's configuration, for a platform administrator

A refused launch gets a plain page saying what was wrong (status 400 for a malformed request,
401 for one that cannot be trusted, 403 for a person the module cannot seat).

Cookies. The login sets a cookie holding its state, checked at the launch: only the browser
that started a sign-in can finish it (no one can sign a victim into their own account by
posting a captured launch). The platform posts the launch from its own site, so that cookie is
``SameSite=None; Secure``. The session cookie set at the launch is ``SameSite=None; Secure;
Partitioned`` when the platform shows the app inside its page (an iframe: the launch's
``document_target`` is ``iframe`` or not given), and ``SameSite=Lax`` in a new window. A
browser that blocks cookies inside frames gets a page offering to open the app in a new window.

A valid launch signs the person in as a sign-in form does: :func:`sign_in_response` starts a
server-side session (:mod:`learning.store.sessions`) and sets its cookie.
"""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from learning.errors import LaunchRefused, LtiError, StorageError
from learning.lti.keys import ToolKey
from learning.lti.launch import KeySets, login_redirect, verify_id_token
from learning.lti.models import DEEP_LINKING_REQUEST, Launch, Presence
from learning.lti.passback import start_sender
from learning.lti.services import Platforms
from learning.lti.tool import TITLE, ToolUrls, canvas_configuration, content_item, deep_link_response
from learning.settings import Settings
from learning.store.lti import Entry
from learning.web.cookies import is_https, set_cookie, set_session

if TYPE_CHECKING:
    from learning.store import Store, User

log = logging.getLogger("learning.lti")

STATE_COOKIE = "lti-state-"
STATE_SECONDS = 600
LOGIN_PARAMETERS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id")
TICKET_AUDIENCE = "deep-link"


SignIn = Callable[["Store", Request, "User", str, bool, datetime], Response]
"""``sign_in(store, request, user, next_path, framed, now)``: the response that signs ``user`` in
and sends them to ``next_path``."""


def sign_in_response(store: Store, request: Request, user: User, next_path: str, framed: bool, now: datetime) -> Response:
    """Start a server-side session for ``user`` (:meth:`learning.store.sessions.Sessions.start`,
    ended when the browser closes) and send them to ``next_path`` with the session cookie (framed:
    ``SameSite=None; Secure; Partitioned``)."""
    raw = store.sessions.start(user.id, now=now, persistent=False, user_agent=request.headers.get("user-agent"))
    response = RedirectResponse(next_path, status_code=303)
    # Secure is safe to take from the proxy's header even unchecked: a forged one only keeps the
    # cookie from travelling over plain http.
    set_session(response, raw, secure=is_https(request, trust_forwarded=True), max_age=None, framed=framed)
    return response


def routes(
    settings: Settings,
    store_factory: Callable[[], Store],
    *,
    sign_in: SignIn = sign_in_response,
    client: httpx.Client | None = None,
    clock: Callable[[], datetime] | None = None,
) -> list[BaseRoute]:
    """The LTI routes, on the store ``store_factory`` returns (the app's shared one).

    ``client`` is the HTTP client for platforms' key sets (tests pass one); ``clock`` the time.
    """
    now = clock or (lambda: datetime.now(UTC))
    keysets = KeySets(client=client)
    tool: dict[str, ToolKey] = {}  # loaded on first use (made then if new): one key for the whole app

    def tool_key() -> ToolKey:
        if "key" not in tool:
            tool["key"] = ToolKey.load_or_create(settings.lti_key_file())
        return tool["key"]

    def urls(request: Request) -> ToolUrls:
        return ToolUrls.under(settings.public_url or str(request.base_url))

    async def login(request: Request) -> Response:
        params = dict(request.query_params) if request.method == "GET" else {k: str(v) for k, v in (await request.form()).items()}
        missing = [name for name in ("iss", "login_hint", "target_link_uri") if not params.get(name)]
        if missing:
            return _page("This is not an LTI login", f"The request lacks {', '.join(missing)}. Open the module from your LMS.", status=400)
        try:
            return await run_in_threadpool(_login, request, params)
        except LaunchRefused as refused:
            return _refusal(refused)
        except StorageError:
            log.warning("LTI login: the records cannot be reached", exc_info=True)
            return _page("The module cannot sign you in right now", "Its records cannot be reached. Try again in a moment.", status=503)

    def _login(request: Request, params: dict[str, str]) -> Response:
        store = store_factory()
        platform = store.lti.platform_for_login(
            params["iss"], client_id=params.get("client_id") or None, deployment_id=params.get("lti_deployment_id") or None
        )
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        kept = {k: params[k] for k in LOGIN_PARAMETERS if params.get(k)}
        store.lti.begin_login(platform, state=state, nonce=nonce, login=kept, now=now())
        target = login_redirect(
            platform,
            redirect_uri=urls(request).launch,
            login_hint=params["login_hint"],
            message_hint=params.get("lti_message_hint"),
            state=state,
            nonce=nonce,
        )
        response = RedirectResponse(target, status_code=302)
        set_cookie(response, _state_cookie(state), state, secure=True, max_age=STATE_SECONDS, framed=True, path="/lti/")
        return response

    async def launch(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        if form.get("error"):
            said = form.get("error_description") or form["error"]
            return _page("The LMS could not sign you in", f"It said: {said}. Open the link in the LMS again.", status=400)
        if not form.get("id_token") or not form.get("state"):
            return _page("This is not an LTI launch", "The request has no id_token or state. Open the module from your LMS.", status=400)
        try:
            return await run_in_threadpool(_launch, request, form["id_token"], form["state"])
        except LaunchRefused as refused:
            log.info("LTI launch refused (%s): %s", refused.reason, refused)
            return _refusal(refused)
        except StorageError:
            log.warning("LTI launch: the records cannot be reached", exc_info=True)
            return _page("The module cannot sign you in right now", "Its records cannot be reached. Try again in a moment.", status=503)

    def _launch(request: Request, id_token: str, state: str) -> Response:
        store = store_factory()
        moment = now()
        waiting = store.lti.login_state(state, now=moment)
        cookie = request.cookies.get(_state_cookie(state))
        if cookie is None or not secrets.compare_digest(cookie, state):
            again = "/lti/login?" + urlencode(waiting.login) if waiting.login else None
            return _refusal(
                LaunchRefused(
                    "this browser did not start this launch (its state does not match a sign-in started here), "
                    "or it blocked the cookie that says so, as browsers often do inside an LMS's frame",
                    reason="state",
                ),
                again=again,
            )
        verified = verify_id_token(id_token, platform=waiting.platform, nonce=waiting.nonce, keys=keysets, now=moment)
        if verified.message_type == DEEP_LINKING_REQUEST and verified.presence is not Presence.INSTRUCTOR:
            raise LaunchRefused("only instructors can choose what a link in the course opens", reason="role", status=403)
        entry = store.lti.enter(verified, state=state, now=moment)
        if verified.message_type == DEEP_LINKING_REQUEST:
            response = _picker(store, verified, ticket=_ticket(verified, entry, moment))
        else:
            response = sign_in(store, request, entry.user, _next_path(request, entry), verified.framed, moment)
        response.delete_cookie(_state_cookie(state), path="/lti/", secure=True, httponly=True, samesite="none")
        return response

    def _ticket(verified: Launch, entry: Entry, moment: datetime) -> str:
        """A form field the tool signs for itself: which platform's deep linking request the
        instructor's choice answers, valid 15 minutes."""
        return tool_key().sign(
            {
                "aud": TICKET_AUDIENCE,
                "sub": str(entry.user.id),
                "platform": verified.platform.id,
                "deployment_id": verified.deployment_id,
                "return_url": verified.deep_link_return_url,
                "data": verified.deep_link_data,
                "exp": int((moment + timedelta(minutes=15)).timestamp()),
            }
        )

    def _picker(store: Store, verified: Launch, *, ticket: str) -> Response:
        course = store.attempts.course()
        choices = [(f"quiz:{q.id}", f"Quiz: {q.title}") for q in course.quizzes if q.kind.counts_as_a_quiz]
        choices += [(f"lesson:{lesson.id}", f"Lesson: {lesson.title}") for lesson in course.lessons]
        buttons = "".join(
            f'<li><button name="choice" value="{html.escape(value)}">{html.escape(label)}</button></li>' for value, label in choices
        )
        body = (
            "<p>Choose what the link in your course opens. A quiz gets a gradebook column out of 100, and each learner's "
            "counted score is sent to it when they submit.</p>"
            f'<form method="post" action="deep-link"><input type="hidden" name="ticket" value="{html.escape(ticket)}">'
            f'<ul class="choices">{buttons}</ul></form>'
        )
        return _page("Add the module to your course", body, status=200, raw=True)

    async def deep_link(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            return await run_in_threadpool(_deep_link, request, form.get("ticket", ""), form.get("choice", ""))
        except LtiError as error:
            return _page("The choice could not be sent to the LMS", f"{_sentence(str(error))}", status=400)

    def _deep_link(request: Request, ticket: str, choice: str) -> Response:
        claims = tool_key().verify(ticket)
        if claims.get("aud") != TICKET_AUDIENCE:
            raise LtiError("this form was not made for choosing a link")
        store = store_factory()
        platform = store.lti.platform(int(claims["platform"]))
        if platform is None:
            raise LtiError("the platform is no longer registered")
        course = store.attempts.course()
        kind, _, chosen = choice.partition(":")
        quiz = course.quiz(chosen) if kind == "quiz" else None
        lesson = course.lesson(chosen) if kind == "lesson" else None
        if quiz is not None:
            item = content_item(urls(request), title=quiz.title, quiz_id=quiz.id)
        elif lesson is not None:
            item = content_item(urls(request), title=lesson.title, lesson_id=lesson.id)
        else:
            raise LtiError(f"the course has no {choice!r}")
        token = deep_link_response(
            tool_key(), platform, deployment_id=str(claims["deployment_id"]), data=claims.get("data"), items=[item], now=now().timestamp()
        )
        return_url = html.escape(str(claims["return_url"]))
        body = (
            f'<form id="back" method="post" action="{return_url}"><input type="hidden" name="JWT" value="{html.escape(token)}">'
            "<p>Sending your choice to the LMS…</p><button>Continue</button></form>"
            "<script>document.getElementById('back').submit()</script>"
        )
        return _page("Sending your choice to the LMS", body, status=200, raw=True)

    async def jwks(request: Request) -> Response:
        key = await run_in_threadpool(tool_key)
        return JSONResponse(key.jwks(), headers={"Cache-Control": "public, max-age=300"})

    async def config(request: Request) -> Response:
        return JSONResponse(canvas_configuration(urls(request)))

    return [
        Route("/lti/login", login, methods=["GET", "POST"]),
        Route("/lti/launch", launch, methods=["POST"]),
        Route("/lti/deep-link", deep_link, methods=["POST"]),
        Route("/lti/jwks", jwks, methods=["GET"]),
        Route("/lti/config.json", config, methods=["GET"]),
    ]


def start_grade_sender(settings: Settings, store_factory: Callable[[], Store]) -> Callable[[], None]:
    """Post queued scores to the platforms every few seconds on a thread; returns the function
    that stops it (for ``st.App``'s lifespan). The tool's key is read (or made) only when a score
    is first sent: starting a server for a school without an LMS writes no key."""
    platforms = Platforms(lambda: ToolKey.load_or_create(settings.lti_key_file()))
    return start_sender(lambda: store_factory().lti, platforms)


def _next_path(request: Request, entry: Entry) -> str:
    """Where a launch lands: an instructor on their class's page, a learner on the link's quiz or
    lesson (the course map when it names neither)."""
    root = request.scope.get("root_path", "").rstrip("/")
    if entry.presence is Presence.INSTRUCTOR:
        return f"{root}/classes?class={entry.cohort_id}" if entry.cohort_id is not None else f"{root}/"
    if entry.target.quiz_id:
        return f"{root}/quiz?" + urlencode({"quiz": entry.target.quiz_id})
    if entry.target.lesson_id:
        return f"{root}/lesson?" + urlencode({"lesson": entry.target.lesson_id})
    return f"{root}/"


def _state_cookie(state: str) -> str:
    """One cookie per login (named by the start of its state), so two launches at once on one
    LMS page do not overwrite each other's."""
    return STATE_COOKIE + "".join(c for c in state[:16] if c.isalnum())


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


REFUSAL_TITLES = {
    "signature": "The launch's signature is not the LMS's",
    "key": "The launch's signing key is unknown",
    "keyset": "The LMS's keys could not be fetched",
    "algorithm": "The launch is signed the wrong way",
    "issuer": "The launch comes from the wrong LMS",
    "audience": "The launch is meant for another tool",
    "expired": "The launch has expired",
    "replayed": "The launch was already used",
    "deployment": "This deployment of the tool is not registered",
    "state": "This browser did not start this launch",
    "unknown_platform": "This LMS is not registered",
    "disabled": "This account is disabled",
    "role": "The module cannot tell your role",
    "target": "The link opens something the course does not have",
}


def _refusal(refused: LaunchRefused, *, again: str | None = None) -> Response:
    title = REFUSAL_TITLES.get(refused.reason, "The launch was refused")
    body = (
        f"<p>{html.escape(_sentence(str(refused)))}</p><p>Nothing was signed in. Go back to the LMS and open the link again; if it keeps "
    )
    body += "failing, tell the LMS administrator what this page says.</p>"
    if again is not None:
        body += f'<p><a class="button" href="{html.escape(again)}" target="_blank" rel="noopener">Open the module in a new window</a></p>'
    return _page(title, body, status=refused.status, raw=True)


def _page(title: str, body: str, *, status: int, raw: bool = False) -> HTMLResponse:
    """A small page of its own (outside Streamlit), readable on a phone."""
    content = body if raw else f"<p>{html.escape(body)}</p>"
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · {html.escape(TITLE)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1f2933; }}
h1 {{ font-size: 1.4rem; }} ul.choices {{ list-style: none; padding: 0; }}
button, a.button {{ display: inline-block; margin: .25rem 0; padding: .6rem 1rem; font-size: 1rem; border-radius: .4rem;
  border: 1px solid #2f6f5e; background: #2f6f5e; color: #fff; text-decoration: none; cursor: pointer; text-align: left; }}
</style></head>
<body><main><h1>{html.escape(title)}</h1>{content}</main></body></html>"""
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(document, status_code=status, headers=headers)


__all__ = ["SignIn", "routes", "sign_in_response", "start_grade_sender"]
