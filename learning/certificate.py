"""Certificates of completion: who may have one, what it says, its verification code, and all
that the public verification page may say about a code.

A learner may have a certificate once they have read every lesson
(:func:`learning.quiz.read_every_lesson`) and passed a final exam (the store asks
:func:`learning.store.attempts.standing_of`, the owner of "passed"). What it prints is frozen when
it is issued: the learner's name, the course's title, the day they passed, their score on that
attempt, their time on task (:mod:`learning.time_on_task`) and the objectives the course's units
cover. The school's name and the address of the verification page are settings, printed as they
are when the certificate is downloaded.

A verification code is 20 characters of a 32-letter alphabet without look-alikes (no I, O, 0 or 1):
100 random bits, shown in five groups of four (``7KQM-3XZ9-PH2D-W8RT-C4NB``). Nobody guesses one,
and the verification page's lookups are throttled besides. Pure: no I/O, no clock.
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict

from learning.course import Course
from learning.quiz import read_every_lesson

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
"""Characters in a code: 20 of 32 letters carry 100 random bits."""
GROUP = 4
LEARNER_CAN = "The learner can "
"""How each of the syllabus's objectives starts; a certificate says "the holder can" once instead."""


def new_code() -> str:
    """A new verification code, as stored (no dashes): 100 bits from the system's secure source."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """A stored code as printed and typed, in groups of four: ``7KQM-3XZ9-PH2D-W8RT-C4NB``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normal_code(typed: str) -> str | None:
    """A code as someone typed or pasted it (any case, dashes and spaces anywhere), as stored;
    None when it cannot be a code at all (wrong length or letters)."""
    cleaned = re.sub(r"[\s\-_.]", "", typed[:200]).upper()
    if len(cleaned) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in cleaned):
        return None
    return cleaned


def verify_url(base_url: str, code: str) -> str:
    """The address of the verification page for a code: ``https://school.example/verify?code=...``."""
    return f"{base_url.rstrip('/')}/verify?{urlencode({'code': shown_code(code)})}"


def eligible(*, lessons: Iterable[str], read: Iterable[str], passed_final: bool) -> bool:
    """Whether a learner may have a certificate: every lesson of the course read, and a final exam passed."""
    return passed_final and read_every_lesson(lessons=lessons, read=read)


class UnitObjectives(BaseModel):
    """One unit of the course and the objectives its lessons teach, as a certificate prints them."""

    model_config = ConfigDict(frozen=True)

    unit: str
    objectives: list[str]


def holder_can(text: str) -> str:
    """An objective as a certificate lists it, under "The holder can": ``The learner can state
    the aim`` becomes ``State the aim``; other wordings are kept whole."""
    if text.startswith(LEARNER_CAN) and len(text) > len(LEARNER_CAN):
        rest = text[len(LEARNER_CAN) :]
        return rest[0].upper() + rest[1:]
    return text


def objectives_by_unit(course: Course) -> list[UnitObjectives]:
    """The objectives the course's lessons teach, unit by unit in the syllabus's order, in the
    order the lessons name them; each once, under the first unit that teaches it. An objective the
    syllabus no longer has is left out."""
    if course.syllabus is None:
        return []
    covered = []
    seen: set[str] = set()
    for unit in course.units:
        ids = [o for o in dict.fromkeys(o for lesson in course.lessons_in(unit.id) for o in lesson.objectives) if o not in seen]
        seen.update(ids)
        texts = [found.text for o in ids if (found := course.syllabus.find_objective(o)) is not None]
        if texts:
            covered.append(UnitObjectives(unit=unit.title, objectives=[holder_can(t) for t in texts]))
    return covered


def hours_words(minutes: int) -> str:
    """Time on task as a certificate prints it, to the tenth of an hour: "0.5 hours", "1 hour", "14.2 hours"."""
    hours = round(minutes / 60, 1)
    shown = f"{hours:.1f}".removesuffix(".0")
    return f"{shown} hour" if shown == "1" else f"{shown} hours"


def score_words(score: float) -> str:
    """A score from 0 to 1 as a whole percentage: "87%"."""
    return f"{round(score * 100)}%"


def date_words(day: date) -> str:
    """A date as printed: "2 March 2026"."""
    return f"{day.day} {day:%B %Y}"


class Certificate(BaseModel):
    """A certificate of completion as issued."""

    model_config = ConfigDict(frozen=True)

    code: str
    learner_id: int
    learner_name: str
    course_title: str
    passed_on: date
    score: float
    minutes_studied: int
    objectives: list[UnitObjectives]
    issued_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str = ""

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class Verdict(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


class Verification(BaseModel):
    """What the public verification page says about a code: for a valid certificate the name,
    course, date and score, and nothing else; for a revoked or unknown one only that."""

    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    learner_name: str | None = None
    course_title: str | None = None
    passed_on: date | None = None
    score: float | None = None

    @classmethod
    def of(cls, certificate: Certificate | None) -> Verification:
        if certificate is None:
            return cls(verdict=Verdict.UNKNOWN)
        if certificate.revoked:
            return cls(verdict=Verdict.REVOKED)
        return cls(
            verdict=Verdict.VALID,
            learner_name=certificate.learner_name,
            course_title=certificate.course_title,
            passed_on=certificate.passed_on,
            score=certificate.score,
        )
