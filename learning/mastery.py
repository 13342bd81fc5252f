"""Mastery of objectives and the status of lessons: pure rules, no I/O and no clock.

Mastery of an objective is a recency-weighted mean of the learner's scores on the questions
that test it: the newest answer weighs 1, the one before it 0.7, the one before that 0.49, and so
on (weight 0.7^k for the k-th newest). An objective counts as mastered at 80% or more with at
least two answers. Which answers count (every practice answer; exam answers once the attempt is
submitted; only the last of a changed exam answer) is the store's query; these rules take the
counted answers, newest first.

A lesson is *not started* until it is marked read, *read* once marked read, *practised* once any
of its questions has a counted answer, and *mastered* when every one of its objectives is.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

DECAY = 0.7
MASTERED_AT = 0.8
MIN_EVIDENCE = 2


class LessonStatus(enum.StrEnum):
    NOT_STARTED = "not started"
    READ = "read"
    PRACTISED = "practised"
    MASTERED = "mastered"


class ObjectiveMastery(BaseModel):
    """A learner's mastery of one objective (0 to 1, rounded to four places) and its evidence."""

    model_config = ConfigDict(frozen=True)

    objective: str
    mastery: float
    answers: int

    @property
    def mastered(self) -> bool:
        return self.mastery >= MASTERED_AT and self.answers >= MIN_EVIDENCE


def mastery_of(scores_newest_first: Iterable[float]) -> tuple[float, int]:
    """The recency-weighted mean of scores given newest first, and how many there were."""
    total = weight_sum = 0.0
    count = 0
    weight = 1.0
    for score in scores_newest_first:
        total += weight * score
        weight_sum += weight
        weight *= DECAY
        count += 1
    return (total / weight_sum if weight_sum else 0.0), count


def objective_mastery(answers_newest_first: Iterable[tuple[Iterable[str], float]], objective_ids: Iterable[str]) -> list[ObjectiveMastery]:
    """Mastery of each objective in ``objective_ids`` (in that order) from counted answers.

    Args:
        answers_newest_first: ``(objectives the question tested, score)`` for each counted
            answer, the newest first. An answer counts once for each objective it tested.
        objective_ids: the objectives to report; one with no answers has mastery 0.
    """
    scores: dict[str, list[float]] = defaultdict(list)
    for objectives, score in answers_newest_first:
        for objective in objectives:
            scores[objective].append(score)
    result = []
    for objective in objective_ids:
        value, count = mastery_of(scores.get(objective, ()))
        result.append(ObjectiveMastery(objective=objective, mastery=round(value, 4), answers=count))
    return result


def lesson_status(objectives: Sequence[ObjectiveMastery], *, practised: bool, read: bool) -> LessonStatus:
    """A lesson's status from the mastery of its objectives and what the learner has done.

    Args:
        objectives: the mastery of the lesson's objectives (none: it cannot be mastered).
        practised: any of the lesson's questions has a counted answer.
        read: the learner has marked the lesson as read.
    """
    if objectives and all(m.mastered for m in objectives):
        return LessonStatus.MASTERED
    if practised:
        return LessonStatus.PRACTISED
    if read:
        return LessonStatus.READ
    return LessonStatus.NOT_STARTED


def lesson_mastery(objectives: Sequence[ObjectiveMastery]) -> float:
    """A lesson's mastery: the plain mean of its objectives' mastery (0 with none), to four places."""
    return round(sum(m.mastery for m in objectives) / len(objectives), 4) if objectives else 0.0
