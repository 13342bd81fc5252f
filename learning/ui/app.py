"""The app: page set-up, the sign-in gate, and navigation built from the signed-in person's role."""

from __future__ import annotations

import logging

import streamlit as st

from learning.errors import DamagedDatabase, LearningError, SignInError, StorageError
from learning.ui import nav, services, session
from learning.ui.screens import signin
from learning.wording import RECORDS_UNAVAILABLE, sentence

log = logging.getLogger("learning.ui")


def sign_out(*, everywhere: bool = False) -> None:
    """Sign out (``everywhere``: on every device) and show the sign-in screen; the browser then
    clears its cookie. A school sign-in is ended with the identity provider too."""
    session.sign_out(everywhere=everywhere)
    if session.sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()


def _single_sign_on():
    """A person signed in through the school's identity provider, mapped to their account."""
    if not session.sso_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email, name = st.user.get("email"), st.user.get("name")
    if not isinstance(email, str) or not email:
        return None
    try:
        user = services.store().accounts.sign_in_sso(
            email, name=name if isinstance(name, str) else None, now=services.now(), create=services.settings().sso_create_learners
        )
    except SignInError as error:
        st.error(sentence(str(error)))
        return None
    session.sign_in(user, then=session.here())
    return user


def run() -> None:
    st.set_page_config(
        page_title="Massage therapist or medical massage therapist?",
        page_icon=":material/spa:",
        initial_sidebar_state="collapsed",
    )
    # A link's label that wraps on a phone (:func:`nav.link`, the app's only tertiary buttons)
    # reads from the left, like the text around it, rather than centred.
    st.html(f"<style>{nav.LINK_STYLE}</style>")
    try:
        _run()
    except DamagedDatabase as error:
        # Refused at start: nothing is read from or written to a file that is empty or damaged.
        log.error("the learner records cannot be opened: %s", error)
        st.error(f"The app cannot open its records, so it has stopped to keep them safe. {sentence(str(error))}", icon=":material/error:")
    except StorageError:
        # The records cannot be reached (disk full, database down): a plain message, not a crash.
        log.warning("the learner records cannot be reached", exc_info=True)
        st.error(RECORDS_UNAVAILABLE, icon=":material/cloud_off:")


def _run() -> None:
    services.store()  # opened (and checked) once per process: an empty or damaged file stops here, before anyone signs in
    user = session.current_user() or _single_sign_on()
    problem = st.session_state.pop(services.PROBLEM_KEY, None)  # a write a button's callback could not make
    session.follow_pending()  # a sign-in's cookie handoff, or a sign-out's clearing of it
    if user is None:
        # Every address of the app shows the sign-in screen until someone signs in; then the same
        # address opens the real page, so a deep link or a refresh lands where the learner was.
        pages = nav.signed_out_pages(signin.render)
        current = st.navigation(list(pages.values()), position="hidden")
        nav.begin_run(pages, current.url_path)
        current.run()
        return

    pages = nav.signed_in_pages(instructor=user.is_instructor)
    page = st.navigation(nav.sections(pages, account=user.display_name), position="top")
    nav.begin_run(pages, page.url_path)
    if problem:
        st.error(problem, icon=":material/cloud_off:")
    try:
        page.run()
    except StorageError:
        raise
    except LearningError as error:
        log.exception("a screen failed")
        st.error(f"Something went wrong: {error}. Your answers so far are saved.")
    except Exception:
        log.exception("a screen failed")
        st.error("Something went wrong on our side. Your answers so far are saved; reload the page and sign in to carry on.")
