"""What a learner should do next: the rule behind "Continue where you left off", and which
quizzes the course map shows them.

Pure: the screens pass in the learner's unfinished attempts, lesson progress and classes (read
from the store) and show what this returns.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from learning.quiz import QuizKind, QuizSpec


class LessonState(Protocol):
    lesson_id: str
    opened_at: datetime | None
    completed_at: datetime | None


class Unfinished(Protocol):
    @property
    def spec(self) -> QuizSpec: ...


class StepKind(enum.StrEnum):
    RESUME = "resume"  # an unfinished quiz or review
    CONTINUE = "continue"  # a lesson opened but not marked as read
    START = "start"  # the first unread lesson
    DONE = "done"  # every lesson read
    NO_LESSONS = "no_lessons"  # the course has no lessons to read (its files have problems)


class NextStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: StepKind
    quiz_id: str | None = None
    lesson_id: str | None = None


def next_step(*, unfinished: Sequence[Unfinished], lessons: Sequence[LessonState], runnable: set[str]) -> NextStep:
    """The learner's next step: resume the newest unfinished quiz or review they can open
    (``runnable`` quiz ids; a lesson's check questions are resumed in the lesson), else the
    lesson they opened most recently without finishing, else the first unread lesson in course
    order (``lessons`` is in course order), else done; but never done in a course without
    lessons, where there is nothing to have read.
    """
    for attempt in unfinished:
        if attempt.spec.kind is not QuizKind.CHECK and attempt.spec.id in runnable:
            return NextStep(kind=StepKind.RESUME, quiz_id=attempt.spec.id)
    unread = [lesson for lesson in lessons if lesson.completed_at is None]
    opened = [lesson for lesson in unread if lesson.opened_at is not None]
    if opened:
        latest = max(opened, key=lambda lesson: lesson.opened_at or datetime.min)
        return NextStep(kind=StepKind.CONTINUE, lesson_id=latest.lesson_id)
    if unread:
        return NextStep(kind=StepKind.START, lesson_id=unread[0].lesson_id)
    return NextStep(kind=StepKind.DONE if lessons else StepKind.NO_LESSONS)


def quizzes_for(quizzes: Sequence[QuizSpec], *, class_ids: Iterable[int], instructor: bool) -> list[QuizSpec]:
    """The quizzes a person sees: an instructor every one (to try them); a learner those for
    everyone and those set for one of their classes."""
    mine = set(class_ids)
    return [quiz for quiz in quizzes if instructor or quiz.visible_to(mine)]


def assigned(quizzes: Sequence[QuizSpec], *, lesson_ids: Iterable[str]) -> list[QuizSpec]:
    """The quizzes the course map lists on their own, soonest due first: every quiz but the unit
    tests and final exams (which have their place on the map) and each lesson's own practice
    quiz (``practice-LESSON``, offered at the end of the lesson)."""
    own_place = {f"practice-{lesson}" for lesson in lesson_ids}
    listed = [q for q in quizzes if q.kind not in (QuizKind.UNIT_TEST, QuizKind.FINAL_EXAM) and q.id not in own_place]
    return sorted(listed, key=lambda q: (q.closes_at is None, q.closes_at or datetime.min, q.title))
