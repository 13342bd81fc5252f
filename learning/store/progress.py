"""Lesson progress, mastery per objective and lesson status, and the dashboards built on them.

Mastery of an objective is a recency-weighted mean of the learner's scores on the questions
that test it: the newest answer weighs 1, the one before it 0.7, the one before that 0.49, and so
on (weight 0.7^k for the k-th newest). An objective counts as mastered at 80% or more with at
least two answers. Answers count once the learner has seen their grade: every practice answer,
and exam answers once the attempt is submitted. For an exam answer that was changed, only the
last one counts.

A lesson is *not started* until it is marked read, *read* once marked read, *practised* once any
of its questions has a counted answer, and *mastered* when every one of its objectives is.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from learning.course import Course
from learning.quiz import AttemptStatus, FeedbackMode
from learning.store.accounts import Accounts, User, require_self
from learning.store.database import Database
from learning.store.tables import AnswerRow, AttemptRow, LessonProgressRow

DECAY = 0.7
MASTERED_AT = 0.8
MIN_EVIDENCE = 2
MAX_LESSON_MINUTES = 30
MAX_ATTEMPT_MINUTES = 90


class LessonStatus(enum.StrEnum):
    NOT_STARTED = "not started"
    READ = "read"
    PRACTISED = "practised"
    MASTERED = "mastered"


class ObjectiveMastery(BaseModel):
    model_config = ConfigDict(frozen=True)

    objective: str
    mastery: float
    answers: int

    @property
    def mastered(self) -> bool:
        return self.mastery >= MASTERED_AT and self.answers >= MIN_EVIDENCE


class LessonProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    lesson_id: str
    status: LessonStatus
    opened_at: datetime | None = None
    completed_at: datetime | None = None
    mastery: float = 0.0


class Dashboard(BaseModel):
    """Everything the learner's home and progress screens show, from one read."""

    model_config = ConfigDict(frozen=True)

    lessons: list[LessonProgress]
    objectives: list[ObjectiveMastery]
    answers: int
    time_studied: timedelta
    last_lesson: str | None

    def lesson(self, lesson_id: str) -> LessonProgress:
        return next(p for p in self.lessons if p.lesson_id == lesson_id)

    @property
    def lessons_read(self) -> int:
        return sum(p.status is not LessonStatus.NOT_STARTED for p in self.lessons)


def mastery_of(scores_newest_first: Iterable[float]) -> tuple[float, int]:
    """The recency-weighted mean of scores given newest first, and how many there were."""
    total = weight_sum = 0.0
    count = 0
    weight = 1.0
    for score in scores_newest_first:
        total += weight * score
        weight_sum += weight
        weight *= DECAY
        count += 1
    return (total / weight_sum if weight_sum else 0.0), count


def _counted_answers(session: Session, user_ids: list[int]) -> list[tuple[int, str, list, float, datetime]]:
    query = (
        select(AnswerRow.user_id, AnswerRow.question_id, AnswerRow.objectives, AnswerRow.score, AnswerRow.answered_at)
        .join(AttemptRow, AttemptRow.id == AnswerRow.attempt_id)
        .where(
            AnswerRow.user_id.in_(user_ids),
            AnswerRow.current.is_(True),
            or_(AttemptRow.feedback_mode == FeedbackMode.PRACTICE.value, AttemptRow.status == AttemptStatus.SUBMITTED.value),
        )
        .order_by(AnswerRow.answered_at.desc(), AnswerRow.id.desc())
    )
    return [tuple(r) for r in session.execute(query)]


def _objective_mastery(rows: Iterable[tuple], objective_ids: list[str]) -> list[ObjectiveMastery]:
    scores: dict[str, list[float]] = defaultdict(list)
    for _user, _question, objectives, score, _at in rows:
        for objective in objectives:
            scores[objective].append(score)
    result = []
    for objective in objective_ids:
        value, count = mastery_of(scores.get(objective, []))
        result.append(ObjectiveMastery(objective=objective, mastery=round(value, 4), answers=count))
    return result


