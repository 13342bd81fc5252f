"""Instructor pages for now: classes with their enrolment codes, and problems in the course files."""

from __future__ import annotations

import streamlit as st

from learning.errors import AccountError
from learning.render import plain_text
from learning.ui import services, session
from learning.wording import count, sentence


def classes() -> None:
    user = session.require_user(instructor=True)
    store = services.store()
    st.title("Classes")
    st.caption("Learners join a class by typing its enrolment code when they create their account.")
    cohorts = store.accounts.cohorts(user)
    if not cohorts:
        st.info("You have no classes yet.")
    for cohort in cohorts:
        with st.container(border=True):
            st.markdown(f"**{plain_text(cohort.name)}** · {count(cohort.members, 'learner')}")
            st.code(cohort.code, language=None)
    with st.form("new-class", clear_on_submit=True):
        name = st.text_input("New class name", max_chars=120)
        if st.form_submit_button("Create class", type="primary"):
            try:
                store.accounts.create_cohort(user, name, now=services.now())
            except AccountError as error:
                st.error(sentence(str(error)))
            else:
                st.rerun()


def problems() -> None:
    session.require_user(instructor=True)
    course = services.course()
    st.title("Course files")
    st.caption(course.summary())
    if not course.problems:
        st.success("Every lesson, question and quiz loads without a problem.", icon=":material/check_circle:")
        return
    errors = [p for p in course.problems if p.is_error]
    warnings = [p for p in course.problems if not p.is_error]
    if errors:
        st.error(
            f"{count(len(errors), 'problem')} found. "
            "Learners get the rest of the course; what is listed here is left out (or, for a quiz, cannot be started) "
            "until it is fixed.",
            icon=":material/report:",
        )
        st.code("\n".join(str(p) for p in errors), language=None, wrap_lines=True)
    if warnings:
        st.warning(
            f"{count(len(warnings), 'warning')}: learners still get what these are about, but something in it is missing.",
            icon=":material/warning:",
        )
        st.code("\n".join(str(p) for p in warnings), language=None, wrap_lines=True)
