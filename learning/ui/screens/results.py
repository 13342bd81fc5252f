"""Results of a submitted attempt: score, pass or fail and why, a chart per objective, and every
question with the learner's answer, the right answer and the explanation. ``?attempt=ID``."""

from __future__ import annotations

import streamlit as st

from learning.errors import AccessDenied
from learning.grading import correct_answer
from learning.quiz import WEAK_SPOTS_ID, QuizKind
from learning.render import inline
from learning.ui import charts, nav, services, session, widgets
from learning.ui.widgets import lesson_link
from learning.wording import count


def render() -> None:
    user = session.require_user()
    course = services.course()
    store = services.store()
    attempt_id = st.query_params.get("attempt", "")
    try:
        stored = store.attempts.get(user, attempt_id, now=services.now())
    except AccessDenied:
        st.warning("Those results were not found.")
        nav.link("Back to the course map", "home", icon=":material/arrow_back:")
        return
    if not stored.submitted:
        st.info("This attempt is still open.")
        nav.link("Go back to it", "quiz", icon=":material/play_arrow:", quiz=stored.spec.id)
        return
    notice = st.session_state.pop("notice", None)
    if notice:
        st.warning(notice, icon=":material/timer_off:")
    result = stored.result
    st.title(f"Results: {stored.spec.title}")

    if stored.spec.kind is QuizKind.REVIEW:
        reviewed = len(stored.attempt.answers)
        right = sum(a.grade.correct for a in stored.attempt.answers.values())
        st.success(f"You reviewed {count(reviewed, 'question')} and got {right} right.", icon=":material/celebration:")
        summary = store.review.summary(user, user.id, now=services.now())
        if summary.due_now:
            st.markdown(f"{summary.due_now} more {'are' if summary.due_now != 1 else 'is'} due now.")
        elif summary.next_due:
            st.markdown(f"The next review is due {summary.next_due:%A %d %B at %H:%M} UTC.")
    elif result is not None:
        with st.container(horizontal=True, gap="medium"):
            st.metric("Score", f"{round(result.score * 100)}%", border=True)
            st.metric("Points", f"{charts.points(result.points)} of {charts.points(result.max_points)}", border=True)
            st.metric("Pass mark", f"{round(result.pass_mark * 100)}%", border=True)
        (st.success if result.passed else st.error)(result.reason, icon=":material/verified:" if result.passed else ":material/error:")
        if result.failed_critical and not result.passed:
            numbers = [str(n) for n, d in enumerate(stored.attempt.questions, start=1) if d.id in result.failed_critical]
            st.markdown(
                f"Critical questions not answered correctly: **{', '.join(numbers)}** (marked *critical* below). "
                "Go over them before your next attempt."
            )
        _breakdown(result, stored, course)

    standing = store.attempts.standing(user, user.id, stored.spec) if course.quiz(stored.spec.id) else None
    with st.container(horizontal=True):
        if stored.spec.kind is QuizKind.WEAK_SPOTS:
            nav.link("Practise my weak spots again", "quiz", icon=":material/target:", quiz=WEAK_SPOTS_ID)
        elif standing is not None and standing.attempts_left != 0:
            nav.link("Try again", "quiz", icon=":material/refresh:", quiz=stored.spec.id)
        elif standing is not None:
            st.caption("No attempts left at this quiz.")
        nav.link("Course map", "home", icon=":material/map:")
        nav.link("Your progress", "progress", icon=":material/insights:")

    st.header("Every question", anchor="questions")
    show = st.segmented_control(
        "Show", ["All", "To go over", "Right"], default="To go over" if not _all_right(stored) else "All", key=f"show-{stored.id}"
    )
    shown = 0
    for number, drawn in enumerate(stored.attempt.questions, start=1):
        question = stored.questions[drawn.id]
        answer = stored.attempt.answers.get(drawn.id)
        right = answer is not None and answer.grade.correct
        if (show == "To go over" and right) or (show == "Right" and not right):
            continue
        shown += 1
        if answer is None:
            mark = ":gray[:material/radio_button_unchecked:] not answered"
        elif answer.grade.correct:
            mark = ":green[:material/check_circle:] right"
        elif answer.grade.score > 0:
            mark = f":orange[:material/adjust:] {round(answer.grade.score * 100)}%"
        else:
            mark = ":red[:material/cancel:] wrong"
        critical = " · *critical*" if question.critical else ""
        with st.expander(f"{number}. {_short(question.prompt)} — {mark}{critical}"):
            if drawn.reason:
                st.caption(f"Why it was picked: {drawn.reason}")
            widgets.show_question(question, course)
            if answer is None:
                st.markdown("You did not answer this question.")
                st.markdown(f"**The right answer:** {inline(correct_answer(question))}")
                st.markdown(f"**Why:** {inline(question.explanation)}")
                lesson_link(question, course)
            else:
                widgets.show_grade(question, answer.grade, course)
    if shown == 0:
        st.caption("Nothing to show here.")


def _all_right(stored) -> bool:
    return all(a.grade.correct for a in stored.attempt.answers.values()) and len(stored.attempt.answers) == len(stored.attempt.questions)


def _short(text: str, limit: int = 90) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _breakdown(result, stored, course) -> None:
    """Score per lesson as a chart, and per learning objective as a table of bars."""
    lesson_points: dict[str, list[float]] = {}
    for drawn in stored.attempt.questions:
        question = stored.questions[drawn.id]
        answer = stored.attempt.answers.get(drawn.id)
        pair = lesson_points.setdefault(question.lesson, [0.0, 0.0])
        pair[0] += answer.grade.points if answer else 0.0
        pair[1] += drawn.points
    order = [lesson.id for lesson in course.lessons]
    rows = [
        {
            "lesson": course.lesson(lid).title if course.lesson(lid) else lid,
            "score": round(100 * p / m),
            "points": f"{charts.points(p)} of {charts.points(m)}",
        }
        for lid, (p, m) in sorted(lesson_points.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    ]
    if len(rows) > 1:
        st.subheader("By lesson")
        charts.percent_bars(rows, value="score", label="lesson", axis_title="Score (%)", alt_text="Score for each lesson in this attempt")
    objectives = [
        (
            charts.objective_text(course, item.objective),
            item.fraction,
            f"{charts.points(item.points)} of {charts.points(item.max_points)} points",
        )
        for item in result.by_objective
    ]
    with st.expander(f"By learning objective ({len(objectives)})", expanded=len(rows) <= 1, icon=":material/checklist:"):
        charts.objective_bars(objectives)
