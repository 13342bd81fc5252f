"""The course files page (instructors): problems found loading lessons, questions and quizzes."""

from __future__ import annotations

import streamlit as st

from learning.ui import services, session
from learning.wording import count


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
