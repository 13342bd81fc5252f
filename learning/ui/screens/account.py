"""Your account: change your password, see where you are signed in, sign out everywhere.

The rules are the store's: :meth:`learning.store.accounts.Accounts.change_password` checks the
current password as a sign-in does and the new one as sign-up does, and ends the other sessions;
:meth:`learning.store.sessions.Sessions.active` lists the sessions.
"""

from __future__ import annotations

import streamlit as st

from learning.errors import AccountError, SignInError, TooManyTries
from learning.render import plain_text
from learning.ui import app, services, session
from learning.ui.screens.signin import PASSWORD_RULE, wait_message
from learning.wording import count, sentence
from learning.zones import shown

CHANGED_KEY = "password-changed"


def render() -> None:
    user = session.require_user()
    st.title("Your account")
    st.caption(f"Signed in as {plain_text(user.display_name)} (username {user.username}).")
    _password(user)
    _sessions(user)


def _password(user) -> None:
    st.subheader("Change your password")
    store = services.store()
    if st.session_state.pop(CHANGED_KEY, False):
        st.success("Your password is changed. Every other device you were signed in on is now signed out.", icon=":material/check_circle:")
    if not store.accounts.has_password(user.id):
        st.info("You sign in with your school account, so your password is changed with your school, not here.")
        return
    with st.form("change-password", clear_on_submit=True):
        current = st.text_input("Current password", type="password", autocomplete="current-password")
        new = st.text_input("New password", type="password", autocomplete="new-password", help=PASSWORD_RULE)
        again = st.text_input("Type the new password again", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Change my password", type="primary")
    st.caption("Changing your password signs you out on every other device; this browser stays signed in.")
    if not submitted:
        return
    if not current or not new:
        st.error("Enter your current password and a new one.")
        return
    if new != again:
        st.error("The two new passwords differ. Type them again.")
        return
    try:
        store.accounts.change_password(user, current, new, now=services.now(), client=session.client_address(), keep=session.session_id())
    except TooManyTries as error:
        st.error(wait_message(error))
        return
    except SignInError as error:
        wrong = "Your current password is not right, so nothing changed. Type it again."
        st.error(wrong if error.reason == "wrong_password" else sentence(str(error)))
        return
    except AccountError as error:
        st.error(sentence(str(error)))
        return
    st.session_state[CHANGED_KEY] = True
    st.rerun()


def _sessions(user) -> None:
    st.subheader("Where you are signed in")
    active = services.store().sessions.active(user.id, now=services.now(), current=session.session_id())
    zone, name = services.time_zone()
    for each in active:
        with st.container(border=True):
            here = " · **this browser**" if each.current else ""
            st.markdown(f":material/devices: **{plain_text(each.device)}**{here}")
            kept = "kept signed in" if each.persistent else "until the browser closes"
            st.caption(f"Signed in {shown(each.created_at, zone, name)}, {kept}. Last used {shown(each.last_seen_at, zone, name)}.")
    hours = services.settings().session_idle_hours
    st.caption(
        f"{count(len(active), 'browser')} signed in. A browser unused for {hours:g} hours is signed out by itself. "
        "Sign out everywhere if you used a shared computer or lost a device: every browser, this one too, goes back to the sign-in screen."
    )
    if st.button("Sign out everywhere", icon=":material/logout:", key="sign-out-everywhere"):
        app.sign_out(everywhere=True)
