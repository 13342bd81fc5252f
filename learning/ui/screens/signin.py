"""Sign in, or create a learner account (with an optional class enrolment code)."""

from __future__ import annotations

import streamlit as st

from learning.errors import AccountError, SignInError, TooManyTries
from learning.store import Role
from learning.store.accounts import MIN_PASSWORD
from learning.throttle import wait_words
from learning.ui import nav, services, session
from learning.wording import sentence

PASSWORD_RULE = (
    f"At least {MIN_PASSWORD} characters, not containing your username, and not a common password: "
    "a few unrelated words, such as a short sentence only you would write, make a strong one."
)


def render() -> None:
    st.title("Massage therapist or medical massage therapist?")
    st.markdown(
        "Short lessons on how the two professions differ, technique by technique, "
        "then quizzes that explain every answer and track what you have learned."
    )
    if session.sso_configured():
        st.button("Sign in with your school account", on_click=st.login, type="primary", icon=":material/login:")
        st.caption("Or use a username and password:")
    sign_in_tab, sign_up_tab, reset_tab = st.tabs(["Sign in", "Create an account", "I have a reset code"])
    with sign_in_tab:
        _sign_in()
    with sign_up_tab:
        _sign_up()
    with reset_tab:
        _reset()


def _sign_in() -> None:
    with st.form("sign-in"):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        keep = st.checkbox("Keep me signed in", help=_keep_help())
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        if not username.strip() or not password:
            st.error("Enter your username and password.")
            return
        try:
            user = services.store().accounts.sign_in(username, password, now=services.now(), client=session.client_address())
        except TooManyTries as error:
            st.error(wait_message(error))
            return
        except SignInError as error:
            messages = {
                "wrong_password": "Wrong username or password. Check both and try again.",
                "disabled": "This account is disabled. Ask your instructor.",
            }
            st.error(messages.get(error.reason, sentence(str(error))))
            return
        _enter(user, keep=keep)


def _keep_help() -> str:
    config = services.settings()
    days, hours = config.session_remember_days, config.session_idle_hours
    return (
        f"Stay signed in on this device for up to {days:g} days, even after the browser closes, as long as it is used "
        f"at least every {hours:g} hours. Leave it off on a shared computer: then closing the browser signs you out."
    )


def wait_message(error: TooManyTries) -> str:
    """When to try again, in plain words, and what else helps (the account page says it too)."""
    when = f"Try again in {wait_words(error.wait)}"
    return {
        "sign_in": f"Too many sign-ins failed from this device or for this username. {when}. "
        "If you forgot your password, ask your instructor for a reset code.",
        "sign_up": f"Too many accounts were made from this network just now. {when}, or ask your instructor.",
        "code": f"Too many wrong enrolment codes. {when}, and check the code with your instructor.",
    }.get(error.reason, f"Too many tries. {when}.")


def _reset() -> None:
    """A new password with the one-time code an instructor gave (learners have no email here)."""
    st.caption("Forgot your password? Ask your instructor for a reset code, then choose a new password here.")
    with st.form("reset"):
        username = st.text_input("Your username", autocomplete="username", key="reset-username")
        code = st.text_input("Reset code", max_chars=20, help="Twelve letters and digits, such as ABCD-EFGH-JKMN.")
        rule = PASSWORD_RULE
        password = st.text_input("New password", type="password", autocomplete="new-password", help=rule)
        again = st.text_input("Type the new password again", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Set my new password", type="primary")
    if submitted:
        if not username.strip() or not code.strip():
            st.error("Enter your username and the reset code.")
            return
        if password != again:
            st.error("The two passwords differ. Type them again.")
            return
        try:
            user = services.store().accounts.reset_password(username, code, password, now=services.now(), client=session.client_address())
        except TooManyTries as error:
            st.error(wait_message(error))
            return
        except AccountError as error:
            st.error(sentence(str(error)))
            return
        _enter(user)


def _enter(user, *, keep: bool = False) -> None:
    """Signed in: stay on the address the person came to (a deep link or a refresh), except sign-out."""
    leaving = nav.current() == "sign-out"
    home = nav.page("home")
    session.sign_in(user, keep=keep, then="/" if leaving else session.here())
    if leaving:
        st.switch_page(home)
    st.rerun()


def _sign_up() -> None:
    with st.form("sign-up"):
        name = st.text_input("Your name", max_chars=120, autocomplete="name")
        username = st.text_input(
            "Choose a username", max_chars=32, autocomplete="username", help="3 to 32 letters, digits, dots, dashes or underscores."
        )
        password = st.text_input(
            "Choose a password",
            type="password",
            autocomplete="new-password",
            help=PASSWORD_RULE,
        )
        again = st.text_input("Type the password again", type="password", autocomplete="new-password")
        code = st.text_input(
            "Class enrolment code (optional)", max_chars=12, help="Your instructor gives you this code, such as ABCD-2345."
        )
        submitted = st.form_submit_button("Create my account", type="primary")
    if submitted:
        if password != again:
            st.error("The two passwords differ. Type them again.")
            return
        try:
            user = services.store().accounts.create(
                username,
                password,
                role=Role.LEARNER,
                now=services.now(),
                display_name=name or None,
                enrolment_code=code.strip() or None,
                client=session.client_address(),
            )
        except TooManyTries as error:
            st.error(wait_message(error))
            return
        except AccountError as error:
            st.error(sentence(str(error)))
            return
        _enter(user)
