"""Questions in and out of the bank: GIFT, Moodle XML and CSV, both ways.

Each format has a module with two functions: ``parse(text, media) -> Parsed`` reads a file into
drafts (every question the bank cannot hold reported by name and line), and
``write(questions, media) -> Exported`` writes questions out (every value it had to change or
leave out reported). :func:`read` is the one way in: limits, format detection, the format's
reader, then :func:`learning.interchange.build.build`, which owns every default and check.
:func:`export` is the one way out. Saving imported questions is the store's
(:meth:`learning.store.authoring.Authoring.import_questions`); nothing here writes the bank.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from importlib import import_module
from typing import Protocol

from learning.course import Course
from learning.interchange.build import build
from learning.interchange.limits import check_count, decode
from learning.interchange.media import MediaStore
from learning.interchange.model import (
    Adjustment,
    Draft,
    Exported,
    Format,
    ImportOptions,
    ImportReport,
    Notice,
    OnConflict,
    Parsed,
    Skipped,
)
from learning.questions import QuestionBase

__all__ = [
    "Adjustment",
    "Draft",
    "Exported",
    "Format",
    "ImportOptions",
    "ImportReport",
    "MediaStore",
    "Notice",
    "OnConflict",
    "Parsed",
    "Skipped",
    "detect",
    "export",
    "parse",
    "read",
]


class _FormatModule(Protocol):
    def parse(self, text: str, media: MediaStore) -> Parsed: ...

    def write(self, questions: Sequence[QuestionBase], media: MediaStore) -> Exported: ...


_MODULES = {
    Format.GIFT: "learning.interchange.gift",
    Format.MOODLE_XML: "learning.interchange.moodle_xml",
    Format.CSV: "learning.interchange.csv_file",
}
_XML_START = re.compile(r"\s*(?:<\?xml|<quiz\b|<!DOCTYPE)", re.IGNORECASE)


def _module(fmt: Format) -> _FormatModule:
    module: _FormatModule = import_module(_MODULES[fmt])  # each module has parse and write
    return module


def detect(text: str) -> Format:
    """The format of a file from its content: XML is Moodle XML; a first line that is a CSV
    header with a ``type`` and a ``prompt`` column (separated by commas, semicolons or tabs) is
    CSV; anything else is read as GIFT."""
    if _XML_START.match(text):
        return Format.MOODLE_XML
    first = next((line for line in text.splitlines() if line.strip()), "")
    columns = {cell.strip().strip('"').lower() for cell in re.split(r"[,;\t]", first)}
    if {"type", "prompt"} <= columns:
        return Format.CSV
    return Format.GIFT


def parse(data: bytes, *, fmt: Format | None = None, media: MediaStore | None = None) -> tuple[Format, Parsed]:
    """Read a file's bytes into drafts, after the size and encoding limits.

    Raises:
        InterchangeError: the file is too big, not UTF-8, truncated, hostile or holds too many questions.
    """
    text = decode(data)
    chosen = fmt or detect(text)
    parsed = _module(chosen).parse(text, media or MediaStore(None))
    check_count(len(parsed.drafts) + len(parsed.skipped))
    return chosen, parsed


def read(
    data: bytes,
    options: ImportOptions,
    course: Course,
    *,
    fmt: Format | None = None,
    media: MediaStore | None = None,
    existing: Mapping[str, QuestionBase] | None = None,
    used_ids: Collection[str] = (),
) -> ImportReport:
    """The questions of a file as the bank will store them, and every problem with its line.

    Nothing is written to the bank (images go to ``media`` unless it is a dry run).

    Raises:
        InterchangeError: the file cannot be read at all; the message says why and where.
    """
    chosen, parsed = parse(data, fmt=fmt, media=media)
    return build(parsed, chosen, options, course, existing=existing, used_ids=used_ids)


def export(questions: Sequence[QuestionBase], fmt: Format, media: MediaStore | None = None) -> Exported:
    """``questions`` written in ``fmt``, with what had to change to write them."""
    return _module(fmt).write(questions, media or MediaStore(None))
