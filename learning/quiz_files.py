"""Quiz spec files on disk (``quiz_bank/quizzes/*.json``): reading one to edit, checking a draft
against the course, suggesting an id for a new quiz, and saving.

Saving works like :func:`learning.bank.save_question`: the file is rewritten atomically (keeping
its mode) under its lock, and refused when it changed since the editor read it. A new quiz gets
an id made from its title and never takes the place of an existing file. Only instructors save:
the check is here, on the server, whatever the screen shows.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from learning.bank import _lock, digest_of, write_atomically
from learning.course import QUIZ_FOLDER, Course
from learning.errors import AccessDenied, ConflictError
from learning.problems import Problem, in_plain_words, problems_from_validation
from learning.quiz import QuizSpec, eligible

MAX_ID = 60


class Actor(Protocol):
    """Who is saving: an account of the records (:class:`learning.store.User`)."""

    @property
    def is_instructor(self) -> bool: ...

    @property
    def disabled(self) -> bool: ...


@dataclass(frozen=True)
class QuizFile:
    """One quiz spec file as read: its digest (for conflict checks) and its spec, if valid."""

    path: Path
    digest: str | None
    spec: QuizSpec | None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Draft:
    """A quiz spec as an instructor is editing it: the spec when valid, and every problem."""

    spec: QuizSpec | None
    problems: list[Problem]
    eligible: int | None  # how many active questions it may draw from (None when that is unknown)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def problems_of(self, name: str) -> list[Problem]:
        """The problems of field ``name`` and of anything inside it (``blueprint`` has ``blueprint[0].count``)."""
        return [p for p in self.problems if p.field is not None and re.match(rf"{re.escape(name)}(?:$|[.\[])", p.field)]

    def general(self, known: tuple[str, ...]) -> list[Problem]:
        """The problems of no field in ``known``: those about the quiz as a whole."""
        return [p for p in self.problems if not any(p in self.problems_of(name) for name in known)]


def display_name(path: Path) -> str:
    return f"quiz_bank/{QUIZ_FOLDER}/{path.name}"


def quiz_path(folder: Path, quiz_id: str) -> Path:
    return folder / f"{quiz_id}.json"


def read_quiz_file(path: Path) -> QuizFile:
    """Read one quiz spec file to edit it; a file that does not exist reads as empty."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return QuizFile(path=path, digest=None, spec=None)
    try:
        spec = QuizSpec.model_validate_json(data)
    except ValidationError as error:
        return QuizFile(path=path, digest=digest_of(data), spec=None, problems=_problems(error, path))
    return QuizFile(path=path, digest=digest_of(data), spec=spec)


def render_quiz(spec: QuizSpec) -> str:
    """A quiz file's canonical text: the fields that differ from their defaults, in model order."""
    data = spec.model_dump(mode="json", exclude_defaults=True)
    ordered = {"id": spec.id, "title": spec.title, **data}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


def check_draft(data: Mapping[str, Any], course: Course) -> Draft:
    """Validate a quiz being edited and cross-check it with the course, reporting every problem.

    Besides the spec's own rules this says which lessons, objectives or units it names that the
    course lacks, and whether the bank as loaded can fill it.
    """
    path = Path(str(data.get("id") or "new-quiz") + ".json")
    try:
        spec = QuizSpec.model_validate(dict(data))
    except ValidationError as error:
        return Draft(spec=None, problems=_problems(error, path), eligible=_eligible_anyway(data, course))
    problems = [p.model_copy(update={"file": display_name(path)}) for p in course.quiz_problems(spec)]
    return Draft(spec=spec, problems=problems, eligible=len(eligible(spec, course.questions)))


def _eligible_anyway(data: Mapping[str, Any], course: Course) -> int | None:
    """How many questions the draft's lessons, objectives and pools hold, even while another field is wrong."""
    keys = ("lessons", "objectives", "pools")
    try:
        spec = QuizSpec.model_validate({"id": "draft", "title": "Draft", **{k: data[k] for k in keys if k in data}})
    except ValidationError:
        return None
    return len(eligible(spec, course.questions))


def _problems(error: ValidationError, path: Path) -> list[Problem]:
    return [in_plain_words(p) for p in problems_from_validation(error, file=display_name(path))]


