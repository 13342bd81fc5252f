"""The quiz runner: one question per screen, practice feedback or exam mode with flags,
a countdown and a confirmation before submitting. ``?quiz=ID`` opens a quiz."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import streamlit as st

from learning.errors import AssemblyError, AttemptError, StorageUnavailable
from learning.quiz import REVIEW_ID, WEAK_SPOTS_ID, FeedbackMode, QuizKind, QuizSpec, Window, eligible, review_spec, weak_spots_spec
from learning.render import inline
from learning.store import StoredAttempt, User
from learning.study import quizzes_for
from learning.ui import nav, services, session, widgets
from learning.ui.screens.home import weak_spots_start, window_notice
from learning.weak_spots import DEFAULT_QUESTIONS
from learning.wording import RECORDS_UNAVAILABLE, TRY_AGAIN, count, sentence
from learning.zones import shown

UNAVAILABLE = "This quiz cannot be put together from the question bank right now. Please tell your instructor."


def render() -> None:
    user = session.require_user()
    course = services.course()
    store = services.store()
    quiz_id = st.query_params.get("quiz", "")
    spec = engine_spec(quiz_id) or course.quiz(quiz_id)
    if spec is None and quiz_id:
        # Gone from the course files: an attempt already started still finishes from what it stored.
        started = store.attempts.unfinished(user, now=services.now(), quiz_id=quiz_id)
        spec = started[0].spec if started else None
    if spec is None:
        st.warning("That quiz was not found.")
        nav.link("Back to the course map", "home", icon=":material/arrow_back:")
        return
    finished = st.session_state.pop("go-to-results", None)
    if finished:
        nav.go("results", attempt=finished)
    remembered = st.session_state.get(f"attempt-{spec.id}")
    unfinished = store.attempts.unfinished(user, now=services.now(), quiz_id=spec.id)
    if not unfinished and not quizzes_for([spec], class_ids=services.class_ids(user), instructor=user.is_instructor):
        st.warning("That quiz was not found.")  # set for other classes: not even its title is shown
        nav.link("Back to the course map", "home", icon=":material/arrow_back:")
        return
    if not unfinished:
        if remembered:  # it was running in this session and is now submitted: the time ran out
            del st.session_state[f"attempt-{spec.id}"]
            st.session_state["notice"] = "Time is up: your attempt was submitted with the answers you had given."
            nav.go("results", attempt=remembered)
        _intro(user, spec)
        return
    attempt = unfinished[0]
    st.session_state[f"attempt-{spec.id}"] = attempt.id
    _run(user, attempt)


def engine_spec(quiz_id: str) -> QuizSpec | None:
    """The spec of a quiz the engine builds rather than a file (a review, the weak spots)."""
    if quiz_id == REVIEW_ID:
        return review_spec()
    if quiz_id == WEAK_SPOTS_ID:
        return weak_spots_spec(DEFAULT_QUESTIONS)
    return None


def _intro(user: User, spec: QuizSpec) -> None:
    store = services.store()
    st.title(spec.title)
    if spec.description:
        st.markdown(inline(spec.description))
    if spec.kind is QuizKind.WEAK_SPOTS:
        _weak_spots_intro(user, spec)
        return
    standing = store.attempts.standing(user, user.id, spec)
    total = spec.question_count or len(
        eligible(spec, review_questions(user) if spec.kind is QuizKind.REVIEW else services.course().questions)
    )
    facts = [f"**{total}** {'question' if total == 1 else 'questions'}"]
    facts.append("feedback after each question" if spec.feedback_mode is FeedbackMode.PRACTICE else "feedback after you submit")
    if spec.time_limit_minutes:
        facts.append(f"**{spec.time_limit_minutes} minutes**")
    facts.append(f"pass mark **{round(spec.pass_mark * 100)}%**")
    if spec.critical_gates_pass:
        facts.append("every critical question (safety, scope of practice) must be right to pass")
    st.markdown(" · ".join(facts))
    if spec.attempts_allowed:
        st.caption(f"Attempts: {standing.attempts_used} used of {standing.attempts_allowed}.")
    if standing.best is not None:
        st.caption(f"Best score so far: {round(standing.best * 100)}%.")
    _earlier_attempts(user, spec)
    if standing.attempts_left == 0:
        st.error(f"You have used all {standing.attempts_allowed} attempts at this quiz.", icon=":material/block:")
        return
    window = spec.window(services.now())
    if window is not Window.OPEN:
        notice = window_notice(spec, window, services.time_zone())
        more = "You can start it then." if window is Window.BEFORE else "It can no longer be started."
        st.info(f"{notice} {more}", icon=":material/lock:")
        return
    if spec.closes_at is not None:
        st.caption(f"Due {shown(spec.closes_at, *services.time_zone())}.")
    if spec.kind is not QuizKind.REVIEW and not services.course().can_start(spec.id):
        st.warning(UNAVAILABLE, icon=":material/build:")
        return
    problem = st.session_state.pop(f"start-problem-{spec.id}", None)
    if problem:
        st.error(problem)
    st.button("Start", type="primary", icon=":material/play_arrow:", on_click=_start, args=(user, spec))


def _start(user: User, spec: QuizSpec) -> None:
    """Start the attempt in the button's callback, so the same run shows its first question."""
    try:
        with services.saving("Your quiz was not started"):
            questions = review_questions(user) if spec.kind is QuizKind.REVIEW else None
            services.store().attempts.start(user, spec, now=services.now(), questions=questions)
    except AttemptError as error:
        st.session_state[f"start-problem-{spec.id}"] = sentence(str(error))
    except AssemblyError:
        st.session_state[f"start-problem-{spec.id}"] = UNAVAILABLE


