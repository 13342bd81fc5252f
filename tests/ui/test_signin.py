"""The sign-in screen: signing in and up, and every message a person can get."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learning.errors import SignInError
from tests.ui.conftest import PASSWORD


def sign_in(app, username: str, password: str):
    app.run()
    app.text_input("Username").input(username)
    app.text_input("Password").input(password)
    app.button("Sign in").click()
    return app.run()


def test_a_new_visitor_sees_sign_in_and_sign_up(app) -> None:
    at = app.run()
    assert at.title[0].value == "Massage therapist or medical massage therapist?"
    assert [t.label for t in at.tabs] == ["Sign in", "Create an account", "I have a reset code"]


def test_sign_in_with_the_right_password_opens_the_course(app) -> None:
    app.user()
    sign_in(app, "sam", PASSWORD)
    assert "Welcome, Sam Rivera" in app.texts()


def test_wrong_password(app) -> None:
    app.user()
    sign_in(app, "sam", "not my password at all")
    assert [e.value for e in app.at.error] == ["Wrong username or password. Check both and try again."]


def test_locked_account(app) -> None:
    app.user()
    for _ in range(5):  # five failures in a row, on the same database the app uses, lock the account
        with pytest.raises(SignInError):
            app.store.accounts.sign_in("sam", "wrong password!", now=datetime.now(UTC))
    sign_in(app, "sam", PASSWORD)
    assert app.at.error[0].value.startswith("Too many wrong passwords: this account is locked for")


def test_sign_up_with_a_taken_username(app) -> None:
    app.user()
    at = app.run()
    app.text_input("Your name").input("Another Sam")
    app.text_input("Choose a username").input("sam")
    app.text_input("Choose a password").input(PASSWORD)
    app.text_input("Type the password again").input(PASSWORD)
    app.button("Create my account").click()
    at = app.run()
    assert [e.value for e in at.error] == ["The username 'sam' is taken; choose another."]


def test_sign_up_with_different_passwords_or_a_weak_one(app) -> None:
    app.run()
    app.text_input("Choose a username").input("newbie")
    app.text_input("Choose a password").input(PASSWORD)
    app.text_input("Type the password again").input(PASSWORD + "x")
    app.button("Create my account").click()
    assert [e.value for e in app.run().error] == ["The two passwords differ. Type them again."]
    app.text_input("Choose a password").input("short")
    app.text_input("Type the password again").input("short")
    app.button("Create my account").click()
    assert [e.value for e in app.run().error] == ["Password: use at least 10 characters."]


def test_sign_up_with_a_class_code_joins_the_class(app) -> None:
    from learning.store import Role

    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    cohort = app.store.accounts.create_cohort(teacher, "Monday", now=datetime.now(UTC))
    app.run()
    app.text_input("Your name").input("Kim")
    app.text_input("Choose a username").input("kim")
    app.text_input("Choose a password").input(PASSWORD)
    app.text_input("Type the password again").input(PASSWORD)
    app.text_input("Class enrolment code (optional)").input(cohort.code.lower())
    app.button("Create my account").click()
    app.run()
    assert "Welcome, Kim" in app.texts()
    assert [u.username for u in app.store.accounts.cohort_learners(teacher, cohort.id)] == ["kim"]


def test_a_wrong_class_code_is_explained(app) -> None:
    app.run()
    app.text_input("Choose a username").input("kim")
    app.text_input("Choose a password").input(PASSWORD)
    app.text_input("Type the password again").input(PASSWORD)
    app.text_input("Class enrolment code (optional)").input("ZZZZ-ZZZZ")
    app.button("Create my account").click()
    assert [e.value for e in app.run().error] == ["No class has that enrolment code; check it with your instructor."]
