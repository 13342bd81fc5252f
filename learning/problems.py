"""A problem found while loading content, phrased so an instructor can fix the file.

Loaders never stop at the first problem: they collect :class:`Problem` values and keep what is
valid, so one broken question or lesson never takes the rest of the course down with it. A
problem is an *error* when something is left out (or, for a quiz, cannot be started) until it is
fixed, and a *warning* when what it is about is still served, such as a lesson that links to a
lesson that is gone.
:func:`read_bytes` turns a file that cannot be read at all (a folder, a dangling link, no
permission) into a problem, so no loader lets an ``OSError`` escape.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

MAX_NESTING = 64
"""How deeply lists and mappings may nest in a YAML course file: far more than any course needs,
and far less than the depth at which libyaml's loader runs out of stack and crashes the process."""


class Severity(enum.StrEnum):
    ERROR = "error"  # something is left out, or a quiz cannot be started, until it is fixed
    WARNING = "warning"  # what it is about is still served as it is; worth fixing


class Problem(BaseModel):
    """One thing wrong with one file, e.g.
    ``quiz_bank/training.json: question "training-01": options[2].text: must not be empty``."""

    model_config = ConfigDict(frozen=True)

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    question: str | None = None
    lesson: str | None = None
    field: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def warning(self) -> Problem:
        """The same problem as a warning: what it is about is still served."""
        return self.model_copy(update={"severity": Severity.WARNING})

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.question is not None:
            parts.append(f'question "{self.question}"')
        if self.lesson is not None:
            parts.append(f'lesson "{self.lesson}"')
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


def field_path(loc: Sequence[str | int], *, skip: Iterable[str] = ()) -> str:
    """Turn a pydantic ``loc`` such as ``('options', 2, 'text')`` into ``options[2].text``."""
    skipped = set(skip)
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in skipped:
            continue
        else:
            path += f".{part}" if path else part
    return path


def clean_message(message: str) -> str:
    """Drop pydantic's 'Value error, ' prefix from messages our own validators raised."""
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


PLAIN = {
    "String should have at least 1 character": "must not be empty",
    "Extra inputs are not permitted": "unknown field (check its spelling)",
    "Field required": "missing",
}
"""Pydantic's messages that an instructor reads more easily in other words."""


def in_plain_words(problem: Problem) -> Problem:
    """The problem with pydantic's wording replaced where :data:`PLAIN` has a plainer one."""
    plain = PLAIN.get(problem.message)
    return problem.model_copy(update={"message": plain}) if plain else problem


def problems_from_validation(error: ValidationError, *, file: str, skip: Iterable[str] = (), **where: str | None) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with our validators' own field prefixes kept.

    A validator that checks a whole model raises a message such as ``options[2].weight: ...``;
    that prefix is split off into the problem's field so every message reads the same way.
    """
    problems = []
    for item in error.errors():
        path = field_path(item["loc"], skip=skip)
        message = clean_message(item["msg"])
        head, sep, rest = message.partition(": ")
        if sep and head and " " not in head:
            path = f"{path}.{head}" if path else head
            message = rest
        problems.append(Problem(file=file, field=path or None, message=message, **where))
    return problems


def read_bytes(path: Path, *, file: str) -> bytes | Problem:
    """The bytes of a course file, or the problem that keeps it from being read.

    A folder with a file's name, a link to a file that does not exist and a file the server may
    not read each become a problem naming ``file``; nothing here raises ``OSError``.
    """
    try:
        return path.read_bytes()
    except IsADirectoryError:
        return Problem(file=file, message="is a folder, not a file")
    except FileNotFoundError:
        if path.is_symlink():
            return Problem(file=file, message="is a link to a file that does not exist")
        return Problem(file=file, message="file not found")
    except PermissionError:
        return Problem(file=file, message="cannot be read: permission denied (the app's user needs read access)")
    except OSError as error:
        if path.is_dir():
            return Problem(file=file, message="is a folder, not a file")
        return Problem(file=file, message=f"cannot be read: {error.strerror or error}")


def decode_utf8(data: bytes, *, file: str) -> str | Problem:
    """``data`` as text, with newlines as reading the file as text gives them, or a problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return Problem(file=file, message=f"not UTF-8 text ({error.reason})")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_deep(file: str) -> Problem:
    """The problem of a file whose lists or objects nest too deeply to be read safely."""
    return Problem(file=file, message="lists or objects nested too deeply to read")
