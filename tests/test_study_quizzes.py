"""Which quizzes the course map shows a person, as a table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learning import QuizSpec
from learning.study import assigned, quizzes_for

OPEN = QuizSpec(id="open", title="Open to all")
MONDAY = QuizSpec(id="monday", title="Monday", classes=[1], closes_at=datetime(2026, 3, 20, tzinfo=UTC))
SATURDAY = QuizSpec(id="saturday", title="Saturday", classes=[2], closes_at=datetime(2026, 3, 10, tzinfo=UTC))
UNIT = QuizSpec(id="unit", title="Unit", kind="unit_test", classes=[1])
LATER = QuizSpec(id="later", title="Later", opens_at=datetime(2026, 4, 1, tzinfo=UTC))
ALL = [OPEN, MONDAY, SATURDAY, UNIT, LATER]


@pytest.mark.parametrize(
    ("class_ids", "instructor", "expected"),
    [
        ([], False, ["open", "later"]),
        ([1], False, ["open", "monday", "unit", "later"]),
        ([2], False, ["open", "saturday", "later"]),
        ([1, 2], False, ["open", "monday", "saturday", "unit", "later"]),
        ([], True, ["open", "monday", "saturday", "unit", "later"]),
    ],
)
def test_quizzes_for(class_ids, instructor, expected) -> None:
    assert [q.id for q in quizzes_for(ALL, class_ids=class_ids, instructor=instructor)] == expected


def test_assigned_lists_quizzes_without_a_place_of_their_own_soonest_due_first() -> None:
    lesson_quiz = QuizSpec(id="practice-goals", title="Goals practice", lessons=["goals"])
    listed = assigned([*ALL, lesson_quiz], lesson_ids=["goals"])
    assert [q.id for q in listed] == ["saturday", "monday", "later", "open"]
