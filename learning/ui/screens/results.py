"""Results of a submitted attempt: score, pass or fail and why, a chart per objective, and every
question with the learner's answer, the right answer and the explanation. ``?attempt=ID``."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from learning.errors import AccessDenied
from learning.ui import nav, services, session, widgets
from learning.ui.screens.review import REVIEW_ID


def render() -> None:
    user = session.require_user()
    course = services.course()
    store = services.store()
    attempt_id = st.query_params.get("attempt", "")
    try:
        stored = store.attempts.get(user, attempt_id, now=services.now())
    except AccessDenied:
        st.warning("Those results were not found.")
        st.page_link(nav.page("home"), label="Back to the course map", icon=":material/arrow_back:")
        return
    if not stored.submitted:
        st.info("This attempt is still open.")
        st.page_link(nav.page("quiz"), label="Go back to it", icon=":material/play_arrow:", query_params={"quiz": stored.spec.id})
        return
    notice = st.session_state.pop("notice", None)
    if notice:
        st.warning(notice, icon=":material/timer_off:")
    result = stored.result
    st.title(f"Results: {stored.spec.title}")

    if stored.spec.id == REVIEW_ID:
        count = len(stored.attempt.answers)
        right = sum(a.grade.correct for a in stored.attempt.answers.values())
        st.success(f"You reviewed {count} question{'s' if count != 1 else ''} and got {right} right.", icon=":material/celebration:")
        summary = store.review.summary(user, user.id, now=services.now(), active={q.id for q in course.active_questions()})
        if summary.due_now:
            st.markdown(f"{summary.due_now} more {'are' if summary.due_now != 1 else 'is'} due now.")
        elif summary.next_due:
            st.markdown(f"The next review is due {summary.next_due:%A %d %B at %H:%M} UTC.")
    else:
        with st.container(horizontal=True, gap="medium"):
            st.metric("Score", f"{round(result.score * 100)}%", border=True)
            st.metric("Points", f"{result.points:g} of {result.max_points:g}", border=True)
            st.metric("Pass mark", f"{round(result.pass_mark * 100)}%", border=True)
        (st.success if result.passed else st.error)(result.reason, icon=":material/verified:" if result.passed else ":material/error:")
        if result.failed_critical and not result.passed:
            titles = [_short(stored.questions[q].prompt) for q in result.failed_critical]
            st.markdown("Critical questions to go over:\n" + "\n".join(f"- {t}" for t in titles))
        _objective_chart(result, course)

    standing = store.attempts.standing(user, user.id, stored.spec) if course.quiz(stored.spec.id) else None
    with st.container(horizontal=True):
        if standing is not None and standing.attempts_left != 0:
            st.page_link(nav.page("quiz"), label="Try again", icon=":material/refresh:", query_params={"quiz": stored.spec.id})
        elif standing is not None:
            st.caption("No attempts left at this quiz.")
        st.page_link(nav.page("home"), label="Course map", icon=":material/map:")
        st.page_link(nav.page("progress"), label="Your progress", icon=":material/insights:")

    st.header("Every question", anchor="questions")
    for number, drawn in enumerate(stored.attempt.questions, start=1):
        question = stored.questions[drawn.id]
        answer = stored.attempt.answers.get(drawn.id)
        if answer is None:
            mark = "⬜ not answered"
        elif answer.grade.correct:
            mark = "✅ right"
        elif answer.grade.score > 0:
            mark = f"🟨 {round(answer.grade.score * 100)}%"
        else:
            mark = "❌ wrong"
        critical = " · critical" if question.critical else ""
        with st.expander(f"{number}. {_short(question.prompt)} — {mark}{critical}", expanded=answer is None or not answer.grade.correct):
            widgets.show_question(question, course)
            if answer is None:
                st.markdown("You did not answer this question.")
                from learning.grading import correct_answer

                st.markdown(f"**The right answer:** {widgets.inline(correct_answer(question))}")
                st.markdown(f"**Why:** {widgets.inline(question.explanation)}")
            else:
                widgets.show_grade(question, answer.grade, course)


def _short(text: str, limit: int = 90) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _objective_chart(result, course) -> None:
    if not result.by_objective:
        return
    rows = []
    for item in result.by_objective:
        objective = course.syllabus.objective(item.objective) if course.syllabus else None
        text = objective.text.removeprefix("The learner can ") if objective else item.objective
        rows.append(
            {"objective": _short(text, 70), "score": round(item.fraction * 100), "points": f"{item.points:g} of {item.max_points:g}"}
        )
    frame = pd.DataFrame(rows)
    st.subheader("By learning objective")
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("score:Q", title="Score (%)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("objective:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            color=alt.condition(alt.datum.score >= 80, alt.value("#2e6b5e"), alt.value("#c2703d")),
            tooltip=["objective", "score", "points"],
        )
        .properties(height=max(120, 26 * len(rows)))
    )
    st.altair_chart(chart, alt="Score for each learning objective in this attempt")
    st.caption("Bars at 80% or more are green.")
