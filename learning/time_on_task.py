"""Time on task: how long a learner studied, worked out from what their records keep.

The records keep, for each lesson, when the learner first opened it and when they marked it as
read, and for each attempt (a quiz, a lesson's check questions, a review session) when it started
and when it was submitted, or for one never submitted, when its last answer came. Time on task
adds up:

- each lesson marked as read: from first opened to marked read, at most
  :data:`MAX_LESSON_MINUTES` (a lesson left open overnight counts half an hour, not a night);
- each attempt: from its start to its submission or last answer, at most
  :data:`MAX_ATTEMPT_MINUTES`.

A lesson opened but never marked read counts nothing, nor does an attempt without an answer or a
submission. A span that ends before it starts (a clock stepped back) counts nothing. The progress
page shows this figure and a certificate prints it. Pure: the store passes the times in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

MAX_LESSON_MINUTES = 30
MAX_ATTEMPT_MINUTES = 90


def _span(start: datetime, end: datetime | None, most: timedelta) -> timedelta:
    if end is None:
        return timedelta(0)
    return min(max(end - start, timedelta(0)), most)


def time_on_task(
    *,
    lessons: Iterable[tuple[datetime, datetime | None]],
    attempts: Iterable[tuple[datetime, datetime | None]],
) -> timedelta:
    """How long a learner studied (see the module docstring for the rule).

    Args:
        lessons: ``(first opened, marked read or None)`` for each lesson the learner opened.
        attempts: ``(started, submitted or last answer, or None)`` for each of their attempts.
    """
    lesson_cap = timedelta(minutes=MAX_LESSON_MINUTES)
    attempt_cap = timedelta(minutes=MAX_ATTEMPT_MINUTES)
    studied = sum((_span(opened, read, lesson_cap) for opened, read in lessons), timedelta(0))
    return studied + sum((_span(started, ended, attempt_cap) for started, ended in attempts), timedelta(0))
