"""The class status rule and the gradebook CSV (safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from learning.gradebook import ClassStatus, QuizCell, QuizColumn, RosterRow, Standing, class_status, gradebook_csv
from learning.spreadsheet import spreadsheet_safe
from tests.conftest import NOW

YESTERDAY = NOW - timedelta(days=1)


@pytest.mark.parametrize(
    ("facts", "status", "reason"),
    [
        ({"last_active": None}, ClassStatus.NOT_STARTED, "no lesson opened, no question answered"),
        ({"last_active": None, "final_passed": True}, ClassStatus.PASSED, "passed the final exam"),
        ({"final_passed": True, "missed": ["Unit test"]}, ClassStatus.PASSED, "passed the final exam"),
        ({}, ClassStatus.ON_TRACK, ""),
        ({"missed": ["Unit test 1"]}, ClassStatus.BEHIND, "missed Unit test 1"),
        ({"missed": ["A", "B"], "failed": ["C"]}, ClassStatus.BEHIND, "missed A and B; out of attempts at C"),
        ({"last_active": NOW - timedelta(days=13, hours=23)}, ClassStatus.ON_TRACK, ""),
        ({"last_active": NOW - timedelta(days=14)}, ClassStatus.BEHIND, "not active for 14 days"),
        ({"exam_date": date(2026, 3, 10), "lessons_read": 8}, ClassStatus.BEHIND, "exam in 7 days with 2 lessons unread"),
        ({"exam_date": date(2026, 3, 10), "lessons_read": 10}, ClassStatus.ON_TRACK, ""),
        ({"exam_date": date(2026, 4, 30), "lessons_read": 0}, ClassStatus.ON_TRACK, ""),  # far off
        ({"exam_date": date(2026, 3, 1), "lessons_read": 0}, ClassStatus.ON_TRACK, ""),  # already past
    ],
)
def test_class_status(facts, status, reason) -> None:
    given = {"now": NOW, "last_active": YESTERDAY, "final_passed": False, "lessons_read": 0, "lessons_total": 10, **facts}
    assert class_status(**given) == Standing(status=status, reason=reason)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Sam Rivera", "Sam Rivera"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(cell, safe) -> None:
    assert spreadsheet_safe(cell) == safe


def test_the_gradebook_csv_neutralises_every_typed_cell_and_keeps_numbers() -> None:
    row = RosterRow(
        learner_id=1,
        username="sam",
        display_name="=cmd|' /C calc'!A0",
        last_active=NOW,
        lessons_read=3,
        mastery_by_unit={"basics": 0.456},
        reviews_due=2,
        quizzes={"q1": QuizCell(counted=0.75, attempts_used=2, attempts_allowed=3)},
        final_exam=None,
        standing=Standing(status=ClassStatus.BEHIND, reason="-missed Quiz"),
    )
    quizzes = [QuizColumn(id="q1", title="@Unit test"), QuizColumn(id="q2", title="Final")]
    text = gradebook_csv([row], quizzes, [("basics", "+Basics")])
    header, line = list(csv.reader(io.StringIO(text)))
    assert header == [
        "username",
        "name",
        "status",
        "why",
        "last_active_utc",
        "lessons_read",
        "reviews_due",
        "mastery +Basics (basics) %",
        "'@Unit test (q1) %",
        "'@Unit test (q1) attempts",
        "Final (q2) %",
        "Final (q2) attempts",
    ]
    assert line == ["sam", "'=cmd|' /C calc'!A0", "behind", "'-missed Quiz", "2026-03-02 09:30", "3", "2", "46", "75.0", "2", "", "0"]
