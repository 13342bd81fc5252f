"""Time on task, worked out by hand: what a lesson and an attempt add, and what they do not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learning.time_on_task import time_on_task
from tests.conftest import NOW


def at(minutes: float):
    return NOW + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("lessons", "attempts", "minutes"),
    [
        ([], [], 0),
        ([(at(0), at(12))], [], 12),  # a lesson read in 12 minutes
        ([(at(0), None)], [], 0),  # opened, never marked read: nothing
        ([(at(0), at(600))], [], 30),  # left open for ten hours: half an hour at most
        ([(at(10), at(5))], [], 0),  # marked read "before" it was opened (a clock stepped back): nothing
        ([], [(at(0), at(25))], 25),  # a quiz submitted after 25 minutes
        ([], [(at(0), None)], 0),  # started, no answer and not submitted
        ([], [(at(0), at(240))], 90),  # a quiz left open all afternoon: an hour and a half at most
        ([], [(at(30), at(20))], 0),
        # Hand-worked: lessons 12 + 30 (capped from 45) + 0 (unread) = 42; attempts 25 + 90 (capped from 120) + 3 = 118; total 160.
        (
            [(at(0), at(12)), (at(20), at(65)), (at(70), None)],
            [(at(100), at(125)), (at(200), at(320)), (at(400), at(403))],
            160,
        ),
    ],
)
def test_time_on_task(lessons, attempts, minutes) -> None:
    assert time_on_task(lessons=lessons, attempts=attempts) == timedelta(minutes=minutes)
