"""Editing the question bank, the pure part: readable diffs between versions, the question bank
page's filters and rows, and new question ids.

Nothing here reads a file, the database or the clock: :mod:`learning.store.authoring` saves
and records history, and the screens show what these functions return.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from learning.item_report import AcrossQuizzes
from learning.questions import QuestionBase, QuestionType, Status, dump_question

TEXT_FIELDS = frozenset({"prompt", "scenario", "explanation", "text", "feedback", "feedback_true", "feedback_false", "wrong_feedback"})
"""The fields the text search reads, at any depth (options, items, accepted answers and bands)."""


def canonical_json(question: QuestionBase) -> str:
    """The question as it is written to its bank file, two-space indented."""
    return json.dumps(dump_question(question), indent=2, ensure_ascii=False)


def diff(a: QuestionBase, b: QuestionBase) -> str:
    """A unified diff from ``a`` to ``b`` of their canonical JSON, headed by their versions;
    empty when they are the same."""
    lines = difflib.unified_diff(
        canonical_json(a).splitlines(),
        canonical_json(b).splitlines(),
        fromfile=f"{a.id} version {a.version}",
        tofile=f"{b.id} version {b.version}",
        lineterm="",
    )
    return "\n".join(lines)


def next_id(lesson_id: str, used: Collection[str]) -> str:
    """The next id of the lesson's numbered series (``deep-tissue-13`` after ``deep-tissue-12``),
    past every number ``used`` has for that lesson, so no id is ever given twice."""
    series = re.compile(re.escape(lesson_id) + r"-(\d+)")
    numbers = [int(match[1]) for match in map(series.fullmatch, used) if match]
    number = max(numbers, default=0) + 1
    while f"{lesson_id}-{number:02d}" in used:  # an id like "x-007" beside "x-7"
        number += 1
    return f"{lesson_id}-{number:02d}"


# --- the question bank page -------------------------------------------------------------------


class BankFilter(BaseModel):
    """What the question bank page shows; every field left empty lets every question through.

    It round-trips through the page's URL query (:meth:`from_query`, :meth:`to_query`), so a
    filtered list can be bookmarked.
    """

    model_config = ConfigDict(frozen=True)

    lesson: str | None = None
    objective: str | None = None
    type: QuestionType | None = None
    status: Status | None = None
    critical: bool | None = None
    tag: str | None = None
    text: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> BankFilter:
        """The filter a URL query names; a value that is not one of the choices is ignored."""

        def one_of(enum: type[QuestionType] | type[Status], value: str | None) -> Any:
            return enum(value) if value in {m.value for m in enum} else None

        critical = {"yes": True, "no": False}.get(query.get("critical", ""))
        return cls(
            lesson=query.get("lesson") or None,
            objective=query.get("objective") or None,
            type=one_of(QuestionType, query.get("type")),
            status=one_of(Status, query.get("status")),
            critical=critical,
            tag=query.get("tag") or None,
            text=query.get("q", "").strip(),
        )

    def to_query(self) -> dict[str, str]:
        """The URL query of this filter: only the fields that are set."""
        query = {
            "lesson": self.lesson,
            "objective": self.objective,
            "type": self.type.value if self.type else None,
            "status": self.status.value if self.status else None,
            "critical": None if self.critical is None else ("yes" if self.critical else "no"),
            "tag": self.tag,
            "q": self.text or None,
        }
        return {key: value for key, value in query.items() if value}

    def matches(self, question: QuestionBase) -> bool:
        if self.lesson is not None and question.lesson != self.lesson:
            return False
        if self.objective is not None and self.objective not in question.objectives:
            return False
        if self.type is not None and question.type != self.type.value:
            return False
        if self.status is not None and question.status is not self.status:
            return False
        if self.critical is not None and question.critical is not self.critical:
            return False
        if self.tag is not None and self.tag not in question.tags:
            return False
        if self.text:
            words = searchable_text(question)
            return all(word in words for word in self.text.casefold().split())
        return True


def searchable_text(question: QuestionBase) -> str:
    """The question's prompt, scenario, explanation, options, items, answers and all feedback,
    lower-cased, for the text search."""
    found: list[str] = []

    def walk(value: object, key: str | None) -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif isinstance(value, str) and key in TEXT_FIELDS:
            found.append(value)

    walk(dump_question(question), None)
    return "\n".join(found).casefold()


def filter_questions(questions: Iterable[QuestionBase], chosen: BankFilter) -> list[QuestionBase]:
    """The questions ``chosen`` lets through, in bank order."""
    return [q for q in questions if chosen.matches(q)]


def counts_by_status(questions: Iterable[QuestionBase]) -> dict[Status, int]:
    """How many questions have each status (every status listed, zero included)."""
    found = Counter(q.status for q in questions)
    return {status: found.get(status, 0) for status in Status}


class LastEdit(BaseModel):
    """The newest recorded save of a question."""

    model_config = ConfigDict(frozen=True)

    version: int
    author: str
    saved_at: datetime


def bank_rows(
    questions: Sequence[QuestionBase],
    *,
    last_edits: Mapping[str, LastEdit],
    warnings: Mapping[str, Sequence[str]],
    figures: Mapping[str, AcrossQuizzes] | None = None,
) -> list[dict[str, object]]:
    """One row per question for the question bank table, columns in the order shown.

    Args:
        questions: the questions to list, in the order to list them.
        last_edits: the newest recorded save of each question, by id (a question never saved
            in the app has none).
        warnings: the lint rules each question breaks, by id.
        figures: each question's item statistics averaged over the quizzes that used it; when
            there are any, the rows gain attempts, facility %, discrimination and what needs checking.
    """
    rows: list[dict[str, object]] = []
    for question in questions:
        edit = last_edits.get(question.id)
        statistics = _statistics_cells(figures.get(question.id)) if figures else {}
        rows.append(
            {
                "id": question.id,
                "lesson": f"{question.lesson} › {question.section}",
                "type": question.type.replace("_", " "),
                "objectives": ", ".join(question.objectives),
                "difficulty": question.difficulty.value,
                "critical": question.critical,
                "status": question.status.value,
                "version": question.version,
                "last edited": f"{edit.saved_at:%Y-%m-%d %H:%M} by {edit.author}" if edit else "",
                "lint": ", ".join(warnings.get(question.id, ())),
                **statistics,
            }
        )
    return rows


def _statistics_cells(figures: AcrossQuizzes | None) -> dict[str, object]:
    if figures is None:
        return {"attempts": 0, "facility %": None, "discrimination": None, "needs checking": ""}
    return {
        "attempts": figures.attempts,
        "facility %": None if figures.facility is None else round(100 * figures.facility, 1),
        "discrimination": None if figures.discrimination_index is None else round(figures.discrimination_index, 1),
        "needs checking": "; ".join(figures.flags),
    }
