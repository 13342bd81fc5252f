"""Spaced-review rules: ratings, the first and next reviews, and the exam date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fsrs import Rating

from learning.spacing import card_id, effective_due, exam_date_for, rating_for, review
from tests.conftest import NOW


@pytest.mark.parametrize(
    ("correct", "confidence", "rating"),
    [
        (False, None, Rating.Again),
        (False, "easy", Rating.Again),  # feeling sure does not make a wrong answer right
        (True, None, Rating.Good),
        (True, "good", Rating.Good),
        (True, "hard", Rating.Hard),
        (True, "easy", Rating.Easy),
    ],
)
def test_rating(correct: bool, confidence: str | None, rating: Rating) -> None:
    assert rating_for(correct=correct, confidence=confidence) is rating


def test_a_wrong_answer_comes_back_sooner_than_a_right_one() -> None:
    wrong, log = review(None, user_id=1, question_id="q", correct=False, confidence=None, now=NOW)
    right, _ = review(None, user_id=1, question_id="q", correct=True, confidence=None, now=NOW)
    easy, _ = review(None, user_id=1, question_id="q", correct=True, confidence="easy", now=NOW)
    assert NOW < wrong.due < right.due < easy.due
    assert log.rating is Rating.Again and wrong.card_id == card_id(1, "q")
    again, _ = review(right, user_id=1, question_id="q", correct=True, confidence=None, now=right.due)
    assert again.due - right.due > right.due - NOW  # each right answer spaces the next review further out


@pytest.mark.parametrize(
    ("due", "exam", "expected"),
    [
        (NOW + timedelta(days=30), None, NOW + timedelta(days=30)),
        (NOW + timedelta(days=30), date(2026, 3, 10), "2026-03-09T00:00:00+00:00"),  # brought forward to the day before
        (NOW + timedelta(days=3), date(2026, 3, 10), NOW + timedelta(days=3)),  # already before the exam
        (NOW + timedelta(days=30), date(2026, 3, 2), NOW + timedelta(days=30)),  # the exam is today: nothing to bring forward
    ],
)
def test_an_exam_date_brings_reviews_forward(due, exam, expected) -> None:
    when = effective_due(due, exam, NOW)
    assert (when.isoformat() if isinstance(expected, str) else when) == expected


TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("own", "classes", "expected"),
    [
        (None, [], None),
        (date(2026, 4, 1), [date(2026, 3, 20)], date(2026, 4, 1)),  # the learner's own date wins over a nearer class date
        (date(2026, 3, 10), [date(2026, 4, 1)], date(2026, 3, 10)),  # and over a later one
        (TODAY, [date(2026, 4, 1)], TODAY),  # on the day itself it still counts
        (date(2026, 2, 1), [date(2026, 4, 1)], date(2026, 4, 1)),  # their own has passed: the class's ahead counts
        (None, [date(2026, 5, 1), date(2026, 3, 20), date(2026, 1, 5)], date(2026, 3, 20)),  # the nearest class date ahead
        (None, [date(2026, 1, 5), date(2026, 2, 5)], date(2026, 2, 5)),  # none ahead: the latest passed, to say so
        (date(2026, 2, 20), [date(2026, 2, 5)], date(2026, 2, 20)),
        (None, [None], None),
    ],
)
def test_which_exam_date_counts(own, classes, expected) -> None:
    assert exam_date_for(own, classes, TODAY) == expected
