"""The rules screens only call: what to do next, and when a quiz unlocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from learning.quiz import REVIEW_ID, QuizSpec, check_spec, review_spec
from learning.study import NextStep, StepKind, next_step
from tests.conftest import NOW


@dataclass
class Lesson:
    lesson_id: str
    opened_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass
class Open:
    spec: QuizSpec


PRACTICE = QuizSpec(id="practice-goals", title="Practice")
GONE = QuizSpec(id="practice-retired", title="A quiz no longer in the course")
RUNNABLE = {"practice-goals", REVIEW_ID}
EARLY, LATE = NOW, NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("unfinished", "lessons", "expected"),
    [
        ([], [Lesson("a"), Lesson("b")], NextStep(kind=StepKind.START, lesson_id="a")),
        ([], [Lesson("a", EARLY, EARLY), Lesson("b")], NextStep(kind=StepKind.START, lesson_id="b")),
        ([], [Lesson("a", EARLY), Lesson("b", LATE)], NextStep(kind=StepKind.CONTINUE, lesson_id="b")),
        ([], [Lesson("a", LATE), Lesson("b", EARLY)], NextStep(kind=StepKind.CONTINUE, lesson_id="a")),
        ([], [Lesson("a", EARLY, EARLY)], NextStep(kind=StepKind.DONE)),
        ([], [], NextStep(kind=StepKind.NO_LESSONS)),  # never "every lesson read" in a course without lessons
        ([Open(PRACTICE)], [Lesson("a")], NextStep(kind=StepKind.RESUME, quiz_id="practice-goals")),
        ([Open(review_spec()), Open(PRACTICE)], [Lesson("a")], NextStep(kind=StepKind.RESUME, quiz_id=REVIEW_ID)),
        # a lesson's check questions are resumed in the lesson, and a quiz gone from the course cannot be opened
        ([Open(check_spec("a", "A")), Open(GONE)], [Lesson("a", EARLY)], NextStep(kind=StepKind.CONTINUE, lesson_id="a")),
    ],
)
def test_next_step(unfinished, lessons, expected) -> None:
    assert next_step(unfinished=unfinished, lessons=lessons, runnable=RUNNABLE) == expected


@pytest.mark.parametrize(
    ("lessons", "read", "unlocked"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a"], False),
        (["a", "b"], ["a", "b", "gone"], True),
        ([], [], False),  # an empty or broken course never unlocks the final exam
    ],
)
def test_the_final_exam_unlocks_when_every_lesson_is_read(lessons, read, unlocked) -> None:
    final = QuizSpec(id="final", title="Final", kind="final_exam", requires_lessons_read=True)
    assert final.is_unlocked(lessons=lessons, read=read) is unlocked
    assert QuizSpec(id="open", title="Open").is_unlocked(lessons=[], read=[])


def test_checks_and_reviews_are_kinds_kept_out_of_quiz_history() -> None:
    assert not check_spec("goals", "Goals").kind.counts_as_a_quiz
    assert not review_spec().kind.counts_as_a_quiz
    assert PRACTICE.kind.counts_as_a_quiz
