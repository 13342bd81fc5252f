"""A problem found while loading content, phrased so an instructor can fix the file.

Loaders never stop at the first problem: they collect :class:`Problem` values and keep what is
valid, so one broken question or lesson never takes the rest of the course down with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError


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
