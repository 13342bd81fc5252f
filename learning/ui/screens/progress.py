"""Progress: mastery per objective and per lesson, score history, time studied, and downloads."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st

from learning.ui import charts, nav, services, session
from learning.wording import count


def render() -> None:
    user = session.require_user()
    store = services.store()
    course = services.course()
    board = store.progress.dashboard(user, user.id)
    st.title("Your progress")
    hours, rest = divmod(int(board.time_studied.total_seconds()), 3600)
    minutes = rest // 60
    with st.container(horizontal=True, gap="medium"):
        st.metric("Time studied", f"{hours} h {minutes:02d} min" if hours else f"{minutes} min", border=True)
        st.metric("Questions answered", board.answers, border=True)
        st.metric("Objectives mastered", f"{sum(m.mastered for m in board.objectives)} of {len(board.objectives)}", border=True)

    if board.answers == 0:
        st.info("Answer some questions (the check questions in a lesson, or a practice quiz) and your mastery shows here.")
        nav.link("Go to the course map", "home", icon=":material/map:")
    else:
        _lesson_chart(board, course)
        _objective_chart(board, course)
    _history(user, store, course)
    _downloads(user, store)


def _lesson_chart(board, course) -> None:
    st.subheader("Mastery by lesson")
    rows = [
        {"lesson": course.lesson(p.lesson_id).title, "mastery": round(p.mastery * 100), "status": p.status.value} for p in board.lessons
    ]
    charts.percent_bars(
        rows, value="mastery", label="lesson", axis_title="Mastery (%)", alt_text="Mastery for each lesson, from 0 to 100 percent"
    )


def _objective_chart(board, course) -> None:
    with st.expander("Mastery by learning objective", icon=":material/checklist:"):
        lesson_of = {o: lesson.title for lesson in course.lessons for o in lesson.objectives}
        rows = [
            (
                charts.objective_text(course, m.objective),
                m.mastery,
                f"{lesson_of.get(m.objective, '')} · {count(m.answers, 'answer')}",
            )
            for m in board.objectives
        ]
        charts.objective_bars(rows)
        st.caption("Mastery weighs your newest answers most. An objective counts as mastered at 80% with at least two answers.")


def _history(user, store, course) -> None:
    st.subheader("Quiz results")
    attempts = [a for a in store.attempts.history(user, user.id) if a.submitted and a.spec.kind.counts_as_a_quiz]
    if not attempts:
        st.caption("No quiz submitted yet.")
        return
    frame = pd.DataFrame(
        [
            {"when": a.attempt.submitted_at, "quiz": a.spec.title, "score": round(a.result.score * 100), "passed": a.result.passed}
            for a in attempts
        ]
    )
    chart = (
        alt.Chart(frame)
        .mark_line(point=True, color=charts.GOOD)
        .encode(
            x=alt.X("when:T", title=None),
            y=alt.Y("score:Q", title="Score (%)", scale=alt.Scale(domain=[0, 100])),
            tooltip=["quiz", "score", "passed", alt.Tooltip("when:T", format="%d %b %Y %H:%M")],
        )
        .properties(height=220)
    )
    st.altair_chart(chart, alt="Score of each submitted quiz over time")
    for attempt in reversed(attempts):
        verdict = "passed" if attempt.result.passed else "not passed"
        label = f"{attempt.spec.title}: {round(attempt.result.score * 100)}% ({verdict}), {attempt.attempt.submitted_at:%d %b %Y}"
        nav.link(label, "results", icon=":material/assignment:", attempt=attempt.id)


def _downloads(user, store) -> None:
    st.subheader("Your records")
    st.caption("Download your transcript, or every answer as xAPI statements for a learning record store.")
    with st.container(horizontal=True):
        st.download_button(
            "Transcript (CSV)",
            data=store.exports.transcript_csv(user, user.id),
            file_name=f"transcript-{user.username}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )
        st.download_button(
            "All answers (xAPI JSON)",
            data=json.dumps(store.exports.xapi_statements(user, user.id), indent=2, ensure_ascii=False),
            file_name=f"answers-{user.username}.xapi.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
        )