def slug(title: str) -> str:
    """A quiz id from a title: lower-case ASCII words joined by dashes ("quiz" when none is left)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    made = "-".join(words)[:MAX_ID].strip("-")
    return made or "quiz"


def _ids_in(folder: Path) -> set[str]:
    """Every quiz id in use in ``folder``: the file names and the ids written inside the files."""
    used = set()
    for path in folder.glob("*.json"):
        used.add(path.stem)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            used.add(data["id"])
    return used


def suggest_quiz_id(title: str, folder: Path) -> str:
    """An id for a new quiz made from its title, not used by any quiz file: ``hand-care``, ``hand-care-2``..."""
    base = slug(title)
    used = _ids_in(folder)
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _require_instructor(actor: Actor) -> None:
    if actor.disabled or not actor.is_instructor:
        raise AccessDenied("only instructors can change quizzes")


def save_quiz(actor: Actor, folder: Path, spec: QuizSpec, *, base_digest: str | None) -> QuizFile:
    """Rewrite the existing quiz ``spec.id`` in ``folder`` and return the file as saved.

    Args:
        actor: who is saving; only an instructor may.
        folder: the quizzes folder (``quiz_bank/quizzes``).
        spec: the quiz as edited.
        base_digest: the digest of the :func:`read_quiz_file` the edit was based on.

    Raises:
        AccessDenied: the actor is not an active instructor.
        ConflictError: the file changed (or was deleted) since it was read.
    """
    _require_instructor(actor)
    path = quiz_path(folder, spec.id)
    with _lock(path):
        try:
            current: str | None = digest_of(path.read_bytes())
        except FileNotFoundError:
            current = None
        if current is None or current != base_digest:
            what = "was deleted" if current is None else "changed"
            raise ConflictError(
                f"{display_name(path)} {what} since it was opened (someone else saved it); reload it and make your edit again"
            )
        text = render_quiz(spec)
        write_atomically(path, text)
    return QuizFile(path=path, digest=digest_of(text.encode("utf-8")), spec=spec)


def create_quiz(actor: Actor, folder: Path, spec: QuizSpec) -> QuizFile:
    """Save a new quiz under an id made from its title, never over an existing file.

    ``spec.id`` is replaced by the id chosen: the first of :func:`suggest_quiz_id`'s that no file
    holds, checked under that file's lock, so two instructors saving the same title at once get
    two quizzes.

    Raises:
        AccessDenied: the actor is not an active instructor.
    """
    _require_instructor(actor)
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        quiz_id = suggest_quiz_id(spec.title, folder)
        path = quiz_path(folder, quiz_id)
        with _lock(path):
            if path.exists():
                continue  # made by someone else since the suggestion
            saved = spec.model_copy(update={"id": quiz_id})
            text = render_quiz(saved)
            write_atomically(path, text)
        return QuizFile(path=path, digest=digest_of(text.encode("utf-8")), spec=saved)


BLUEPRINT_COLUMNS = ("label", "lessons", "objectives", "tags", "critical", "count")


def blueprint_rows(spec: QuizSpec | None) -> list[dict[str, Any]]:
    """A spec's blueprint rules as rows of a table to edit (one column per field)."""
    rules = spec.blueprint if spec is not None else []
    return [
        {"label": r.label or "", "lessons": r.lessons, "objectives": r.objectives, "tags": r.tags, "critical": r.critical, "count": r.count}
        for r in rules
    ]


def rules_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Blueprint rules from edited table rows: blank cells left out, wholly blank rows dropped.

    A table cell left empty arrives as None or NaN; a count that is not a whole number is kept
    as typed, so validation names the rule and field.
    """
    rules = []
    for row in rows:
        rule: dict[str, Any] = {}
        for column in BLUEPRINT_COLUMNS:
            value = row.get(column)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if column in ("lessons", "objectives", "tags"):
                value = [str(v).strip() for v in value if str(v).strip()]
            elif column == "label":
                value = str(value).strip()
            elif column == "count" and isinstance(value, float) and value.is_integer():
                value = int(value)
            if value in ("", [], False):
                continue
            rule[column] = value
        if rule:
            rules.append(rule)
    return rules
