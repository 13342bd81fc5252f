"""Spaced review with FSRS (the ``fsrs`` package): one card per learner and question answered.

A wrong answer rates the card Again and a right one Good; a learner who says a right answer
felt hard or easy rates it Hard or Easy instead. The due queue lists the cards whose review is
due, the most recently due first. With an exam date set, any review that would fall after the
exam is brought forward to the day before it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Card, Rating, Scheduler
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learning.store.accounts import Accounts, User
from learning.store.database import Database
from learning.store.tables import ReviewCardRow, ReviewLogRow, UserRow

_scheduler = Scheduler(enable_fuzzing=False)


def _card_id(user_id: int, question_id: str) -> int:
    digest = hashlib.sha256(f"{user_id}:{question_id}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def rating_for(*, correct: bool, confidence: str | None) -> Rating:
    if not correct:
        return Rating.Again
    return {"hard": Rating.Hard, "easy": Rating.Easy}.get(confidence or "", Rating.Good)


def effective_due(due: datetime, exam_date: date | None, now: datetime) -> datetime:
    """When a card is due for this learner: a review that would fall on or after their exam day
    is brought forward to the day before it (or to now, if that day has come)."""
    if exam_date is None:
        return due
    exam_start = datetime.combine(exam_date, time(0, 0), tzinfo=UTC)
    if now >= exam_start or due < exam_start:
        return due
    return exam_start - timedelta(days=1)


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

    def __init__(self, database: Database, accounts: Accounts) -> None:
        self.db = database
        self.accounts = accounts

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
        card = Card.from_dict(row.card) if row is not None else Card(card_id=_card_id(user_id, question_id), due=now)
        rating = rating_for(correct=correct, confidence=confidence)
        card, log = _scheduler.review_card(card, rating, review_datetime=now)
        if row is None:
            row = ReviewCardRow(user_id=user_id, question_id=question_id, card=card.to_dict(), due=card.due, reviews=1)
            session.add(row)
        else:
            row.card = card.to_dict()
            row.due = card.due
            row.reviews += 1
        session.add(
            ReviewLogRow(
                user_id=user_id, question_id=question_id, answer_id=answer_id, rating=int(rating), reviewed_at=now, log=log.to_dict()
            )
        )

    def due(
        self, actor: User, learner_id: int, *, now: datetime, active: set[str] | None = None, limit: int | None = None
    ) -> list[DueCard]:
        """The learner's cards due now, the most recently due first; ``active`` keeps only those question ids."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            exam_date = session.scalar(select(UserRow.exam_date).where(UserRow.id == learner_id))
            query = select(ReviewCardRow).where(ReviewCardRow.user_id == learner_id)
            if exam_date is None or now >= datetime.combine(exam_date, time(0, 0), tzinfo=UTC):
                query = query.where(ReviewCardRow.due <= now)  # no exam ahead: only what is due by the clock
            rows = session.scalars(query)
            cards = []
            for row in rows:
                when = effective_due(row.due, exam_date, now)
                if when <= now and (active is None or row.question_id in active):
                    cards.append(DueCard(question_id=row.question_id, due=when, reviews=row.reviews))
        cards.sort(key=lambda c: (c.due, c.question_id), reverse=True)
        return cards[:limit] if limit else cards

    def summary(self, actor: User, learner_id: int, *, now: datetime, active: set[str] | None = None) -> ReviewSummary:
        due_now = self.due(actor, learner_id, now=now, active=active)
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            exam_date = session.scalar(select(UserRow.exam_date).where(UserRow.id == learner_id))
            total = session.scalar(select(func.count()).where(ReviewCardRow.user_id == learner_id)) or 0
            upcoming = [
                effective_due(r.due, exam_date, now)
                for r in session.scalars(select(ReviewCardRow).where(ReviewCardRow.user_id == learner_id, ReviewCardRow.due > now))
                if active is None or r.question_id in active
            ]
        later = [d for d in upcoming if d > now]
        return ReviewSummary(due_now=len(due_now), next_due=min(later) if later else None, cards=total)