def _weak_spots_intro(user: User, spec: QuizSpec) -> None:
    st.markdown("Feedback after each question; your answers count for mastery and review like any practice.")
    _earlier_attempts(user, spec)
    if not services.store().weak_spots.offered(user, user.id, now=services.now()):
        st.info(
            "Nothing to work on here yet: read a lesson and answer a few of its questions, and your weak spots will show.",
            icon=":material/target:",
        )
        nav.link("Go to the course map", "home", icon=":material/map:")
        return
    weak_spots_start(user, go=False)


def _earlier_attempts(user: User, spec: QuizSpec) -> None:
    history = [a for a in services.store().attempts.history(user, user.id, quiz_id=spec.id) if a.submitted]
    if history:
        with st.expander(f"Your earlier attempts ({len(history)})"):
            for past in reversed(history):
                result = past.result
                if result is None:
                    continue
                label = f"{past.attempt.started_at:%d %b %Y, %H:%M} UTC: {round(result.score * 100)}%" + (
                    " · passed" if result.passed else ""
                )
                nav.link(label, "results", icon=":material/assignment:", attempt=past.id)


def _move(position_key: str, position: int) -> None:
    st.session_state[position_key] = position


def _flag(user: User, attempt_id: str, question_id: str, flagged: bool) -> None:
    with services.saving("Your flag was not saved"):
        services.store().attempts.set_flag(user, attempt_id, question_id, flagged)


def review_questions(user: User):
    course = services.course()
    due = services.store().review.due(user, user.id, now=services.now())
    return [course.question(card.question_id) for card in due]


def _run(user: User, stored: StoredAttempt) -> None:
    notice = st.session_state.pop("notice", None)
    if notice:
        st.info(notice)
    st.title(stored.spec.title)
    if stored.attempt.feedback_mode is FeedbackMode.EXAM or stored.attempt.deadline is not None:
        _attempt(user, stored)
    else:
        _practice(user, stored.id)


@st.fragment
def _practice(user: User, attempt_id: str) -> None:
    """A practice attempt (no clock) redraws on its own when the learner checks an answer or
    moves on: the page around it is not run again, so feedback shows sooner."""
    if st.session_state.get("go-to-results"):
        st.rerun(scope="app")
    try:
        stored = services.store().attempts.get(user, attempt_id, now=services.now())  # as stored now, on every redraw
    except StorageUnavailable:
        services.log.warning("an attempt could not be read: the records cannot be reached", exc_info=True)
        st.error(RECORDS_UNAVAILABLE, icon=":material/cloud_off:")
        return
    if stored.submitted:
        st.rerun(scope="app")
    _attempt(user, stored)


def _attempt(user: User, stored: StoredAttempt) -> None:
    course = services.course()
    attempt = stored.attempt
    drawn = attempt.questions
    exam = attempt.feedback_mode is FeedbackMode.EXAM
    position_key = f"position-{stored.id}"
    if position_key not in st.session_state:
        st.session_state[position_key] = next((n for n, d in enumerate(drawn) if d.id not in attempt.answers), 0)
    position = min(st.session_state[position_key], len(drawn) - 1)
    current = drawn[position]
    question = stored.questions[current.id]
    answer = attempt.answers.get(current.id)

    answered = len(attempt.answers)
    st.progress(answered / len(drawn), text=f"Question {position + 1} of {len(drawn)} · {answered} answered")
    if attempt.deadline is not None:
        _countdown(stored)
    if exam:
        _navigator(stored, position)

    with st.container(border=True, key=f"question-{current.id}"):
        if current.reason:
            st.badge(current.reason, icon=":material/target:", color="violet")
        widgets.show_question(question, course)
        key = f"answer-{stored.id}-{current.id}"
        if answer is None or exam:  # a practice answer, once checked, is shown with its feedback instead
            widgets.answer_form(
                question,
                current,
                key=key,
                label="Save answer" if exam else "Check",
                previous=answer.response.model_dump(mode="json") if answer else None,
                ask_confidence=stored.spec.kind is QuizKind.REVIEW,
                save=lambda response, confidence: _save(user, stored, current.id, response, confidence=confidence, advance=exam),
            )
        if answer is not None and not exam:
            widgets.show_grade(question, answer.grade, course)
        elif answer is not None:
            st.caption("Answer saved. You can change it until you submit.")

    _controls(user, stored, position, exam)


