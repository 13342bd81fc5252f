"""The question editor's rules, apart from the screen: form values in, a question and its problems out.

The editor keeps what an instructor types as *form values*: the question's bank-file fields as
plain data, with every optional text as a string (empty when left out) and each numeric band
saying whether it is a value with a tolerance or a range. This module

- makes form values from a question (:func:`form_from_question`) or for a new one
  (:func:`blank_form`; the store suggests its id, never one used before);
- turns them back into bank-file data (:func:`question_data`);
- checks them as ``python -m learning validate`` and ``lint`` would (:func:`check_form`): the
  pydantic model, the course's cross-checks of a question, and the lint rules, each problem
  keyed by its field path (``options[2].text``) in the same words;
- shows what changed between two versions of a question (:func:`question_diff`).

Nothing here draws anything: ``learning.ui.question_form`` draws the form for each type.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from learning.course import Course, question_problems
from learning.lint import Finding, lint_question
from learning.problems import Problem, in_plain_words, problems_from_validation
from learning.questions import QUESTION_ADAPTER, TYPE_TAGS, QuestionBase, QuestionType, Status, dump_question

ROW_FIELDS: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.SINGLE_CHOICE: ("options",),
    QuestionType.MULTIPLE_RESPONSE: ("options",),
    QuestionType.TRUE_FALSE: (),
    QuestionType.MATCHING: ("items", "choices"),
    QuestionType.ORDERING: ("items",),
    QuestionType.SHORT_ANSWER: ("answers",),
    QuestionType.NUMERIC: ("answers",),
}
"""The lists of rows each type's form edits (rows are added, removed and reordered)."""

OPTIONAL_TEXT = ("scenario", "exclusion_group", "unit")
"""Question fields left out of the file when the instructor leaves them empty."""

_ROW_OPTIONAL_TEXT = ("feedback",)
_ROW_DEFAULT_FEEDBACK = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE}  # feedback required there


def blank_row(kind: QuestionType, rows: str, *, taken: Iterable[str] = ()) -> dict[str, Any]:
    """A new, empty row of ``rows`` (``options``, ``items``, ``choices`` or ``answers``) for ``kind``.

    Its id (where rows have one) is the first free one of ``a``, ``b``, ... for options, ``i1``,
    ``i2``... for items and ``c1``, ``c2``... for choices.
    """
    used = set(taken)
    if rows == "options":
        return {"id": _free_id(used, letters=True), "text": "", "correct": False, "feedback": "", "pinned": False, "weight": None}
    if rows == "items" and kind is QuestionType.MATCHING:
        return {"id": _free_id(used, prefix="i"), "text": "", "answer": None, "feedback": ""}
    if rows == "items":
        return {"id": _free_id(used, prefix="s"), "text": ""}
    if rows == "choices":
        return {"id": _free_id(used, prefix="c"), "text": ""}
    if rows == "answers" and kind is QuestionType.NUMERIC:
        return {"mode": "value", "value": None, "tolerance": 0.0, "min": None, "max": None, "credit": 1.0, "feedback": ""}
    if rows == "answers":
        return {"text": "", "credit": 1.0, "feedback": ""}
    raise ValueError(f"{kind.value} has no rows called {rows!r}")


def _free_id(used: set[str], *, letters: bool = False, prefix: str = "") -> str:
    if letters:
        for letter in "abcdefghijklmnopqrstuvwxyz":
            if letter not in used:
                return letter
    n = 1
    while f"{prefix or 'r'}{n}" in used:
        n += 1
    return f"{prefix or 'r'}{n}"


def blank_form(kind: QuestionType, *, question_id: str, lesson: str, section: str, objectives: list[str]) -> dict[str, Any]:
    """Form values for a new question of ``kind``: the usual rows, empty, and status draft."""
    form: dict[str, Any] = {
        "id": question_id,
        "version": 1,
        "type": kind.value,
        "status": Status.DRAFT.value,
        "lesson": lesson,
        "section": section,
        "objectives": list(objectives),
        "difficulty": "medium",
        "points": 1.0,
        "critical": False,
        "tags": [],
        "pool": "practice",
        "exclusion_group": "",
        "lint_accept": [],
        "scenario": "",
        "prompt": "",
        "explanation": "",
    }
    counts = {"options": 4, "items": 3, "choices": 3, "answers": 1}
    for rows in ROW_FIELDS[kind]:
        made: list[dict[str, Any]] = []
        for _ in range(counts[rows]):
            made.append(blank_row(kind, rows, taken=[r["id"] for r in made if "id" in r]))
        form[rows] = made
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE, QuestionType.MATCHING):
        form["shuffle"] = True
    if kind is QuestionType.MULTIPLE_RESPONSE:
        form["scoring"] = "partial"
    if kind is QuestionType.TRUE_FALSE:
        form |= {"answer": True, "feedback_true": "", "feedback_false": ""}
    if kind in (QuestionType.SHORT_ANSWER, QuestionType.NUMERIC):
        form["wrong_feedback"] = ""
    if kind is QuestionType.NUMERIC:
        form["unit"] = ""
    return form


