"""What an import or an export does, in the words and rows people read: the preview table of an
import (each question as it will be stored, new or an update), and the name of an exported file.

The app's import page and bank page show these; nothing here reads or writes a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from learning import render
from learning.interchange.model import Format, ImportReport

FORMAT_NAMES = {Format.GIFT: "GIFT", Format.MOODLE_XML: "Moodle XML", Format.CSV: "CSV"}
"""Each format's name as people know it."""

PROMPT_WORDS = 12
"""How many words of a prompt the preview shows."""

_FILE_NAME_PART = re.compile(r"[^a-z0-9]+")
_NAMED_FILTERS = ("lesson", "objective", "type", "status", "tag")


def first_words(text: str, limit: int = PROMPT_WORDS) -> str:
    """The first ``limit`` words of a prompt, as the preview shows it (see :func:`learning.render.first_words`)."""
    return render.first_words(text, limit)


def preview_rows(report: ImportReport) -> list[dict[str, object]]:
    """One row per question an import will store, columns in the order the preview shows them.

    ``action`` is "update" for a question that replaces the bank's question of the same id
    (a new version of it), else "new".
    """
    updates = set(report.updates)
    return [
        {
            "id": question.id,
            "prompt": first_words(question.prompt),
            "action": "update" if question.id in updates else "new",
            "type": question.type.replace("_", " "),
            "lesson": question.lesson,
            "section": question.section,
            "status": question.status.value,
        }
        for question in report.questions
    ]


def export_file_name(query: Mapping[str, str], *, day: date, suffix: str) -> str:
    """The name an exported file is offered under: what the filter chose, the day and the format's
    suffix, such as ``question-bank-goals-draft-2025-03-14.gift.txt``.

    Args:
        query: the question bank's filter as it stands in the address (lesson, status, ...).
        suffix: the format's (:attr:`learning.interchange.Exported.suffix`).
    """
    parts = ["question-bank"]
    for name in _NAMED_FILTERS:
        value = _FILE_NAME_PART.sub("-", query.get(name, "").lower()).strip("-")
        if value:
            parts.append(value[:40])
    if query.get("critical") == "yes":
        parts.append("critical")
    elif query.get("critical") == "no":
        parts.append("not-critical")
    if query.get("q", "").strip():
        parts.append("search")
    parts.append(day.isoformat())
    return "-".join(parts) + suffix
