"""A lesson: its sections with glossary terms at hand, key takeaways, check questions answered
in place, "Mark as read", the previous and next lessons and the lesson's practice quiz.

Deep links: ``?lesson=ID`` opens a lesson; ``&section=ANCHOR`` shows that section first.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from learning.errors import LearningError
from learning.quiz import check_spec, eligible
from learning.render import render_markdown
from learning.store import User
from learning.study import quizzes_for
from learning.ui import nav, services, session, widgets
from learning.wording import count


def render() -> None:
    user = session.require_user()
    course = services.course()
    store = services.store()
    lesson = course.lesson(st.query_params.get("lesson", ""))
    if lesson is None:
        st.warning("That lesson was not found. Choose one from the course map.")
        nav.link("Back to the course map", "home", icon=":material/arrow_back:")
        return
    now = services.now()
    store.progress.open_lesson(user, lesson.id, now=now)
    unit = next((u for u in course.units if u.id == lesson.unit), None)

    st.caption(f"{unit.title if unit else ''} · lesson {lesson.order} · {lesson.reading_minutes} min read")
    st.title(lesson.title)
    syllabus = course.syllabus
    objectives = [o for o in (syllabus.find_objective(o) for o in lesson.objectives) if o is not None] if syllabus else []
    if objectives:
        with st.expander("What you will learn"):
            st.markdown("\n".join(f"- {o.text.removeprefix('The learner can ')}" for o in objectives))

    wanted = lesson.section(st.query_params.get("section", ""))
    if wanted is not None:
        with st.container(border=True):
            st.caption("The part of the lesson that explains your question")
            _section(lesson, wanted, course, anchor=False)
        st.divider()

    if lesson.intro:
        widgets.show_markdown(lesson.intro, course)
    for section in lesson.sections:
        _section(lesson, section, course, anchor=True)

    _check_questions(user, lesson, course)

    progress = store.progress.lesson(user, user.id, lesson.id)
    st.divider()
    if progress is None or progress.completed_at is None:
        st.button("Mark as read", type="primary", icon=":material/done:", on_click=_mark_read, args=(user, lesson.id))
    else:
        st.success(f"You marked this lesson as read on {progress.completed_at:%d %B %Y}.", icon=":material/done_all:")

    practice = course.quiz(f"practice-{lesson.id}")
    if practice is not None and quizzes_for([practice], class_ids=services.class_ids(user), instructor=user.is_instructor):
        nav.link(
            f"Take the practice quiz ({count(practice.question_count or len(eligible(practice, course.questions)), 'question')})",
            "quiz",
            icon=":material/quiz:",
            quiz=practice.id,
        )
    position = course.lessons.index(lesson)
    with st.container(horizontal=True, horizontal_alignment="distribute"):
        if position > 0:
            previous = course.lessons[position - 1]
            nav.link(f"Previous: {previous.title}", "lesson", icon=":material/arrow_back:", lesson=previous.id)
        if position + 1 < len(course.lessons):
            following = course.lessons[position + 1]
            nav.link(f"Next: {following.title}", "lesson", icon=":material/arrow_forward:", lesson=following.id)


def _section(lesson, section, course, *, anchor: bool) -> None:
    st.subheader(section.title, anchor=section.id if anchor else False)
    is_takeaways = section.id == "key-takeaways"
    if is_takeaways:
        with st.container(border=True):
            widgets.show_markdown(section.body, course)
    else:
        widgets.show_markdown(section.body, course)
    rendered = render_markdown(section.body, course.glossary)
    if rendered.terms:
        with st.expander(f"Terms in this section ({len(rendered.terms)})", icon=":material/dictionary:"):
            for term in rendered.terms:
                st.markdown(f"**{term.term}**: {term.definition}")
    seen = set()
    for link in rendered.lessons:
        if link.lesson_id in seen:
            continue
        seen.add(link.lesson_id)
        target = course.lesson(link.lesson_id)
        if target is not None and target.id != lesson.id:
            params = {"lesson": target.id, **({"section": link.anchor} if link.anchor else {})}
            nav.link(f"See: {target.title}", "lesson", icon=":material/link:", key=f"see-{section.id}-{target.id}", **params)


def _check_questions(user, lesson, course) -> None:
    questions = course.check_questions(lesson.id)
    if not questions:
        return
    st.header("Check your understanding", anchor="check")
    store = services.store()
    now = services.now()
    spec = check_spec(lesson.id, lesson.title)
    try:
        attempt = store.attempts.start(user, spec, now=now, questions=questions)
    except LearningError as error:
        st.warning(f"The check questions are not available right now: {error}")
        return
    for number, drawn in enumerate(attempt.attempt.questions, start=1):
        question = attempt.questions[drawn.id]
        answer = attempt.attempt.answers.get(drawn.id)
        with st.container(border=True, key=f"question-{drawn.id}"):
            widgets.show_question(question, course, number=f"{number}.")
            key = f"check-{attempt.id}-{drawn.id}"
            if answer is None:
                widgets.answer_form(
                    question,
                    drawn,
                    key=key,
                    label="Check",
                    save=partial(_save_check, user, attempt.id, drawn.id),
                )
            if answer is not None:
                widgets.show_grade(question, answer.grade, course, link_lesson=False)
    finished = len(attempt.attempt.answers) == len(attempt.attempt.questions)
    if finished:
        st.button(
            "Try the check questions again",
            key=f"again-{attempt.id}",
            icon=":material/refresh:",
            on_click=_close_checks,
            args=(user, attempt.id),
        )


def _save_check(user: User, attempt_id: str, question_id: str, response: dict[str, Any], _confidence: str | None) -> None:
    services.store().attempts.answer(user, attempt_id, question_id, response, now=services.now())


def _mark_read(user: User, lesson_id: str) -> None:
    """In the button's callback: the same run then shows the lesson as read (one click, one run)."""
    with services.saving("The lesson was not marked as read"):
        services.store().progress.complete_lesson(user, lesson_id, now=services.now())


def _close_checks(user: User, attempt_id: str) -> None:
    with services.saving("The check questions were not reset"):
        services.store().attempts.submit(user, attempt_id, now=services.now())