def form_from_question(question: QuestionBase) -> dict[str, Any]:
    """Form values holding ``question`` as it is: every field, optional texts as strings."""
    form: dict[str, Any] = question.model_dump(mode="json")
    for name in OPTIONAL_TEXT:
        if name in form:
            form[name] = form[name] or ""
    for rows in ROW_FIELDS[QuestionType(question.type)]:
        form[rows] = [_row_form(row, numeric=question.type == QuestionType.NUMERIC and rows == "answers") for row in form[rows]]
    return form


def _row_form(row: dict[str, Any], *, numeric: bool) -> dict[str, Any]:
    row = dict(row)
    for name in _ROW_OPTIONAL_TEXT:
        if name in row:
            row[name] = row[name] or ""
    if numeric:
        row["mode"] = "value" if row.get("value") is not None else "range"
    return row


def question_data(form: Mapping[str, Any]) -> dict[str, Any]:
    """The bank-file data the form values stand for (not yet validated).

    Optional texts left empty are left out; a required text left empty stays empty, so the
    model reports it as "must not be empty" on its own field.
    """
    kind = QuestionType(form["type"])
    data = {key: value for key, value in form.items() if key not in ROW_FIELDS[kind]}
    for name in OPTIONAL_TEXT:
        if name in data and not (data[name] or "").strip():
            data[name] = None
    for rows in ROW_FIELDS[kind]:
        data[rows] = [_row_data(kind, rows, row) for row in form.get(rows, [])]
    return data


def _row_data(kind: QuestionType, rows: str, row: Mapping[str, Any]) -> dict[str, Any]:
    data = {key: value for key, value in row.items() if key != "mode"}
    if "feedback" in data and not (data["feedback"] or "").strip() and not (rows == "options" and kind in _ROW_DEFAULT_FEEDBACK):
        data["feedback"] = None
    if kind is QuestionType.NUMERIC and rows == "answers":
        if row.get("mode", "value") == "value":
            data.pop("min", None)
            data.pop("max", None)
        else:
            data.pop("value", None)
            data.pop("tolerance", None)
    if kind is QuestionType.SINGLE_CHOICE and rows == "options":
        data.pop("weight", None)
    for name in ("answer", "value", "min", "max"):
        if name in data and data[name] is None:
            del data[name]  # left unchosen: the model says what is missing
    return data


@dataclass(frozen=True)
class FormCheck:
    """What checking form values found.

    ``question`` is the valid question (None while the model finds errors); ``problems`` are
    the model's errors and the course's cross-checks, ``advice`` the lint findings.
    """

    question: QuestionBase | None
    problems: list[Problem] = field(default_factory=list)
    advice: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that keep the question from being saved."""
        return [p for p in self.problems if p.is_error]

    @property
    def can_save(self) -> bool:
        return self.question is not None and not self.errors

    def at(self, path: str) -> list[Problem]:
        """The problems of one field path (``options[2].text``), not of the fields inside it."""
        return [p for p in self.problems if (p.field or "") == path]

    def by_field(self) -> dict[str, list[Problem]]:
        """Every problem keyed by its field path (``""`` for the question as a whole)."""
        found: dict[str, list[Problem]] = {}
        for problem in self.problems:
            found.setdefault(problem.field or "", []).append(problem)
        return found


def check_form(form: Mapping[str, Any], course: Course, *, file: str, new: bool = False) -> FormCheck:
    """Check form values as ``validate`` and ``lint`` would check the question in ``file``.

    Args:
        form: the form values.
        course: the course as loaded, for the lesson, section, objectives and the other questions.
        file: how the bank file is named in problems (``quiz_bank/goals.json``).
        new: the question is not in the bank yet, so its id must not be taken.
    """
    data = question_data(form)
    qid = data.get("id") if isinstance(data.get("id"), str) and data.get("id") else None
    try:
        question = QUESTION_ADAPTER.validate_python(data)
    except ValidationError as error:
        found = problems_from_validation(error, file=file, skip=TYPE_TAGS, question=qid)
        return FormCheck(question=None, problems=[in_plain_words(p) for p in found])
    problems = question_problems(course, question, file=file)
    if new and course.question(question.id) is not None:
        taken = "already used by another question; ids are never reused"
        problems.insert(0, Problem(file=file, question=question.id, field="id", message=taken))
    return FormCheck(question=question, problems=problems, advice=lint_question(question, course, file=file))


def question_json(question: QuestionBase | None) -> str:
    """A question as it is written to its bank file (empty for none)."""
    return "" if question is None else json.dumps(dump_question(question), indent=2, ensure_ascii=False) + "\n"


def question_diff(on_disk: QuestionBase | None, edited: QuestionBase, *, file: str) -> str:
    """A unified diff from the question as it is on disk to the instructor's edit, in bank-file JSON.

    The versions are left out: the disk's is always newer, and only the content matters to
    someone deciding whether to reload or overwrite. Empty when the contents are the same.
    """
    before = question_json(on_disk.model_copy(update={"version": 1}) if on_disk else None)
    after = question_json(edited.model_copy(update={"version": 1}))
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{file} (on disk now)",
        tofile="your edit",
    )
    return "".join(lines)
