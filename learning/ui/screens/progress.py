"""Progress: days to the exam and whether the study plan is on track, mastery per objective and per
lesson, score history, time studied, downloads, and the learner's certificate of completion once earned.

:func:`show` draws it for any learner the viewer may read: the learner's own page, and the
instructor's view of a learner of their class (the same drawing, so both see the same thing).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from learning.certificate import date_words, score_words, shown_code, verify_url
from learning.certificate_pdf import render_pdf, unprintable
from learning.render import plain_text
from learning.store import User
from learning.ui import charts, nav, services, session
from learning.ui.screens import plan
from learning.web.app import STATEMENTS_PATH, TRANSCRIPT_PATH
from learning.wording import count


def render() -> None:
    user = session.require_user()
    st.title("Your progress")
    show(user, user)


def show(viewer: User, learner: User) -> None:
    """A learner's progress as they see it: time studied, mastery by lesson and objective, quiz
    results and downloads (the store checks the viewer may read the learner's records)."""
    store = services.store()
    course = services.course()
    own = viewer.id == learner.id
    board = store.progress.dashboard(viewer, learner.id)
    hours, rest = divmod(int(board.time_studied.total_seconds()), 3600)
    minutes = rest // 60
    with st.container(horizontal=True, gap="medium"):
        st.metric("Time studied", f"{hours} h {minutes:02d} min" if hours else f"{minutes} min", border=True)
        st.metric("Questions answered", board.answers, border=True)
        st.metric("Objectives mastered", f"{sum(m.mastered for m in board.objectives)} of {len(board.objectives)}", border=True)
    if own and not learner.is_instructor:
        _certificate(learner, store)
    plan.progress_section(viewer, learner, board)

    if board.answers == 0 and own:
        st.info("Answer some questions (the check questions in a lesson, or a practice quiz) and your mastery shows here.")
        nav.link("Go to the course map", "home", icon=":material/map:")
    elif board.answers == 0:
        st.info("No question answered yet, so there is no mastery to show.")
    else:
        _lesson_chart(board, course)
        _objective_chart(board, course)
    _history(viewer, learner, store, own=own)
    _downloads(viewer, learner)


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


def _history(viewer, learner, store, *, own: bool) -> None:
    st.subheader("Quiz results")
    attempts = [a for a in store.attempts.history(viewer, learner.id) if a.submitted and not a.voided and a.spec.kind.counts_as_a_quiz]
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
    if not own:
        return  # the instructor's page lists every attempt with its answers below
    for attempt in reversed(attempts):
        verdict = "passed" if attempt.result.passed else "not passed"
        label = f"{attempt.spec.title}: {round(attempt.result.score * 100)}% ({verdict}), {attempt.attempt.submitted_at:%d %b %Y}"
        nav.link(label, "results", icon=":material/assignment:", attempt=attempt.id)


def _downloads(viewer, learner) -> None:
    """Links to the downloads, which the server sends only to a browser with a live session (a
    file kept at a media address would be served to anyone who had the address)."""
    own = viewer.id == learner.id
    st.subheader("Your records" if own else "Records")
    st.caption(f"Download {'your' if own else 'the'} transcript, or every answer as xAPI statements for a learning record store.")
    query = "" if own else f"?learner={learner.id}"
    with st.container(horizontal=True):
        st.link_button("Transcript (CSV)", TRANSCRIPT_PATH + query, icon=":material/download:")
        st.link_button("All answers (xAPI JSON)", STATEMENTS_PATH + query, icon=":material/download:")


def _certificate(learner: User, store) -> None:
    """The certificate of completion: issued the first time this page is opened after the learner
    has read every lesson and passed the final exam (the same one, with the same code, ever after)."""
    certificate = store.certificates.get(learner, learner.id)
    if certificate is None:
        standing = store.certificates.eligibility(learner, learner.id)
        if not standing.eligible:
            todo = []
            if standing.lessons_read < standing.lessons_total or not standing.lessons_total:
                todo.append(f"read every lesson ({standing.lessons_read} of {standing.lessons_total} read)")
            if not standing.passed_final:
                todo.append("pass the final exam")
            st.caption(f":material/workspace_premium: Your certificate of completion is ready once you {' and '.join(todo)}.")
            return
        certificate = store.certificates.issue(learner, now=services.now(), zone=services.time_zone()[0])
    with st.container(border=True):
        _certificate_card(learner, certificate)


def _certificate_card(learner: User, certificate) -> None:
    st.markdown("**:material/workspace_premium: Certificate of completion**")
    if certificate.revoked:
        st.warning("Your certificate was revoked by your school, so it is no longer valid. Your instructor can tell you why.")
        return
    link = verify_url(session.public_url(), certificate.code)
    school = services.settings().school_name
    st.markdown(
        f"You passed the final exam on {date_words(certificate.passed_on)} with {score_words(certificate.score)}. "
        f"Anyone you show your certificate to (an employer, a licensing board) can check it at [{plain_text(link)}]({link}), "
        f"with the code **{shown_code(certificate.code)}**."
    )
    missing = unprintable(certificate.learner_name)
    if missing:
        st.warning(
            f"Your name has letters the certificate cannot print ({plain_text(missing)}): they are left out. Ask your instructor for help."
        )
    st.download_button(
        "Download your certificate",
        data=lambda: render_pdf(certificate, school=school, url=link),  # made when clicked, not on every run
        file_name=f"certificate-{learner.username}.pdf",
        mime="application/pdf",
        icon=":material/workspace_premium:",
        type="primary",
        on_click="ignore",
    )