class Progress:
    """Lesson progress and mastery for learners and cohorts."""

    def __init__(self, database: Database, accounts: Accounts, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.course = course

    def lesson(self, actor: User, learner_id: int, lesson_id: str) -> LessonProgress | None:
        """When the learner first opened and marked a lesson as read (None if never opened); status is left out."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            row = session.get(LessonProgressRow, (learner_id, lesson_id))
            if row is None:
                return None
            status = LessonStatus.READ if row.completed_at else LessonStatus.NOT_STARTED
            return LessonProgress(lesson_id=lesson_id, status=status, opened_at=row.opened_at, completed_at=row.completed_at)

    def open_lesson(self, actor: User, lesson_id: str, *, now: datetime) -> None:
        """Record that the learner opened a lesson (the first time counts)."""
        require_self(actor, actor.id)
        if self.lesson(actor, actor.id, lesson_id) is not None:
            return  # nothing to write: every later visit keeps the first time

        def work(session: Session) -> None:
            row = session.get(LessonProgressRow, (actor.id, lesson_id))
            if row is None:
                session.add(LessonProgressRow(user_id=actor.id, lesson_id=lesson_id, opened_at=now))

        self.db.run_write(work)

    def complete_lesson(self, actor: User, lesson_id: str, *, now: datetime) -> None:
        """Mark a lesson as read; marking it again keeps the first time."""
        require_self(actor, actor.id)

        def work(session: Session) -> None:
            row = session.get(LessonProgressRow, (actor.id, lesson_id))
            if row is None:
                session.add(LessonProgressRow(user_id=actor.id, lesson_id=lesson_id, opened_at=now, completed_at=now))
            elif row.completed_at is None:
                row.completed_at = now

        self.db.run_write(work)

    def dashboard(self, actor: User, learner_id: int) -> Dashboard:
        course = self.course()
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            rows = _counted_answers(session, [learner_id])
            progress = {r.lesson_id: r for r in session.scalars(select(LessonProgressRow).where(LessonProgressRow.user_id == learner_id))}
            attempts = list(
                session.execute(
                    select(AttemptRow.id, AttemptRow.started_at, AttemptRow.submitted_at).where(AttemptRow.user_id == learner_id)
                )
            )
            last_answer = dict(
                session.execute(
                    select(AnswerRow.attempt_id, AnswerRow.answered_at)
                    .where(AnswerRow.user_id == learner_id)
                    .order_by(AnswerRow.answered_at)
                ).all()
            )
        objective_ids = [o.id for o in course.syllabus.objectives] if course.syllabus else []
        mastery = _objective_mastery(rows, objective_ids)
        by_objective = {m.objective: m for m in mastery}
        lesson_of = {q.id: q.lesson for q in course.questions}
        practised = {lesson_of.get(question) for _u, question, *_ in rows}
        lessons = []
        for lesson in course.lessons:
            record = progress.get(lesson.id)
            objectives = [by_objective[o] for o in lesson.objectives if o in by_objective]
            if objectives and all(m.mastered for m in objectives):
                status = LessonStatus.MASTERED
            elif lesson.id in practised:
                status = LessonStatus.PRACTISED
            elif record is not None and record.completed_at is not None:
                status = LessonStatus.READ
            else:
                status = LessonStatus.NOT_STARTED
            average = sum(m.mastery for m in objectives) / len(objectives) if objectives else 0.0
            lessons.append(
                LessonProgress(
                    lesson_id=lesson.id,
                    status=status,
                    opened_at=record.opened_at if record else None,
                    completed_at=record.completed_at if record else None,
                    mastery=round(average, 4),
                )
            )
        studied = timedelta(0)
        for record in progress.values():
            if record.completed_at is not None:
                studied += min(record.completed_at - record.opened_at, timedelta(minutes=MAX_LESSON_MINUTES))
        for attempt_id, started, submitted in attempts:
            end = submitted or last_answer.get(attempt_id)
            if end is not None:
                studied += min(max(end - started, timedelta(0)), timedelta(minutes=MAX_ATTEMPT_MINUTES))
        opened = sorted((r for r in progress.values()), key=lambda r: r.opened_at, reverse=True)
        return Dashboard(
            lessons=lessons,
            objectives=mastery,
            answers=len(rows),
            time_studied=studied,
            last_lesson=opened[0].lesson_id if opened else None,
        )

    def cohort_mastery(self, actor: User, cohort_id: int) -> dict[int, list[ObjectiveMastery]]:
        """Mastery per objective for every learner of a cohort (its instructor only)."""
        learners = self.accounts.cohort_learners(actor, cohort_id)
        course = self.course()
        objective_ids = [o.id for o in course.syllabus.objectives] if course.syllabus else []
        with self.db.read() as session:
            rows = _counted_answers(session, [u.id for u in learners])
        by_user: dict[int, list[tuple]] = defaultdict(list)
        for row in rows:
            by_user[row[0]].append(row)
        return {learner.id: _objective_mastery(by_user.get(learner.id, []), objective_ids) for learner in learners}
