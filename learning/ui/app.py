"""The app: page set-up, the sign-in gate, and navigation built from the signed-in person's role."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from learning.errors import LearningError, SignInError
from learning.ui import nav, services, session
from learning.ui.screens import signin

log = logging.getLogger("learning.ui")
VIEWS = Path(__file__).resolve().parent / "views"
SIGNED_IN_PATHS = ("home", "review", "progress", "lesson", "quiz", "results", "classes", "course-files", "sign-out")


def _view(name: str) -> Path:
    """The page script of a screen (file-based pages, so AppTest can switch to them)."""
    return VIEWS / f"{name}.py"


def sign_out() -> None:
    session.sign_out()
    if session.sso_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()


def _single_sign_on():
    """A person signed in through the school's identity provider, mapped to their account."""
    if not session.sso_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = st.user.get("email")
    if not email:
        return None
    try:
        user = services.store().accounts.sign_in_sso(
            email, name=st.user.get("name"), now=services.now(), create=services.settings().sso_create_learners
        )
    except SignInError as error:
        st.error(str(error).capitalize() + ".")
        return None
    session.sign_in(user)
    return user


def run() -> None:
    st.set_page_config(
        page_title="Massage therapist or medical massage therapist?",
        page_icon=":material/spa:",
        layout="centered",
        initial_sidebar_state="collapsed",
    )
    user = session.current_user() or _single_sign_on()
    if user is None:
        # Every address of the app shows the sign-in screen until someone signs in; then the same
        # address opens the real page, so a deep link or a refresh lands where the learner was.
        pages = [st.Page(signin.render, title="Sign in", url_path="signin", default=True)]
        pages += [st.Page(signin.render, title="Sign in", url_path=path, visibility="hidden") for path in SIGNED_IN_PATHS]
        current = st.navigation(pages, position="hidden")
        nav.PAGES.clear()
        nav.PAGES.update({page.url_path: page for page in pages})
        nav.CURRENT = current.url_path
        current.run()
        return

    study = {
        "home": st.Page(_view("home"), title="Course", icon=":material/map:", url_path="home", default=True),
        "review": st.Page(_view("review"), title="Review", icon=":material/replay:", url_path="review"),
        "progress": st.Page(_view("progress"), title="Progress", icon=":material/insights:", url_path="progress"),
        "lesson": st.Page(_view("lesson"), title="Lesson", url_path="lesson", visibility="hidden"),
        "quiz": st.Page(_view("quiz"), title="Quiz", url_path="quiz", visibility="hidden"),
        "results": st.Page(_view("results"), title="Results", url_path="results", visibility="hidden"),
    }
    teach = {}
    if user.is_instructor:
        teach = {
            "classes": st.Page(_view("classes"), title="Classes", icon=":material/groups:", url_path="classes"),
            "problems": st.Page(_view("course_files"), title="Course files", icon=":material/fact_check:", url_path="course-files"),
        }
    account = {"sign-out": st.Page(_view("sign_out"), title="Sign out", icon=":material/logout:", url_path="sign-out")}
    nav.PAGES.clear()
    nav.PAGES.update({**study, **teach, **account})
    sections = {"": list(study.values())}
    if teach:
        sections["Teach"] = list(teach.values())
    sections[f"{user.display_name}"] = list(account.values())
    page = st.navigation(sections, position="top")
    try:
        page.run()
    except LearningError as error:
        log.exception("a screen failed")
        st.error(f"Something went wrong: {error}. Your answers so far are saved.")
    except Exception:
        log.exception("a screen failed")
        st.error("Something went wrong on our side. Your answers so far are saved; reload the page and sign in to carry on.")
