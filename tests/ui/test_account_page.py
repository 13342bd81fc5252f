"""The account page: change your own password, see where you are signed in, sign out everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learning.errors import SignInError
from learning.store import Role
from tests.ui.conftest import PASSWORD, scripts

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile/15E148 Safari/604.1"
NEW = "purple lanterns drift slowly"


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def signed_in(app):
    """Sam, signed in here and on a phone; the account page open."""
    user = app.user()
    phone = app.store.sessions.start(user.id, now=now(), persistent=True, user_agent=IPHONE)
    app.sign_in_as(user)
    app.open("account")
    return user, phone


def change(app, current: str, new: str, again: str | None = None):
    app.text_input("Current password").input(current)
    app.text_input("New password").input(new)
    app.text_input("Type the new password again").input(new if again is None else again)
    app.button("Change my password").click()
    return app.run()


def test_the_account_page_is_in_the_account_menu_for_everyone(app) -> None:
    from learning.ui import nav

    assert [d.name for d in nav.PAGES if d.section == nav.ACCOUNT] == ["account", "sign-out"]
    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.sign_in_as(teacher)
    app.open("account")
    assert app.at.title[0].value == "Your account"


def test_it_lists_where_you_are_signed_in(app, signed_in) -> None:
    texts = app.texts()
    assert "Your account" in texts
    devices = [m.value for m in app.at.markdown if m.value.startswith(":material/devices:")]
    # The most recently used first: this browser signed in after the phone.
    assert devices == [":material/devices: **An unknown browser** · **this browser**", ":material/devices: **Safari on iPhone**"]
    assert "2 browsers signed in." in texts
    assert "kept signed in" in texts and "until the browser closes" in texts


def test_changing_the_password_keeps_this_browser_and_signs_out_the_phone(app, signed_in) -> None:
    user, phone = signed_in
    change(app, PASSWORD, NEW)
    assert [s.value for s in app.at.success] == ["Your password is changed. Every other device you were signed in on is now signed out."]
    assert app.store.sessions.user_for(phone, now=now()) is None
    assert app.store.sessions.user_for(app.at.session_state["session_id"], now=now()) == user
    assert "1 browser signed in." in app.texts()
    assert app.store.accounts.sign_in("sam", NEW, now=now()) == user
    app.run()
    assert app.at.title[0].value == "Your account"  # still signed in here


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("not my password", NEW, None, "Your current password is not right, so nothing changed. Type it again."),
        (PASSWORD, NEW, "something else entirely", "The two new passwords differ. Type them again."),
        ("", NEW, None, "Enter your current password and a new one."),
        (PASSWORD, "password12", None, "too easy to guess"),
        (PASSWORD, "short", None, "at least 10 characters"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(app, signed_in, current, new, again, message) -> None:
    user, phone = signed_in
    change(app, current, new, again)
    [error] = [e.value for e in app.at.error]
    assert message in error
    assert app.store.sessions.user_for(phone, now=now()) == user
    assert app.store.accounts.sign_in("sam", PASSWORD, now=now()) == user
    with pytest.raises(SignInError):
        app.store.accounts.sign_in("sam", NEW, now=now())


def test_sign_out_everywhere_ends_every_session_this_one_too(app, signed_in) -> None:
    user, phone = signed_in
    app.button("Sign out everywhere").click()
    app.run()
    assert [t.label for t in app.at.tabs][:1] == ["Sign in"]
    assert app.store.sessions.active(user.id, now=now()) == []
    assert app.store.sessions.user_for(phone, now=now()) is None
    [script] = scripts(app.at)
    assert "/auth/sign-out?next=%2F" in script  # then the browser clears its cookie


def test_a_school_account_changes_its_password_with_the_school(app) -> None:
    sso = app.store.accounts.sign_in_sso("kim@school.example", name="Kim", now=now())
    app.sign_in_as(sso)
    app.open("account")
    assert app.at.info[0].value.startswith("You sign in with your school account")
    assert not [t for t in app.at.text_input if t.label == "Current password"]
