"""Home: the course map, where to continue, today's study plan, reviews due, the weak-spots quiz, overall progress and the exams."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import streamlit as st

from learning.errors import AssemblyError, AttemptError
from learning.quiz import REVIEW_ID, WEAK_SPOTS_ID, QuizKind, QuizSpec, Window
from learning.render import inline, plain_text
from learning.store import LessonStatus
from learning.study import StepKind, assigned, next_step, quizzes_for
from learning.ui import nav, services, session
from learning.ui.screens import plan
from learning.weak_spots import DEFAULT_QUESTIONS, MAX_QUESTIONS, MIN_QUESTIONS
from learning.wording import count, sentence
from learning.zones import shown

WEAK_SPOTS_COUNT = "weak-spots-count"
WEAK_SPOTS_STARTED = "weak-spots-started"
WEAK_SPOTS_PROBLEM = "weak-spots-problem"


def window_notice(quiz: QuizSpec, window: Window, zone: tuple[ZoneInfo, str]) -> str:
    """Why a quiz outside its window cannot be started, with the date in the learner's zone."""
    if window is Window.BEFORE and quiz.opens_at is not None:
        return f"Opens {shown(quiz.opens_at, *zone)}."
    if window is Window.CLOSED and quiz.closes_at is not None:
        return f"Closed on {shown(quiz.closes_at, *zone)}."
    return ""


BADGE: dict[LessonStatus, tuple[str, Literal["gray", "blue", "orange", "green"], str]] = {
    LessonStatus.NOT_STARTED: ("Not started", "gray", ":material/radio_button_unchecked:"),
    LessonStatus.READ: ("Read", "blue", ":material/menu_book:"),
    LessonStatus.PRACTISED: ("Practised", "orange", ":material/edit_note:"),
    LessonStatus.MASTERED: ("Mastered", "green", ":material/workspace_premium:"),
}


def render() -> None:
    user = session.require_user()
    course = services.course()
    store = services.store()
    now = services.now()
    board = store.progress.dashboard(user, user.id)
    reviews = store.review.summary(user, user.id, now=now)

    st.title(f"Welcome, {plain_text(user.display_name)}")
    if course.errors:
        st.warning(
            "Part of this course could not be loaded, so some lessons or quizzes may be missing. "
            "Please tell your instructor; your progress is kept.",
            icon=":material/report:",
        )
    unfinished = store.attempts.unfinished(user, now=now)
    _continue(course, board, unfinished)
    plan.course_map_section(user, board)

    read = board.lessons_read
    total = len(course.lessons)
    mastered = sum(p.status is LessonStatus.MASTERED for p in board.lessons)
    with st.container(horizontal=True, gap="medium"):
        st.metric("Lessons read", f"{read} of {total}", border=True)
        st.metric("Lessons mastered", f"{mastered} of {total}", border=True)
        st.metric("Reviews due", reviews.due_now, border=True)
    st.progress(read / total if total else 0.0, text=f"Course progress: {round(100 * read / total) if total else 0}% of lessons read")
    if reviews.due_now:
        nav.link(f"Review {count(reviews.due_now, 'question')} now", "review", icon=":material/replay:")
    _weak_spots(user, unfinished, now)

    quizzes = quizzes_for(course.quizzes, class_ids=services.class_ids(user), instructor=user.is_instructor)
    zone = services.time_zone()
    scheduled = assigned(quizzes, lesson_ids=[lesson.id for lesson in course.lessons])
    if scheduled:
        st.header("Assigned quizzes", anchor="assigned")
        for quiz in scheduled:
            _exam_card(user, quiz, unlocked=True, now=now, zone=zone)

    for unit in course.units:
        st.header(unit.title, anchor=f"unit-{unit.id}")
        st.caption(unit.description)
        lessons = course.lessons_in(unit.id)
        for start in range(0, len(lessons), 2):
            columns = st.columns(2)
            for column, lesson in zip(columns, lessons[start : start + 2], strict=False):
                progress = board.lesson(lesson.id)
                label, color, icon = BADGE[progress.status]
                with column, st.container(border=True, height="stretch"):
                    st.markdown(f"**{lesson.title}**")
                    with st.container(horizontal=True, gap="small"):
                        st.badge(label, color=color, icon=icon)
                        st.badge(f"{lesson.reading_minutes} min read", color="gray", icon=":material/schedule:")
                    st.caption(lesson.summary)
                    nav.link("Open lesson", "lesson", icon=":material/arrow_forward:", lesson=lesson.id)
        for quiz in quizzes:
            if quiz.kind is QuizKind.UNIT_TEST and quiz.unit == unit.id:
                _exam_card(user, quiz, unlocked=True, now=now, zone=zone)

    st.header("Final exam", anchor="final-exam")
    read_ids = {p.lesson_id for p in board.lessons if p.completed_at is not None}
    for quiz in quizzes:
        if quiz.kind is QuizKind.FINAL_EXAM:
            unlocked = quiz.is_unlocked(lessons=course.required_reading, read=read_ids)
            _exam_card(user, quiz, unlocked=unlocked, now=now, zone=zone, read=len(read_ids), total=total)


