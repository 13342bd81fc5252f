"""A quiz's window (opens_at, closes_at) and the classes it is set for, as tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from learning import QuizSpec, Window
from tests.conftest import NOW

OPENS = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
CLOSES = datetime(2026, 3, 16, 17, 0, tzinfo=UTC)


def spec(**changes) -> QuizSpec:
    return QuizSpec.model_validate({"id": "week-one", "title": "Week one", **changes})


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "now", "expected"),
    [
        (None, None, NOW, Window.OPEN),
        (OPENS, None, OPENS - timedelta(seconds=1), Window.BEFORE),
        (OPENS, None, OPENS, Window.OPEN),
        (OPENS, None, CLOSES + timedelta(days=300), Window.OPEN),
        (None, CLOSES, OPENS - timedelta(days=300), Window.OPEN),
        (None, CLOSES, CLOSES - timedelta(seconds=1), Window.OPEN),
        (None, CLOSES, CLOSES, Window.CLOSED),
        (OPENS, CLOSES, OPENS - timedelta(days=1), Window.BEFORE),
        (OPENS, CLOSES, OPENS + timedelta(days=1), Window.OPEN),
        (OPENS, CLOSES, CLOSES + timedelta(days=1), Window.CLOSED),
        # The same moment told in another zone is the same moment.
        (OPENS, CLOSES, datetime(2026, 3, 9, 9, 30, tzinfo=timezone(timedelta(hours=2))), Window.BEFORE),
    ],
)
def test_window(opens_at, closes_at, now, expected) -> None:
    assert spec(opens_at=opens_at, closes_at=closes_at).window(now) is expected


@pytest.mark.parametrize(
    ("classes", "learner_classes", "visible"),
    [
        ([], [], True),
        ([], [3], True),
        ([3], [3], True),
        ([3, 4], [4, 9], True),
        ([3], [], False),
        ([3], [4], False),
    ],
)
def test_visible_to(classes, learner_classes, visible) -> None:
    assert spec(classes=classes).visible_to(learner_classes) is visible


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"opens_at": CLOSES, "closes_at": OPENS}, "closes_at", "must be after the opening time"),
        ({"opens_at": OPENS, "closes_at": OPENS}, "closes_at", "must be after the opening time"),
        ({"closes_at": "2026-03-16T17:00:00"}, "closes_at", "timezone-aware"),
        ({"classes": [0]}, "classes", "greater than or equal to 1"),
    ],
)
def test_invalid_windows_and_classes(changes, field, message) -> None:
    with pytest.raises(ValidationError) as raised:
        spec(**changes)
    assert message in str(raised.value)
    assert field in str(raised.value)


def test_times_are_kept_in_utc_and_round_trip() -> None:
    made = spec(opens_at="2026-03-09T10:00:00+02:00", closes_at="2026-03-16T17:00:00Z", classes=[2])
    assert made.opens_at == OPENS and made.opens_at.tzinfo is UTC
    assert QuizSpec.model_validate(made.model_dump(mode="json")) == made


@pytest.mark.parametrize(
    ("changes", "scheduled"),
    [({}, False), ({"classes": [1]}, True), ({"opens_at": OPENS}, True), ({"closes_at": CLOSES}, True)],
)
def test_scheduled(changes, scheduled) -> None:
    assert spec(**changes).scheduled is scheduled
