"""Practise my weak spots, from the store: the learner's history gathered in one read, the draw
made by :mod:`learning.weak_spots`, and the attempt started with each question's reason.

The answers of a weak-spots attempt are practice answers: they count for mastery at once and
rate the review cards, like any practice quiz's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from learning.course import Course
from learning.errors import AttemptError
from learning.quiz import WEAK_SPOTS_ID, weak_spots_spec
from learning.store.accounts import Accounts, User, require_self
from learning.store.attempts import Attempts, StoredAttempt
from learning.store.database import Database
from learning.store.progress import counted_answers
from learning.store.review import Review
from learning.store.tables import LessonProgressRow
from learning.weak_spots import DEFAULT_QUESTIONS, History, draw, has_weak_spots, reasons


class WeakSpots:
    """Each learner's weak-spots quiz: whether it is offered, and starting it."""

    def __init__(self, database: Database, accounts: Accounts, attempts: Attempts, review: Review, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.attempts = attempts
        self.review = review
        self.course = course

    def history(self, actor: User, learner_id: int, *, now: datetime) -> History:
        """What the draw needs of a learner, in one read: their counted answers (the same ones
        mastery counts), the review cards due now and the lessons marked as read."""
        course = self.course()
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            rows = counted_answers(session, [learner_id])
            due = self.review.due_cards(session, [learner_id], now=now).get(learner_id, [])
            read = session.scalars(
                select(LessonProgressRow.lesson_id).where(
                    LessonProgressRow.user_id == learner_id, LessonProgressRow.completed_at.is_not(None)
                )
            ).all()
        return History.build(
            ((question, objectives, score) for _user, question, objectives, score in rows),
            objective_ids=[o.id for o in course.syllabus.objectives] if course.syllabus else [],
            due=[card.question_id for card in due],
            read=read,
        )

    def offered(self, actor: User, learner_id: int, *, now: datetime) -> bool:
        """Whether the learner has weak spots to practise (:func:`learning.weak_spots.has_weak_spots`)."""
        return has_weak_spots(self.course(), self.history(actor, learner_id, now=now))

    def start(self, actor: User, *, now: datetime, count: int = DEFAULT_QUESTIONS, seed: str | None = None) -> StoredAttempt:
        """Start (or resume) the actor's weak-spots quiz of ``count`` questions (5 to 20; fewer
        when the lessons they read hold fewer). An unfinished one is resumed as it was.

        Raises:
            AttemptError: ``nothing_to_practise`` when no question can be drawn (no lesson read).
            ValueError: ``count`` is outside 5 to 20.
        """
        require_self(actor, actor.id)
        unfinished = self.attempts.unfinished(actor, now=now, quiz_id=WEAK_SPOTS_ID)
        if unfinished:
            return unfinished[0]
        seed = seed or uuid.uuid4().hex
        course = self.course()
        picks = draw(course, self.history(actor, actor.id, now=now), seed=seed, count=count)
        if not picks:
            raise AttemptError("there is nothing to practise yet: read a lesson first", reason="nothing_to_practise")
        questions = [course.question(p.question_id) for p in picks]
        return self.attempts.start(
            actor,
            weak_spots_spec(len(picks)),
            now=now,
            seed=seed,
            questions=[q for q in questions if q is not None],
            reasons=reasons(picks),
        )
