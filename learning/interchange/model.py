"""What every reader and writer of :mod:`learning.interchange` passes around.

A reader turns a file into :class:`Parsed`: one :class:`Draft` per question it understood (the
question's fields in bank-file shape, as far as the format carries them, with the line it
starts on), a :class:`Skipped` for each question the bank cannot hold, and :class:`Notice`
warnings. :func:`learning.interchange.build.build` then fills what the format had no place for
(lesson, section, objectives, status, ids, missing feedback), validates each question against
the pydantic models and gives an :class:`ImportReport`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from learning.questions import QuestionBase, Status


class Format(enum.StrEnum):
    GIFT = "gift"
    MOODLE_XML = "moodle-xml"
    CSV = "csv"


class OnConflict(enum.StrEnum):
    """What an import does with a question whose id the bank already has (or once had)."""

    SKIP = "skip"
    UPDATE = "update"
    RENAME = "rename"


class Skipped(BaseModel):
    """A question in the file that was not imported, and why."""

    model_config = ConfigDict(frozen=True)

    line: int | None = Field(description="The line the question starts on (its number in the file for formats without lines).")
    name: str
    reason: str


class Notice(BaseModel):
    """A warning about a question that was imported (or about the file): worth a look, not a stop."""

    model_config = ConfigDict(frozen=True)

    line: int | None
    name: str
    message: str


@dataclass
class Draft:
    """One question as a reader understood it, before the bank's defaults and checks.

    ``fields`` is in bank-file shape (``type``, ``prompt``, ``options``...). A feedback or
    explanation the file did not give is left out (or None); :func:`build` supplies one and
    says so. ``meta`` holds this module's own fields when the file carries them (the GIFT
    comment line, Moodle XML's idnumber and tags): lesson, section, objectives, id, version...
    """

    line: int | None
    name: str
    fields: dict[str, Any]
    category: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    """What a reader got out of one file."""

    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


class ImportOptions(BaseModel):
    """What the instructor chose for an import; the lesson applies where the file names none."""

    model_config = ConfigDict(frozen=True)

    lesson: str
    section: str | None = None
    objectives: list[str] = Field(default_factory=list)
    status: Status = Status.DRAFT
    on_conflict: OnConflict = OnConflict.SKIP


class ImportReport(BaseModel):
    """The result of reading a file: the questions as the bank will store them, and every problem.

    ``updates`` lists the ids of questions that replace ones already in the bank
    (``--on-conflict update``); the rest are new.
    """

    model_config = ConfigDict(frozen=True)

    format: Format
    questions: list[QuestionBase] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)
    updates: list[str] = Field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.questions)

    def as_json(self) -> dict[str, Any]:
        """The ``--report json`` object: imported, skipped, warnings and questions as the bank stores them."""
        from learning.questions import dump_question

        return {
            "imported": self.imported,
            "skipped": [s.model_dump() for s in self.skipped],
            "warnings": [w.model_dump() for w in self.warnings],
            "questions": [dump_question(q) for q in self.questions],
        }


class Adjustment(BaseModel):
    """A value a writer had to change for the target format (a weight snapped to Moodle's list)."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    where: str
    given: float
    written: float


class Exported(BaseModel):
    """A written file and what the writer had to change or leave out to write it."""

    model_config = ConfigDict(frozen=True)

    format: Format
    content: bytes
    adjustments: list[Adjustment] = Field(default_factory=list)
    left_out: list[Skipped] = Field(default_factory=list)

    @property
    def media_type(self) -> str:
        return {Format.GIFT: "text/plain", Format.MOODLE_XML: "application/xml", Format.CSV: "text/csv"}[self.format]

    @property
    def suffix(self) -> str:
        return {Format.GIFT: ".gift.txt", Format.MOODLE_XML: ".xml", Format.CSV: ".csv"}[self.format]