def _continue(course, board, unfinished) -> None:
    # The quiz page finishes an unfinished attempt even at a quiz since removed from the course files.
    runnable = {q.id for q in course.quizzes} | {a.spec.id for a in unfinished} | {REVIEW_ID, WEAK_SPOTS_ID}
    step = next_step(unfinished=unfinished, lessons=board.lessons, runnable=runnable)
    with st.container(border=True):
        st.markdown("**Continue where you left off**")
        if step.kind is StepKind.RESUME:
            attempt = next(a for a in unfinished if a.spec.id == step.quiz_id)
            done = len(attempt.attempt.answers)
            nav.link(
                f"Resume {attempt.spec.title} ({done} of {len(attempt.attempt.questions)} answered)",
                "quiz",
                icon=":material/play_arrow:",
                quiz=attempt.spec.id,
            )
        elif step.kind is StepKind.DONE:
            st.markdown("You have read every lesson. Practise, review, or take the final exam.")
        elif step.kind is StepKind.NO_LESSONS:
            st.markdown("There are no lessons to read right now: the course files have problems.")
        else:
            lesson = course.lesson(step.lesson_id)
            verb = "Continue reading" if step.kind is StepKind.CONTINUE else "Start with"
            nav.link(f"{verb}: {lesson.title}", "lesson", icon=":material/play_arrow:", lesson=lesson.id)


def _exam_card(user, quiz: QuizSpec, *, unlocked: bool, now: datetime, zone: tuple[ZoneInfo, str], read: int = 0, total: int = 0) -> None:
    standing = services.store().attempts.standing(user, user.id, quiz)
    window = quiz.window(now)
    with st.container(border=True):
        st.markdown(f"**{inline(quiz.title)}**")
        facts = [f"{quiz.question_count or 'All'} questions", f"pass mark {round(quiz.pass_mark * 100)}%"]
        if quiz.time_limit_minutes:
            facts.append(f"{quiz.time_limit_minutes} minutes")
        if standing.attempts_allowed:  # the quiz's own, plus any extra attempt an instructor granted
            facts.append(f"{standing.attempts_left} of {standing.attempts_allowed} attempts left")
        st.caption(" · ".join(facts))
        if quiz.closes_at is not None and window is Window.OPEN:
            st.badge(f"Due {shown(quiz.closes_at, *zone)}", color="orange", icon=":material/event:")
        if standing.best is not None:
            verdict = "passed" if standing.passed else "not passed yet"
            st.markdown(f"Best score so far: **{round(standing.best * 100)}%** ({verdict})")
        if not unlocked and not total:
            st.info("The final exam opens once the course's lessons are available again.", icon=":material/lock:")
        elif not unlocked:
            st.info(f"Read every lesson to unlock the final exam: {read} of {total} read.", icon=":material/lock:")
        elif standing.in_progress:
            nav.link(f"Resume: {quiz.title}", "quiz", icon=":material/play_arrow:", quiz=quiz.id)
        elif window is not Window.OPEN:
            st.info(window_notice(quiz, window, zone), icon=":material/lock:")
        elif not services.course().can_start(quiz.id):
            st.warning("This cannot be started right now: the course files have problems. Please tell your instructor.")
        elif standing.attempts_left == 0:
            st.caption("No attempts left.")
        else:
            nav.link(f"Open: {quiz.title}", "quiz", icon=":material/arrow_forward:", quiz=quiz.id)


def _weak_spots(user, unfinished, now) -> None:
    """The "Practise my weak spots" offer, shown once the learner has weak spots (the rule is
    :func:`learning.weak_spots.has_weak_spots`), or the one they have started."""
    if st.session_state.pop(WEAK_SPOTS_STARTED, False):
        nav.go("quiz", quiz=WEAK_SPOTS_ID)
    started = next((a for a in unfinished if a.spec.id == WEAK_SPOTS_ID), None)
    if started is None and not services.store().weak_spots.offered(user, user.id, now=now):
        return
    with st.container(border=True, key="weak-spots"):
        st.markdown("**Practise my weak spots**")
        st.caption(
            "Questions picked for you from the lessons you have read: ones you missed, ones due for review, "
            "your weakest objectives and what you have not practised yet. Each one says why it was picked."
        )
        if started is not None:
            done = len(started.attempt.answers)
            label = f"Resume your weak spots ({done} of {len(started.attempt.questions)} answered)"
            nav.link(label, "quiz", icon=":material/play_arrow:", quiz=WEAK_SPOTS_ID)
        else:
            weak_spots_start(user, go=True)


def weak_spots_start(user, *, go: bool) -> None:
    """How many questions (5 to 20) and the button that starts the weak-spots quiz; with ``go``,
    the quiz page opens once it has started (from the course map)."""
    problem = st.session_state.pop(WEAK_SPOTS_PROBLEM, None)
    if problem:
        st.warning(problem)
    st.slider("Questions", min_value=MIN_QUESTIONS, max_value=MAX_QUESTIONS, value=DEFAULT_QUESTIONS, key=WEAK_SPOTS_COUNT)
    st.button("Practise my weak spots", type="primary", icon=":material/target:", on_click=_start_weak_spots, args=(user, go))


def _start_weak_spots(user, go: bool) -> None:
    """Start the quiz in the button's callback (the same run then shows it, or opens its page)."""
    try:
        with services.saving("Your quiz was not started"):
            count = st.session_state.get(WEAK_SPOTS_COUNT, DEFAULT_QUESTIONS)
            services.store().weak_spots.start(user, now=services.now(), count=count)
            st.session_state[WEAK_SPOTS_STARTED] = go
    except AttemptError as error:
        st.session_state[WEAK_SPOTS_PROBLEM] = sentence(str(error))
    except AssemblyError:
        st.session_state[WEAK_SPOTS_PROBLEM] = "Your weak spots cannot be put together from the question bank right now."
