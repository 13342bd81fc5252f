"""The HTTP side, through Starlette's TestClient: the cookie handoff and its flags, sign-out, the
downloads that need a session, and the framing headers on every response."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from learning import load_course
from learning.settings import Settings
from learning.store import Role, Store
from learning.web.app import frame_ancestors, middleware, routes
from learning.web.cookies import SESSION_COOKIE, safe_next
from tests.conftest import NOW, ROOT

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path: Path, course_dirs) -> Iterator[Store]:
    lessons, bank = course_dirs
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    opened = Store.open(f"sqlite:///{tmp_path / 'records.db'}", course=lambda: course)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch) -> None:
    from argon2 import PasswordHasher

    import learning.store.accounts as accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def clock() -> Clock:
    return Clock()


def client_for(store: Store, clock: Clock, *, base_url: str = "http://testserver", **settings: object) -> TestClient:
    config = Settings(database_url=store.db.url, **settings)
    app = Starlette(routes=routes(config, store=lambda: store, clock=clock), middleware=middleware(config))
    return TestClient(app, base_url=base_url, follow_redirects=False)


@pytest.fixture
def client(store, clock) -> TestClient:
    return client_for(store, clock)


@pytest.fixture
def learner(store):
    return store.accounts.create("sam", PASSWORD, role=Role.LEARNER, now=NOW, display_name="Sam Rivera")


def handoff(store, user, *, persistent: bool = False) -> tuple[str, str]:
    raw = store.sessions.start(user.id, now=NOW, persistent=persistent, user_agent="test")
    return raw, store.sessions.handoff(raw, now=NOW)


def cookie_header(response) -> str:
    found = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(f"{SESSION_COOKIE}=")]
    assert len(found) == 1, response.headers
    return found[0]


# --- the handoff --------------------------------------------------------------------------


def test_the_handoff_sets_the_session_cookie_with_its_flags_and_goes_on(client, store, learner) -> None:
    raw, token = handoff(store, learner)
    reply = client.get("/auth/session", params={"token": token, "next": "/lesson?lesson=goals"})
    assert reply.status_code == 303
    assert reply.headers["location"] == "/lesson?lesson=goals"
    assert reply.headers["cache-control"] == "no-store"
    cookie = cookie_header(reply)
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert cookie.startswith(f"{SESSION_COOKIE}={raw};")
    assert flags == {"httponly", "path", "samesite"}  # no Secure over plain HTTP, no Max-Age: it dies with the browser
    assert "samesite=lax" in cookie.lower()
    assert "path=/" in cookie.lower()


def test_keep_me_signed_in_gives_the_cookie_a_max_age_of_the_session(client, store, learner) -> None:
    _raw, token = handoff(store, learner, persistent=True)
    cookie = cookie_header(client.get("/auth/session", params={"token": token}))
    assert f"Max-Age={int(timedelta(days=30).total_seconds())}" in cookie


@pytest.mark.parametrize(
    ("base_url", "trust", "forwarded", "secure"),
    [
        ("https://testserver", False, None, True),
        ("http://testserver", False, "https", False),  # a client's own header is not believed...
        ("http://testserver", True, "https", True),  # ...a trusted proxy's is
        ("http://testserver", True, "http", False),
        ("http://testserver", True, "https, http", False),  # the nearest proxy's entry counts
    ],
)
def test_the_cookie_is_secure_when_the_site_is_served_over_https(
    store, clock, learner, base_url: str, trust: bool, forwarded: str | None, secure: bool
) -> None:
    client = client_for(store, clock, base_url=base_url, trust_forwarded_for=trust)
    _raw, token = handoff(store, learner)
    headers = {"X-Forwarded-Proto": forwarded} if forwarded else {}
    cookie = cookie_header(client.get("/auth/session", params={"token": token}, headers=headers))
    assert ("; secure" in cookie.lower()) is secure


def test_a_handoff_token_is_refused_a_second_time(client, store, learner) -> None:
    _raw, token = handoff(store, learner)
    assert client.get("/auth/session", params={"token": token}).status_code == 303
    again = client.get("/auth/session", params={"token": token, "next": "/progress"})
    assert again.status_code == 303
    assert again.headers["location"] == "/progress"  # the browser lands signed out, with no error page
    assert "set-cookie" not in again.headers


def test_a_handoff_token_is_refused_after_a_minute(client, store, learner, clock) -> None:
    _raw, token = handoff(store, learner)
    clock.now = NOW + timedelta(seconds=61)
    assert "set-cookie" not in client.get("/auth/session", params={"token": token}).headers


@pytest.mark.parametrize("token", ["", "forged", "A" * 43])
def test_a_forged_handoff_token_sets_nothing(client, store, learner, token: str) -> None:
    handoff(store, learner)
    reply = client.get("/auth/session", params={"token": token})
    assert (reply.status_code, reply.headers["location"]) == (303, "/")
    assert "set-cookie" not in reply.headers


@pytest.mark.parametrize(
    ("target", "goes_to"),
    [
        ("/lesson?lesson=goals&section=first", "/lesson?lesson=goals&section=first"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("lesson", "/"),
        ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),  # stays a path on this site
    ],
)
def test_next_is_only_ever_a_path_on_this_site(target: str | None, goes_to: str) -> None:
    assert safe_next(target) == goes_to


# --- sign out -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sign_out_ends_the_session_and_clears_the_cookie(client, store, learner, method: str) -> None:
    raw, _token = handoff(store, learner)
    client.cookies.set(SESSION_COOKIE, raw)
    reply = client.request(method, "/auth/sign-out", params={"next": "/signin"})
    assert (reply.status_code, reply.headers["location"]) == (303, "/signin")
    cookie = cookie_header(reply)
    assert cookie.startswith(f'{SESSION_COOKIE}="";') and "Max-Age=0" in cookie
    assert store.sessions.user_for(raw, now=NOW) is None


def test_sign_out_without_a_session_still_clears_the_cookie(client) -> None:
    reply = client.get("/auth/sign-out")
    assert reply.headers["location"] == "/"
    assert "Max-Age=0" in cookie_header(reply)


# --- downloads ----------------------------------------------------------------------------


def test_downloads_need_a_live_session(client, store, learner) -> None:
    for path in ("/exports/transcript.csv", "/exports/statements.json"):
        reply = client.get(path)
        assert reply.status_code == 401
        assert "Sign in" in reply.text
        assert reply.headers["cache-control"] == "no-store"
    client.cookies.set(SESSION_COOKIE, "A" * 43)  # forged
    assert client.get("/exports/transcript.csv").status_code == 401


def test_a_signed_in_learner_downloads_their_transcript_and_statements(client, store, learner) -> None:
    store.progress.open_lesson(learner, "goals", now=NOW)
    raw, _token = handoff(store, learner)
    client.cookies.set(SESSION_COOKIE, raw)
    csv = client.get("/exports/transcript.csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"] == 'attachment; filename="transcript-sam.csv"'
    assert csv.headers["cache-control"] == "no-store"
    assert csv.text.splitlines()[0].startswith("record,id,title")
    assert "lesson,goals,Goals" in csv.text
    statements = client.get("/exports/statements.json")
    assert statements.status_code == 200
    assert statements.headers["content-disposition"] == 'attachment; filename="answers-sam.xapi.json"'
    assert json.loads(statements.text) == []
    # Signed out (the session ended): the same addresses answer nothing.
    store.sessions.end(raw)
    assert client.get("/exports/transcript.csv").status_code == 401


def test_another_learners_records_are_refused_but_their_instructor_gets_them(client, store, learner) -> None:
    other = store.accounts.create("kim", PASSWORD, role=Role.LEARNER, now=NOW)
    raw, _token = handoff(store, other)
    client.cookies.set(SESSION_COOKIE, raw)
    assert client.get("/exports/transcript.csv", params={"learner": learner.id}).status_code == 403
    assert client.get("/exports/statements.json", params={"learner": learner.id}).status_code == 403
    teacher = store.accounts.create("morgan", PASSWORD, role=Role.INSTRUCTOR, now=NOW)
    cohort = store.accounts.create_cohort(teacher, "Monday class", now=NOW)
    store.accounts.join_cohort(learner, cohort.code, now=NOW)
    raw, _token = handoff(store, teacher)
    client.cookies.set(SESSION_COOKIE, raw)
    reply = client.get("/exports/transcript.csv", params={"learner": learner.id})
    assert reply.status_code == 200
    assert reply.headers["content-disposition"] == 'attachment; filename="transcript-sam.csv"'


def test_a_disabled_account_downloads_nothing(client, store, learner) -> None:
    raw, _token = handoff(store, learner)
    client.cookies.set(SESSION_COOKIE, raw)
    store.accounts.set_disabled("sam")
    assert client.get("/exports/transcript.csv").status_code == 401


def test_a_class_gradebook_goes_only_to_its_instructors(client, store, learner) -> None:
    teacher = store.accounts.create("morgan", PASSWORD, role=Role.INSTRUCTOR, now=NOW)
    cohort = store.accounts.create_cohort(teacher, "Monday class", now=NOW)
    store.accounts.join_cohort(learner, cohort.code, now=NOW)
    path = f"/exports/gradebook.csv?class={cohort.id}"
    assert client.get(path).status_code == 401  # no session
    raw, _token = handoff(store, learner)  # a learner of the class
    client.cookies.set(SESSION_COOKIE, raw)
    assert client.get(path).status_code == 403
    other = store.accounts.create("robin", PASSWORD, role=Role.INSTRUCTOR, now=NOW)  # teaches another class
    raw, _token = handoff(store, other)
    client.cookies.set(SESSION_COOKIE, raw)
    assert client.get(path).status_code == 403
    assert client.get("/exports/gradebook.csv?class=999999").status_code == 403  # no such class: told nothing more
    assert client.get("/exports/gradebook.csv?class=x").status_code == 400
    raw, _token = handoff(store, teacher)
    client.cookies.set(SESSION_COOKIE, raw)
    reply = client.get(path)
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["content-disposition"] == f'attachment; filename="gradebook-class-{cohort.id}.csv"'
    assert "sam" in reply.text
    store.sessions.end(raw)
    assert client.get(path).status_code == 401


# --- framing ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/auth/session", "/auth/sign-out", "/exports/transcript.csv", "/no-such-page"])
def test_every_response_forbids_framing_by_other_sites(client, path: str) -> None:
    reply = client.get(path)
    assert reply.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert reply.headers["x-frame-options"] == "SAMEORIGIN"


def test_named_sites_may_frame_the_app(store, clock) -> None:
    client = client_for(store, clock, frame_ancestors="https://lms.school.example https://*.moodle.example:8443")
    reply = client.get("/no-such-page")
    assert reply.headers["content-security-policy"] == "frame-ancestors 'self' https://lms.school.example https://*.moodle.example:8443"
    assert "x-frame-options" not in reply.headers  # it would block the LMS in browsers that read only that header


@pytest.mark.parametrize("wrong", ["*", "'none'", "https://lms.example/path", "lms.example", "https://x.example; script-src *"])
def test_a_frame_ancestor_that_is_not_an_origin_stops_the_server_at_start(wrong: str) -> None:
    with pytest.raises(ValueError, match="LEARNING_FRAME_ANCESTORS"):
        frame_ancestors(Settings(frame_ancestors=wrong))


# --- the entry point ----------------------------------------------------------------------


def test_streamlit_run_finds_the_app_in_the_entry_script() -> None:
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "streamlit_app.py")
    assert (found.is_asgi_app, found.import_string) == (True, "streamlit_app:app")
