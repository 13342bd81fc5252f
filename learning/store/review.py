"""Spaced-review cards: one per learner and question answered, stored with every review's log.

The rules (rating, scheduling, the exam date) are :mod:`learning.spacing`'s; this module reads
and writes cards. The due queue lists the cards whose review is due, the most recently due first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import cast

from fsrs import Card
from fsrs.card import CardDict
from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from learning.course import Course
from learning.spacing import effective_due, exam_date_for, review
from learning.store.accounts import Accounts, User
from learning.store.database import Database
from learning.store.tables import AttemptRow, CohortRow, MembershipRow, ReviewCardRow, ReviewLogRow, UserRow


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
        finished = learner_id in self._finished(session, [learner_id])
        return set(self.course().reviewable(course_finished=finished))

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
            cards = self.due_cards(session, [learner_id], now=now).get(learner_id, [])
        return cards[:limit] if limit else cards

    def due_cards(self, session: Session, learner_ids: list[int], *, now: datetime) -> dict[int, list[DueCard]]:
        """Each learner's cards due now, the most recently due first, in a few queries for any
        number of learners (the caller has checked who may read them)."""
        exams = self.exam_dates(session, learner_ids, now=now)
        finished = self._finished(session, learner_ids)
        course = self.course()
        active = {done: set(course.reviewable(course_finished=done)) for done in (False, True)}
        ahead = [user_id for user_id, exam in exams.items() if exam is not None and exam > now.astimezone(UTC).date()]
        by_clock = ReviewCardRow.due <= now  # no exam ahead: only what is due by the clock
        query = select(ReviewCardRow.user_id, ReviewCardRow.question_id, ReviewCardRow.due, ReviewCardRow.reviews).where(
            ReviewCardRow.user_id.in_(learner_ids), or_(by_clock, ReviewCardRow.user_id.in_(ahead)) if ahead else by_clock
        )
        cards: dict[int, list[DueCard]] = {}
        for user_id, question_id, due, reviews in session.execute(query).all():
            when = effective_due(due, exams.get(user_id), now)
            if when <= now and question_id in active[user_id in finished]:
                cards.setdefault(user_id, []).append(DueCard(question_id=question_id, due=when, reviews=reviews))
        for listed in cards.values():
            listed.sort(key=lambda c: (c.due, c.question_id), reverse=True)
        return cards

    def exam_dates(self, session: Session, learner_ids: list[int], *, now: datetime) -> dict[int, date | None]:
        """The exam date that counts for each learner: their own, else their classes'
        (:func:`learning.spacing.exam_date_for`, with today's date in UTC)."""
        own = dict(session.execute(select(UserRow.id, UserRow.exam_date).where(UserRow.id.in_(learner_ids))).all())
        dates: dict[int, list[date | None]] = {user_id: [] for user_id in learner_ids}
        classes = (
            select(MembershipRow.user_id, CohortRow.exam_date)
            .join(CohortRow, CohortRow.id == MembershipRow.cohort_id)
            .where(MembershipRow.user_id.in_(learner_ids), CohortRow.exam_date.is_not(None))
        )
        for user_id, exam_date in session.execute(classes).all():
            dates[user_id].append(exam_date)
        return {user_id: exam_date_for(own.get(user_id), listed, now.astimezone(UTC).date()) for user_id, listed in dates.items()}

    def _finished(self, session: Session, learner_ids: list[int]) -> set[int]:
        """The learners who passed a final exam (an attempt not voided)."""
        finals = self.course().final_exam_ids()
        if not finals:
            return set()
        query = select(AttemptRow.user_id).where(
            AttemptRow.user_id.in_(learner_ids), AttemptRow.quiz_id.in_(finals), AttemptRow.passed.is_(True), AttemptRow.voided.is_(False)
        )
        return set(session.scalars(query.distinct()))

    def due_dates(self, actor: User, learner_id: int, *, now: datetime) -> list[datetime]:
        """When each of the learner's cards for questions review may show falls due (brought
        forward before their exam date), whether due already or later: a study plan's reviews."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            active = self._reviewable(session, learner_id)
            exam_date = self.exam_dates(session, [learner_id], now=now)[learner_id]
            cards = session.execute(select(ReviewCardRow.question_id, ReviewCardRow.due).where(ReviewCardRow.user_id == learner_id)).all()
        return sorted(effective_due(due, exam_date, now) for question_id, due in cards if question_id in active)

    def summary(self, actor: User, learner_id: int, *, now: datetime) -> ReviewSummary:
        due_now = self.due(actor, learner_id, now=now)
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            active = self._reviewable(session, learner_id)
            exam_date = self.exam_dates(session, [learner_id], now=now)[learner_id]
            cards = list(session.execute(select(ReviewCardRow.question_id, ReviewCardRow.due).where(ReviewCardRow.user_id == learner_id)))
            total = sum(1 for c in cards if c.question_id in active)
            upcoming = [effective_due(c.due, exam_date, now) for c in cards if c.due > now and c.question_id in active]
        later = [d for d in upcoming if d > now]
        return ReviewSummary(due_now=len(due_now), next_due=min(later) if later else None, cards=total)
