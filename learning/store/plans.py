"""A learner's study plan, recomputed from their records: the exam date that counts, the lessons
read and when, the reviews due, their weak spots and the final exam.

The rules are :mod:`learning.study_plan`'s (the plan) and :mod:`learning.spacing`'s (which exam
date counts); this module reads the records they need and calls them. Nothing of a plan is
stored but the exam dates and when they were set: each day's plan follows from what the
learner did.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from learning.course import Course
from learning.quiz import WEAK_SPOTS_ID, QuizKind
from learning.spacing import exam_date_for
from learning.store.accounts import Accounts, User
from learning.store.attempts import Attempts
from learning.store.database import Database
from learning.store.progress import Dashboard, Progress
from learning.store.review import Review
from learning.store.tables import CohortRow, MembershipRow, UserRow
from learning.store.weak_spots import WeakSpots
from learning.study_plan import FinalExamState, PlanLesson, PlanQuiz, StudyPlan, study_plan


class ExamDate(BaseModel):
    """The exam date that counts for a learner, whose it is, and the day their plan to it started."""

    model_config = ConfigDict(frozen=True)

    day: date
    own: bool  # the learner's own date (else a class's)
    class_name: str | None = None
    started: datetime | None = None  # set then (a class's: or when the learner joined, if later)


class Plans:
    """Study plans to an exam date, for learners (their own) and their instructors (to read)."""

    def __init__(
        self,
        database: Database,
        accounts: Accounts,
        progress: Progress,
        review: Review,
        attempts: Attempts,
        weak_spots: WeakSpots,
        course: Callable[[], Course],
    ) -> None:
        self.db = database
        self.accounts = accounts
        self.progress = progress
        self.review = review
        self.attempts = attempts
        self.weak_spots = weak_spots
        self.course = course

    def exam(self, actor: User, learner_id: int, *, today: date) -> ExamDate | None:
        """The learner's exam date that counts on ``today`` (:func:`learning.spacing.exam_date_for`):
        their own while it is ahead, else their classes' nearest ahead, else the latest passed."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            own, own_set = session.execute(select(UserRow.exam_date, UserRow.exam_date_set_at).where(UserRow.id == learner_id)).one()
            classes = session.execute(
                select(CohortRow.name, CohortRow.exam_date, CohortRow.exam_date_set_at, MembershipRow.joined_at)
                .join(MembershipRow, MembershipRow.cohort_id == CohortRow.id)
                .where(MembershipRow.user_id == learner_id, CohortRow.exam_date.is_not(None))
                .order_by(CohortRow.id)
            ).all()
        day = exam_date_for(own, [row.exam_date for row in classes], today)
        if day is None:
            return None
        if day == own:
            return ExamDate(day=day, own=True, started=own_set)
        name, _day, set_at, joined = next(row for row in classes if row.exam_date == day)
        return ExamDate(day=day, own=False, class_name=name, started=max(set_at, joined) if set_at else joined)

    def plan(self, actor: User, learner_id: int, *, now: datetime, zone: ZoneInfo, board: Dashboard | None = None) -> StudyPlan:
        """The learner's plan from today (their date in ``zone``) to their exam; ``board`` is their
        dashboard when the caller has just read it (else it is read here)."""
        today = now.astimezone(zone).date()
        exam = self.exam(actor, learner_id, today=today)
        if board is None:
            board = self.progress.dashboard(actor, learner_id)
        course = self.course()
        lessons = [
            PlanLesson(
                id=lesson.id,
                title=lesson.title,
                minutes=lesson.reading_minutes,
                read_on=None if (done := board.lesson(lesson.id).completed_at) is None else done.astimezone(zone).date(),
            )
            for lesson in course.lessons
        ]
        if exam is None or exam.day <= today:
            return study_plan(today=today, exam=exam.day if exam else None, lessons=lessons)
        due = [when.astimezone(zone).date() for when in self.review.due_dates(actor, learner_id, now=now)]
        return study_plan(
            today=today,
            exam=exam.day,
            lessons=lessons,
            reviews_due=due,
            weak_spots=self._weak_spots(actor, learner_id, now=now),
            final=self._final(actor, learner_id, board, course),
            started=exam.started.astimezone(zone).date() if exam.started else None,
        )

    def _weak_spots(self, actor: User, learner_id: int, *, now: datetime) -> PlanQuiz | None:
        """The weak-spots quiz, when the learner has weak spots to practise (the course map's own
        rule, :meth:`learning.store.weak_spots.WeakSpots.offered`)."""
        if not self.weak_spots.offered(actor, learner_id, now=now):
            return None
        return PlanQuiz(id=WEAK_SPOTS_ID, title="Practise my weak spots")

    def _final(self, actor: User, learner_id: int, board: Dashboard, course: Course) -> PlanQuiz | None:
        """The final exam the learner sees, and whether it is locked, open or passed (the unlock
        rule is :meth:`learning.quiz.QuizSpec.is_unlocked`)."""
        with self.db.read() as session:
            classes = set(session.scalars(select(MembershipRow.cohort_id).where(MembershipRow.user_id == learner_id)))
        final = next((q for q in course.quizzes if q.kind is QuizKind.FINAL_EXAM and q.visible_to(classes)), None)
        if final is None:
            return None
        if self.attempts.standing(actor, learner_id, final).passed:
            state = FinalExamState.PASSED
        else:
            read = {p.lesson_id for p in board.lessons if p.completed_at is not None}
            state = FinalExamState.OPEN if final.is_unlocked(lessons=course.required_reading, read=read) else FinalExamState.LOCKED
        return PlanQuiz(id=final.id, title=final.title, state=state)
