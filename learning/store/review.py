"""Spaced-review cards: one per learner and question answered, stored with every review's log.

The rules (rating, scheduling, the exam date) are :mod:`learning.spacing`'s; this module reads
and writes cards. The due queue lists the cards whose review is due, the most recently due first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import cast

from fsrs import Card
from fsrs.card import CardDict
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learning.course import Course
from learning.spacing import effective_due, review
from learning.store.accounts import Accounts, User
from learning.store.database import Database
from learning.store.tables import AttemptRow, ReviewCardRow, ReviewLogRow, UserRow


class DueCard(BaseModel):
    model_config = ConfigDict(frozen=True)

    question_id: str
    due: datetime
    reviews: int


class ReviewSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    due_now: int
    next_due: datetime | None
    cards: int


class Review:
    """The spaced-review cards of every learner."""

    def __init__(self, database: Database, accounts: Accounts, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.course = course

    def _reviewable(self, session: Session, learner_id: int) -> set[str]:
        """The question ids this learner's review may show (see :meth:`Course.reviewable`)."""
        course = self.course()
        finals = course.final_exam_ids()
        finished = bool(finals) and session.scalar(
            select(func.count()).where(AttemptRow.user_id == learner_id, AttemptRow.quiz_id.in_(finals), AttemptRow.passed.is_(True))
        )
        return set(course.reviewable(course_finished=bool(finished)))

    def record(
        self,
        session: Session,
        user_id: int,
        question_id: str,
        *,
        correct: bool,
        confidence: str | None,
        now: datetime,
        answer_id: int | None,
    ) -> None:
        """Rate the learner's card for ``question_id`` (made on first answer) inside the caller's transaction."""
        if answer_id is not None and session.scalar(select(ReviewLogRow.id).where(ReviewLogRow.answer_id == answer_id)) is not None:
            return  # this answer was already counted
        row = session.get(ReviewCardRow, (user_id, question_id))
        card, log = review(
            Card.from_dict(cast(CardDict, row.card)) if row is not None else None,
            user_id=user_id,
            question_id=question_id,
            correct=correct,
            confidence=confidence,
            now=now,
        )
        if row is None:
            row = ReviewCardRow(user_id=user_id, question_id=question_id, card=dict(card.to_dict()), due=card.due, reviews=1)
            session.add(row)
        else:
            row.card = dict(card.to_dict())
            row.due = card.due
            row.reviews += 1
        session.add(
            ReviewLogRow(
                user_id=user_id, question_id=question_id, answer_id=answer_id, rating=int(log.rating), reviewed_at=now, log=log.to_dict()
            )
        )

    def due(self, actor: User, learner_id: int, *, now: datetime, limit: int | None = None) -> list[DueCard]:
        """The learner's cards due now, the most recently due first, for questions review may show."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            active = self._reviewable(session, learner_id)
            exam_date = session.scalar(select(UserRow.exam_date).where(UserRow.id == learner_id))
            query = select(ReviewCardRow).where(ReviewCardRow.user_id == learner_id)
            if exam_date is None or now >= datetime.combine(exam_date, time(0, 0), tzinfo=UTC):
                query = query.where(ReviewCardRow.due <= now)  # no exam ahead: only what is due by the clock
            rows = session.scalars(query)
            cards = []
            for row in rows:
                when = effective_due(row.due, exam_date, now)
                if when <= now and row.question_id in active:
                    cards.append(DueCard(question_id=row.question_id, due=when, reviews=row.reviews))
        cards.sort(key=lambda c: (c.due, c.question_id), reverse=True)
        return cards[:limit] if limit else cards

    def summary(self, actor: User, learner_id: int, *, now: datetime) -> ReviewSummary:
        due_now = self.due(actor, learner_id, now=now)
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            active = self._reviewable(session, learner_id)
            exam_date = session.scalar(select(UserRow.exam_date).where(UserRow.id == learner_id))
            cards = list(session.execute(select(ReviewCardRow.question_id, ReviewCardRow.due).where(ReviewCardRow.user_id == learner_id)))
            total = sum(1 for c in cards if c.question_id in active)
            upcoming = [effective_due(c.due, exam_date, now) for c in cards if c.due > now and c.question_id in active]
        later = [d for d in upcoming if d > now]
        return ReviewSummary(due_now=len(due_now), next_due=min(later) if later else None, cards=total)
