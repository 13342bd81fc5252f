"""The sign-in screen: signing in and up, and every message a person can get."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learning.errors import SignInError, TooManyTries
from learning.store import Role
from learning.throttle import LOCAL
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


def test_a_device_that_keeps_failing_is_told_when_to_try_again(app) -> None:
    """The rule changed on purpose: five wrong passwords no longer lock the account; the device
    that failed waits, and is told for how long."""
    app.user()
    for _ in range(5):
        sign_in(app, "sam", "not my password at all")
    sign_in(app, "sam", PASSWORD)
    assert [e.value for e in app.at.error] == [
        "Too many sign-ins failed from this device or for this username. Try again in 1 minute. "
        "If you forgot your password, ask your instructor for a reset code."
    ]


def test_the_owner_gets_in_while_someone_elsewhere_guesses(app) -> None:
    """Guesses from another address (once enough to lock the account) do not keep the owner out."""
    app.user()
    for _ in range(20):
        with pytest.raises((SignInError, TooManyTries)):
            app.store.accounts.sign_in("sam", "wrong password!", now=datetime.now(UTC), client="203.0.113.66")
    sign_in(app, "sam", PASSWORD)
    assert "Welcome, Sam Rivera" in app.texts()


def test_disabled_is_said_only_after_the_right_password(app) -> None:
    app.user()
    app.store.accounts.set_disabled("sam")
    sign_in(app, "sam", "not my password at all")
    assert [e.value for e in app.at.error] == ["Wrong username or password. Check both and try again."]
    sign_in(app, "sam", PASSWORD)
    assert [e.value for e in app.at.error] == ["This account is disabled. Ask your instructor."]


def test_too_many_sign_ups_from_one_network_are_told_when_to_try_again(app) -> None:
    for n in range(app.store.accounts.limits.sign_up.free):  # a whole class signed up from this network just now
        app.store.accounts.create(f"learner{n:02d}", PASSWORD, role=Role.LEARNER, now=datetime.now(UTC), client=LOCAL)
    app.run()
    app.text_input("Choose a username").input("one-more")
    app.text_input("Choose a password").input(PASSWORD)
    app.text_input("Type the password again").input(PASSWORD)
    app.button("Create my account").click()
    assert [e.value for e in app.run().error] == [
        "Too many accounts were made from this network just now. Try again in 1 minute, or ask your instructor."
    ]


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
    app.text_input("Choose a password").input("Welcome123!")
    app.text_input("Type the password again").input("Welcome123!")
    app.button("Create my account").click()
    assert [e.value for e in app.run().error] == [
        "Password: it is too easy to guess (it is made of common words or patterns); a few unrelated words make a strong password."
    ]


def test_sign_up_with_a_class_code_joins_the_class(app) -> None:
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
