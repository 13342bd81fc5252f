"""Spaced-review rules, pure: how an answer rates a card, the next review, and the exam date.

FSRS (the ``fsrs`` package) schedules the cards. A wrong answer rates a card Again and a right
one Good; a learner who says a right answer felt hard or easy rates it Hard or Easy instead.
With an exam date set (the learner's own, else their class's: see :func:`exam_date_for`), a
review that would fall on or after the exam day is brought forward to the day before it. Like
py-fsrs's ``review_card``, :func:`review` returns the new card and a log and reads no clock: the
caller passes ``now``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Card, Rating, ReviewLog, Scheduler

SCHEDULER = Scheduler(enable_fuzzing=False)  # immutable settings, shared safely by every session
CONFIDENCE = ("hard", "good", "easy")


def card_id(user_id: int, question_id: str) -> int:
    """A stable card id for one learner and question."""
    digest = hashlib.sha256(f"{user_id}:{question_id}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def rating_for(*, correct: bool, confidence: str | None) -> Rating:
    """Again for a wrong answer; Good for a right one, or Hard or Easy as the learner felt it."""
    if not correct:
        return Rating.Again
    return {"hard": Rating.Hard, "easy": Rating.Easy}.get(confidence or "", Rating.Good)


def review(
    card: Card | None, *, user_id: int, question_id: str, correct: bool, confidence: str | None, now: datetime
) -> tuple[Card, ReviewLog]:
    """The card after this answer (a new card on the first answer) and the review's log."""
    card = card or Card(card_id=card_id(user_id, question_id), due=now)
    return SCHEDULER.review_card(card, rating_for(correct=correct, confidence=confidence), review_datetime=now)


def effective_due(due: datetime, exam_date: date | None, now: datetime) -> datetime:
    """When a card is due for this learner: a review that would fall on or after their exam day
    is brought forward to the day before it (or to now, if that day has come)."""
    if exam_date is None:
        return due
    exam_start = datetime.combine(exam_date, time(0, 0), tzinfo=UTC)
    if now >= exam_start or due < exam_start:
        return due
    return exam_start - timedelta(days=1)


def exam_date_for(own: date | None, classes: Iterable[date | None], today: date) -> date | None:
    """The exam date that counts for a learner, for their reviews and their study plan.

    Their own date wins while its day has not passed: it is the sitting they booked (a retake, a
    later or an earlier session than their class's), which they know best. Otherwise the nearest
    of their classes' dates from ``today`` on; with none ahead, the latest date that has passed,
    so the plan can say so (it moves no review). None when no date is set at all.
    """
    if own is not None and own >= today:
        return own
    listed = [d for d in classes if d is not None]
    ahead = [d for d in listed if d >= today]
    if ahead:
        return min(ahead)
    passed = [d for d in [*listed, own] if d is not None]
    return max(passed) if passed else None
