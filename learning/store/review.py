"""Spaced review with FSRS (the ``fsrs`` package): one card per learner and question answered.

A wrong answer rates the card Again and a right one Good; a learner who says a right answer
felt hard or easy rates it Hard or Easy instead. The due queue lists the cards whose review is
due, the most recently due first. With an exam date set, any review that would fall after the
exam is brought forward to the day before it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Card, Rating, Scheduler
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learning.course import Course
from learning.store.accounts import Accounts, User
from learning.store.database import Database
from learning.store.tables import AttemptRow, ReviewCardRow, ReviewLogRow, UserRow

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
        return course.reviewable(course_finished=bool(finished))

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