def _save(user: User, stored: StoredAttempt, question_id: str, response: dict[str, Any], *, confidence: str | None, advance: bool) -> None:
    """Store one answer (called from the form's callback); in exam mode move on to the next question."""
    try:
        services.store().attempts.answer(user, stored.id, question_id, response, now=services.now(), confidence=confidence)
    except AttemptError as error:
        if error.reason != "time_up":
            raise
        st.session_state.pop(f"attempt-{stored.spec.id}", None)
        st.session_state["notice"] = "Time is up: your attempt was submitted with the answers you had given."
        st.session_state["go-to-results"] = stored.id
        return
    if advance:
        position_key = f"position-{stored.id}"
        st.session_state[position_key] = min(st.session_state[position_key] + 1, len(stored.attempt.questions) - 1)


def _controls(user: User, stored: StoredAttempt, position: int, exam: bool) -> None:
    drawn = stored.attempt.questions
    position_key = f"position-{stored.id}"
    last = position == len(drawn) - 1
    current = drawn[position]
    with st.container(horizontal=True, gap="small"):
        # Each button acts in its callback, so one click is one run of the page.
        if position > 0:
            st.button("Previous", icon=":material/arrow_back:", key=f"prev-{stored.id}", on_click=_move, args=(position_key, position - 1))
        if exam:
            flagged = current.id in stored.flagged
            st.button(
                "Unflag" if flagged else "Flag for review",
                icon=":material/flag:",
                key=f"flag-{stored.id}-{current.id}",
                on_click=_flag,
                args=(user, stored.id, current.id, not flagged),
            )
        if not last and (exam or current.id in stored.attempt.answers):
            st.button(
                "Next",
                icon=":material/arrow_forward:",
                key=f"next-{stored.id}",
                type="secondary" if exam else "primary",
                on_click=_move,
                args=(position_key, position + 1),
            )
    everything = len(stored.attempt.answers) == len(drawn)
    if exam:
        if st.button("Submit exam", type="primary", icon=":material/send:", key=f"submit-{stored.id}"):
            _confirm_submit(user, stored)
    elif (everything or last) and st.button(
        "Finish and see results",
        type="primary" if everything else "secondary",
        icon=":material/flag_circle:",
        key=f"finish-{stored.id}",
    ):
        if everything:
            _submit(user, stored)
        else:
            _confirm_submit(user, stored)


@st.dialog("Submit your answers?")
def _confirm_submit(user: User, stored: StoredAttempt) -> None:
    missing = len(stored.attempt.questions) - len(stored.attempt.answers)
    flagged = len(stored.flagged)
    if missing:
        st.warning(f"You have **{count(missing, 'unanswered question')}**. Unanswered questions score nothing.")
    else:
        st.markdown("You have answered every question.")
    if flagged:
        st.markdown(f"You flagged {count(flagged, 'question')} to revisit.")
    st.markdown("Once submitted, answers cannot be changed.")
    with st.container(horizontal=True):
        if st.button("Submit now", type="primary"):
            _submit(user, stored)
        if st.button("Keep working"):
            st.rerun()


def _submit(user: User, stored: StoredAttempt) -> None:
    """Submit, then show the results from a full run of the app (never switching page from
    inside the dialog, whose reruns are a fragment's and race the countdown's)."""
    try:
        services.store().attempts.submit(user, stored.id, now=services.now())
    except StorageUnavailable:
        services.log.warning("a submission failed: the records cannot be reached", exc_info=True)
        st.error(f"Your answers were not submitted; those you saved are kept. {TRY_AGAIN}")
        return
    st.session_state.pop(f"attempt-{stored.spec.id}", None)
    st.session_state["go-to-results"] = stored.id
    st.rerun(scope="app")


def _navigator(stored: StoredAttempt, position: int) -> None:
    with st.expander("All questions", expanded=False, icon=":material/grid_view:"):
        st.caption("✓ answered · ⚑ flagged")
        with st.container(horizontal=True, gap="small"):
            for number, drawn in enumerate(stored.attempt.questions):
                marks = ("✓" if drawn.id in stored.attempt.answers else "") + ("⚑" if drawn.id in stored.flagged else "")
                label = f"{number + 1}{marks}"
                st.button(
                    label,
                    key=f"goto-{stored.id}-{number}",
                    type="primary" if number == position else "secondary",
                    on_click=_move,
                    args=(f"position-{stored.id}", number),
                )


def _countdown(stored: StoredAttempt) -> None:
    @st.fragment(run_every=timedelta(seconds=1))
    def tick() -> None:
        left = stored.attempt.time_left(services.now())
        if left is None:
            return
        if left <= timedelta(0):
            st.rerun(scope="app")
        minutes, seconds = divmod(int(left.total_seconds()), 60)
        urgent = left < timedelta(minutes=5)
        text = f"Time left: **{minutes:02d}:{seconds:02d}**"
        if urgent:
            st.warning(text, icon=":material/timer:")
        else:
            st.caption(text)

    tick()
