"""Staying signed in: a sign-in binds the browser session to a server-side session and hands its
id to the cookie; a new browser session (reload, new tab, deep link) signs in from the cookie;
every run checks the session, so signing out elsewhere, disabling or a new password shows the
sign-in screen at the next run. The cookie itself is set by ``/auth/session`` (tests/web)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from learning.store.sessions import digest
from learning.ui import session
from tests.conftest import ROOT
from tests.ui.conftest import PASSWORD, VIEWS, scripts


def now() -> datetime:
    return datetime.now(UTC)


def new_tab() -> AppTest:
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)


@pytest.fixture
def cookie(monkeypatch):
    """The browser's cookie jar, shared by every tab of the test: set ``jar["value"]``."""
    jar: dict[str, str | None] = {"value": None}
    monkeypatch.setattr(session, "browser_session", lambda: jar["value"])
    return jar


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("title", "markdown", "error", "warning", "info") for e in getattr(at, kind))


def signed_in(at: AppTest) -> bool:
    return not any(t.label == "Sign in" for t in at.tabs) and "user_id" in at.session_state


def shows_sign_in(at: AppTest) -> bool:
    return [t.label for t in at.tabs][:1] == ["Sign in"] and not at.exception and not at.error


def pending_address(at: AppTest) -> str:
    """Where the run sends the browser: the address in the page's one navigation script."""
    [script] = scripts(at)
    assert script.startswith("<script>window.location.replace(") and script.endswith(");</script>")
    return script.removeprefix('<script>window.location.replace("').removesuffix('");</script>')


def sign_in_with_form(at: AppTest, *, keep: bool = False) -> AppTest:
    run(at)
    next(t for t in at.text_input if t.label == "Username").input("sam")
    next(t for t in at.text_input if t.label == "Password").input(PASSWORD)
    if keep:
        next(c for c in at.checkbox if c.label == "Keep me signed in").check()
    next(b for b in at.button if b.label == "Sign in").click()
    return run(at)


def test_signing_in_starts_a_session_and_hands_it_to_the_cookie(app) -> None:
    user = app.user()
    at = sign_in_with_form(app.at)
    assert "Welcome, Sam Rivera" in texts(at)
    raw = at.session_state["session_id"]
    assert app.store.sessions.user_for(raw, now=now()) == user
    [listed] = app.store.sessions.active(user.id, now=now())
    assert not listed.persistent  # a browser-session cookie unless "Keep me signed in"
    address = urlsplit(pending_address(at))
    assert address.path == "/auth/session"
    query = parse_qs(address.query)
    assert query["next"] == ["/"]
    handed = app.store.sessions.redeem(query["token"][0], now=now())
    assert handed is not None and handed.session_id == raw  # the cookie will hold this very session


def test_keep_me_signed_in_makes_a_lasting_session(app) -> None:
    user = app.user()
    run(app.at)
    box = next(c for c in app.at.checkbox if c.label == "Keep me signed in")
    assert not box.value  # off unless asked: a shared computer is safe by default
    assert "up to 30 days" in box.help and "every 8 hours" in box.help
    sign_in_with_form(app.at, keep=True)
    assert [s.persistent for s in app.store.sessions.active(user.id, now=now())] == [True]


def test_every_sign_in_gets_a_new_session_id(app) -> None:
    user = app.user()
    first = sign_in_with_form(app.at).session_state["session_id"]
    again = sign_in_with_form(new_tab()).session_state["session_id"]
    assert first != again
    assert len(app.store.sessions.active(user.id, now=now())) == 2


def test_a_deep_link_keeps_its_address_through_the_handoff(app) -> None:
    app.user()
    app.at.switch_page(f"{VIEWS}/lesson.py")
    app.at.query_params["lesson"] = "goals"
    at = sign_in_with_form(app.at)
    assert parse_qs(urlsplit(pending_address(at)).query)["next"] == ["/lesson?lesson=goals"]


def test_a_new_tab_with_the_cookie_lands_signed_in_on_its_deep_link(app, cookie) -> None:
    user = app.user()
    cookie["value"] = app.store.sessions.start(user.id, now=now(), persistent=False, user_agent=None)
    tab = new_tab()
    tab.switch_page(f"{VIEWS}/progress.py")
    run(tab)
    assert signed_in(tab)
    assert "Your progress" in texts(tab)
    assert not scripts(tab)  # no handoff: the cookie is already there


@pytest.mark.parametrize("case", ["forged", "expired", "revoked", "a digest"])
def test_a_bad_cookie_shows_the_sign_in_screen_without_an_error(app, cookie, case: str) -> None:
    user = app.user()
    raw = app.store.sessions.start(user.id, now=now() - timedelta(hours=9 if case == "expired" else 0), persistent=False, user_agent=None)
    if case == "revoked":
        app.store.sessions.end(raw)
    cookie["value"] = {"forged": "A" * 43, "a digest": digest(raw)}.get(case, raw)
    tab = run(new_tab())
    assert shows_sign_in(tab)


def test_signing_out_in_one_tab_signs_the_others_out_at_their_next_run(app, cookie) -> None:
    user = app.user()
    cookie["value"] = app.store.sessions.start(user.id, now=now(), persistent=False, user_agent=None)
    first, second = run(new_tab()), run(new_tab())
    assert signed_in(first) and signed_in(second)
    first.switch_page(f"{VIEWS}/sign_out.py")
    run(first)
    assert shows_sign_in(first)
    assert urlsplit(pending_address(first)).path == "/auth/sign-out"  # the browser then clears the cookie
    assert app.store.sessions.active(user.id, now=now()) == []
    run(second)
    assert shows_sign_in(second)


def test_a_disabled_accounts_open_tab_loses_access_at_its_next_run(app) -> None:
    at = app.sign_in_as(app.user())
    assert "Welcome, Sam Rivera" in texts(at)
    app.store.accounts.set_disabled("sam")
    run(at)
    assert shows_sign_in(at)


def test_a_new_password_signs_open_tabs_out_at_their_next_run(app) -> None:
    at = app.sign_in_as(app.user())
    app.store.accounts.set_password("sam", "purple lanterns drift slowly")
    run(at)
    assert shows_sign_in(at)


def test_a_tab_in_use_keeps_its_session_from_going_idle(app, cookie) -> None:
    user = app.user()
    cookie["value"] = app.store.sessions.start(user.id, now=now() - timedelta(hours=7, minutes=59), persistent=True, user_agent=None)
    tab = run(new_tab())
    assert signed_in(tab)  # used now: seen again, so it lasts another 8 hours
    assert app.store.sessions.active(user.id, now=now() + timedelta(hours=7))
