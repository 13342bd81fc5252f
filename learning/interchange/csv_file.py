"""CSV, both ways: one question per row, so an instructor can write questions in a spreadsheet.

The first line is the header; columns may come in any order, and only ``type`` and ``prompt``
must be there. Column names are read without regard to case, spaces or hyphens (``Option 1`` is
``option_1``). A file may be separated by commas, semicolons (as Excel saves CSV where the
decimal mark is a comma; numbers may then be written ``0,5``) or tabs, with or without Excel's
UTF-8 byte-order mark.

Columns every question has (an empty cell takes the bank's default, or the import's choice):

==================  ==========================================================================
``type``            single_choice, multiple_response, true_false, matching, ordering,
                    short_answer or numeric
``id``              the question's id (empty: the next id of its lesson)
``lesson``          the lesson id (empty, or a lesson the course lacks: the import's lesson)
``section``         the section of that lesson it tests
``objectives``      objective ids, separated by commas, semicolons or spaces
``difficulty``      easy, medium or hard
``points``          a number
``critical``        yes or no
``pool``            practice or exam
``tags``            tags, separated like objectives
``exclusion_group`` questions sharing a group never come in the same attempt
``lint_accept``     lint rules accepted for this question, separated like objectives
``status``          written on export; ignored on import, which sets the status itself
``scenario``        a client vignette shown above the prompt (Markdown)
``prompt``          the question (Markdown)
``explanation``     why the right answer is right (Markdown)
==================  ==========================================================================

Columns of some types: ``shuffle`` (yes or no; choice and matching questions), ``scoring``
(partial or all_or_nothing; multiple response), ``pinned`` (the numbers of the options kept in
place when options are shuffled, such as ``4``), ``unit`` (numeric) and ``wrong_feedback``
(short answer and numeric: the feedback for any other answer).

The answers are in numbered columns ``option_1``, ``feedback_1``, ``weight_1``, ``option_2``...,
as many as a question needs; empty ones are passed over. What a cell holds depends on the type:

=================== ============================================ ============== ================
type                ``option_N``                                 ``feedback_N`` ``weight_N``
=================== ============================================ ============== ================
single_choice       an option; ``*`` before the right one        the option's   (none)
multiple_response   an option; ``*`` before each right one       the option's   its weight, -1 to 1
true_false          ``True`` and ``False``, ``*`` before the     for answering  (none)
                    right one                                    that
matching            ``item -> choice``; a cell with only a       the item's     (none)
                    choice adds it (a distractor, if no item
                    goes there)
ordering            the items, in their right order              (none)         (none)
short_answer        an accepted answer (``*`` matches any run    the answer's   its credit, 0 to
                    of characters)                                              1 (empty: 1)
numeric             ``500``, ``500 ± 5`` (or ``500 +- 5``) or    the band's     its credit, 0 to
                    a range ``450..550``                                        1 (empty: 1)
=================== ============================================ ============== ================

A weight or credit may be written ``0.5`` or ``50%``. The ids of options and items are their
places (a, b, c... for options; i1, i2... for matching items and c1, c2... for choices; s1, s2...
for ordering items); an export that needs other ids writes them in braces before the text
(``*{b} Relaxation``, ``{i1} Courts -> {mmt} Medical massage therapist``). A text that starts
with ``*``, ``{`` or ``\\`` is written with a ``\\`` before it, and an ``->`` inside a matching
text as ``\\->``.

A cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is written with a ``'`` before it, and the ``'`` is taken off again on
import (a cell that is only a number, such as ``-0.25``, is left as it is: a spreadsheet reads
it as a number). A cell that starts with ``'`` and then one of those characters or another ``'``
loses its first ``'`` on import.

Text cells are the bank's Markdown; raw HTML tags and script links in them are taken out (and
reported). A CSV export carries every field of a question except its version and status; the
import sets those.
"""

from __future__ import annotations

import csv
import io
import math
import re
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from learning.errors import InterchangeError
from learning.interchange.media import MediaStore
from learning.interchange.model import Draft, Exported, Format, Notice, Parsed, Skipped
from learning.interchange.text import clean_markdown
from learning.questions import (
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericAnswer,
    NumericQuestion,
    OrderingQuestion,
    QuestionBase,
    QuestionType,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from learning.spreadsheet import FORMULA_START

COMMON_COLUMNS = (
    "type", "id", "lesson", "section", "objectives", "difficulty", "points", "critical", "pool", "tags",
    "exclusion_group", "lint_accept", "status", "scenario", "prompt", "explanation",
)  # fmt: skip
TYPE_COLUMNS = ("shuffle", "scoring", "pinned", "unit", "wrong_feedback")
SLOT_KINDS = ("option", "feedback", "weight")
DELIMITERS = (",", ";", "\t")
_GUARDED = frozenset((*FORMULA_START, "'"))
"""What follows the ``'`` the writer puts before a cell (and the reader takes off)."""
_SLOT = re.compile(r"(option|feedback|weight)_?(\d+)")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")
_ID_PREFIX = re.compile(r"\{([A-Za-z0-9_-]{1,40})\}\s*")
_ARROW = re.compile(r"(?<!\\)->")
_NUMBER = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"
_VALUE = re.compile(rf"({_NUMBER})")
_TOLERANCE = re.compile(rf"({_NUMBER})\s*(?:±|\+/-|\+-)\s*({_NUMBER})")
_RANGE = re.compile(rf"({_NUMBER})\s*\.\.\s*({_NUMBER})")
_LIST_SEPARATOR = re.compile(r"[\s,;]+")
_YES = {"yes", "y", "true", "t", "1", "x"}
_NO = {"no", "n", "false", "f", "0"}
_ESCAPED_START = ("*", "{", "\\")
_TEXT_FIELDS = ("scenario", "prompt", "explanation", "wrong_feedback", "unit")
_LIST_FIELDS = ("objectives", "tags", "lint_accept")
_LOWER_FIELDS = ("difficulty", "pool", "scoring")
_PLAIN_FIELDS = ("id", "lesson", "section", "exclusion_group", "points")
_BOOL_FIELDS = ("critical", "shuffle")


class _RowError(ValueError):
    """A row that cannot become a question; the message is the reason reported."""


# --- reading --------------------------------------------------------------------------------


def parse(text: str, media: MediaStore) -> Parsed:
    """The questions of a CSV file, one a row, with every row that cannot be read reported by line.

    ``media`` is not used: a CSV file carries no images (a Markdown image stays a reference).

    Raises:
        InterchangeError: the file has no header with ``type`` and ``prompt`` columns, or ends
            inside a quoted cell (cut short, or a quote missing).
    """
    text = text.removeprefix("\ufeff")
    parsed = Parsed()
    if not text.strip():
        return parsed
    header_line, delimiter = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    columns: list[str | None] | None = None
    numbers: list[int] = []
    decimal_comma = delimiter == ";"
    for line, cells, error in _rows(reader):
        if line < header_line:
            continue
        if columns is None:
            columns = _columns(cells or [], line, parsed.notices)
            numbers = sorted({int(name.rsplit("_", 1)[1]) for name in columns if name is not None and _SLOT.fullmatch(name)})
            continue
        if error is not None:
            parsed.skipped.append(Skipped(line=line, name=f"row at line {line}", reason=f"the row cannot be read as CSV: {error}"))
            continue
        if not any(cell.strip() for cell in cells or []):
            continue
        row, extra = _cells(columns, cells or [])
        name = _name(row, line)
        try:
            draft = _draft(row, line, name, numbers, decimal_comma)
        except _RowError as problem:
            parsed.skipped.append(Skipped(line=line, name=name, reason=str(problem)))
            continue
        if extra:
            draft.notices.append(f"{extra} cells beyond the header's columns were ignored")
        parsed.drafts.append(draft)
    return parsed


def _dialect(text: str) -> tuple[int, str]:
    """The header's line and the separator that splits it into ``type`` and ``prompt`` columns."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        for delimiter in DELIMITERS:
            names = {_column_name(cell) for cell in next(csv.reader([line], delimiter=delimiter), [])}
            if {"type", "prompt"} <= names:
                return number, delimiter
        raise InterchangeError(
            f"line {number}: the first line of a CSV file must be its header, with at least the columns type and prompt "
            "(separated by commas, semicolons or tabs)"
        )
    raise InterchangeError("the file holds no header")  # not reached: the text is not blank


def _rows(reader: Any) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """``(line the row starts on, cells, None)``, or ``(line, None, why)`` for a row that cannot be read."""
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            end = reader.line_num
            if "unexpected end of data" in str(error):
                raise InterchangeError(
                    f"line {start}: the file ends inside a quoted cell that starts in this row: the file may be cut short, "
                    "or a closing quote is missing"
                ) from None
            yield start, None, _csv_error(str(error))
            continue
        end = reader.line_num
        yield start, [cell[1:] if cell[1:2] in _GUARDED and cell[:1] == "'" else cell for cell in cells], None


def _csv_error(message: str) -> str:
    if "expected after" in message:
        return "a quoted cell must end with a quote right before the separator or the end of the line"
    return message


def _column_name(cell: str) -> str:
    return _unneutralised(cell).strip().lower().replace(" ", "_").replace("-", "_")


def _columns(cells: list[str], line: int, notices: list[Notice]) -> list[str | None]:
    """The header's column names by position; None for a column that is ignored (each reported)."""
    known = {*COMMON_COLUMNS, *TYPE_COLUMNS}
    columns: list[str | None] = []
    seen: set[str] = set()
    for cell in cells:
        name = _column_name(cell)
        slot = _SLOT.fullmatch(name)
        if slot:
            name = f"{slot[1]}_{int(slot[2])}"
        if not name:
            columns.append(None)
            continue
        if name in seen:
            notices.append(Notice(line=line, name="header", message=f'the column "{cell.strip()}" appears twice: the second is ignored'))
            columns.append(None)
            continue
        if name not in known and not slot:
            notices.append(Notice(line=line, name="header", message=f'unknown column "{cell.strip()}" is ignored'))
            columns.append(None)
            continue
        seen.add(name)
        columns.append(name)
    return columns


def _cells(columns: list[str | None], cells: list[str]) -> tuple[dict[str, str], int]:
    """The row's cells by column name, and how many non-empty cells lie beyond the header."""
    row = {name: cell for name, cell in zip(columns, cells, strict=False) if name is not None}
    extra = sum(1 for cell in cells[len(columns) :] if cell.strip())
    return row, extra


def _name(row: Mapping[str, str], line: int) -> str:
    if row.get("id", "").strip():
        return row["id"].strip()
    prompt = " ".join(row.get("prompt", "").split())
    if prompt:
        return prompt if len(prompt) <= 60 else prompt[:57] + "..."
    return f"row at line {line}"


@dataclass
class _Slot:
    """One numbered answer cell with its feedback and weight cells."""

    number: int
    text: str
    feedback: str
    weight: str


def _draft(row: Mapping[str, str], line: int, name: str, numbers: Sequence[int], decimal_comma: bool) -> Draft:
    kind = _kind(row.get("type", ""))
    notes: list[str] = []
    meta: dict[str, Any] = {}
    for key in _PLAIN_FIELDS:
        if row.get(key, "").strip():
            meta[key] = row[key].strip()
    if "points" in meta:
        meta["points"] = _number(meta["points"], "points", decimal_comma)
    for key in _LOWER_FIELDS:
        if row.get(key, "").strip():
            meta[key] = row[key].strip().lower().replace(" ", "_")
    for key in _LIST_FIELDS:
        if row.get(key, "").strip():
            meta[key] = [part for part in _LIST_SEPARATOR.split(row[key].strip()) if part]
    for key in _BOOL_FIELDS:
        if row.get(key, "").strip():
            meta[key] = _yes_no(row[key], key)
    texts = {key: _text(row.get(key, ""), key, notes) for key in _TEXT_FIELDS}
    meta["scenario"] = texts["scenario"]
    meta["unit"] = texts["unit"]
    fields: dict[str, Any] = {"type": kind.value, "prompt": _text(row.get("prompt", ""), "prompt", notes)}
    fields["explanation"] = _text(row.get("explanation", ""), "explanation", notes)
    slots = _slots(row, numbers, notes)
    body = _READERS[kind](slots, notes, decimal_comma)
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE):
        _pin(body["options"], slots, row.get("pinned", ""))
    elif row.get("pinned", "").strip():
        notes.append(f"pinned is only used by choice questions: ignored for {kind.value}")
    if kind in (QuestionType.SHORT_ANSWER, QuestionType.NUMERIC):
        body["wrong_feedback"] = texts["wrong_feedback"]
    elif texts["wrong_feedback"]:
        notes.append(f"wrong_feedback is only used by short answer and numeric questions: ignored for {kind.value}")
    fields.update(body)
    return Draft(line=line, name=name, fields=fields, meta=meta, notices=notes)


def _kind(cell: str) -> QuestionType:
    value = cell.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return QuestionType(value)
    except ValueError:
        kinds = ", ".join(t.value for t in QuestionType)
        if not value:
            raise _RowError(f"type: empty; write one of {kinds}") from None
        raise _RowError(f'type: "{cell.strip()}" is not a question type the bank holds ({kinds})') from None


def _text(cell: str, column: str, notes: list[str]) -> str | None:
    """A text cell as the bank's Markdown, or None when empty; a change beyond spacing is reported."""
    if "<" not in cell and "](" not in cell:
        # No tag and no link: cleaning can change only spacing (and a single line only at its ends).
        text = cell.strip() if "\n" not in cell and "\r" not in cell else clean_markdown(cell)
        return text or None
    cleaned = clean_markdown(cell)
    if "".join(cleaned.split()) != "".join(cell.split()):
        notes.append(f"{column}: HTML tags or script links were taken out")
    return cleaned or None


def _required(cell: str, column: str, notes: list[str]) -> str:
    """A text an option, item or answer cannot do without."""
    text = _text(cell, column, notes)
    if text is None:
        raise _RowError(f"{column}: there is no text after the marks")
    return text


def _yes_no(cell: str, column: str) -> bool:
    value = cell.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise _RowError(f'{column}: write yes or no, not "{cell.strip()}"')


def _number(cell: str, column: str, decimal_comma: bool) -> float:
    value = cell.strip()
    if decimal_comma:
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise _RowError(f'{column}: "{cell.strip()}" is not a number') from None
    if not math.isfinite(number):
        raise _RowError(f'{column}: "{cell.strip()}" is not a finite number')
    return number


def _fraction(cell: str, column: str, decimal_comma: bool) -> float:
    """A weight or credit: ``0.5`` or ``50%``."""
    value = cell.strip()
    if value.endswith("%"):
        return _number(value[:-1], column, decimal_comma) / 100
    return _number(value, column, decimal_comma)


def _slots(row: Mapping[str, str], numbers: Sequence[int], notes: list[str]) -> list[_Slot]:
    slots = []
    for number in numbers:
        text, feedback, weight = row.get(f"option_{number}", ""), row.get(f"feedback_{number}", ""), row.get(f"weight_{number}", "")
        if text.strip():
            slots.append(_Slot(number, text.strip(), feedback, weight))
        elif feedback.strip() or weight.strip():
            notes.append(f"option_{number} is empty: its feedback and weight are ignored")
    return slots


def _unused(slots: Sequence[_Slot], notes: list[str], kind: QuestionType, *, feedback: bool, weight: bool) -> None:
    """Report feedback and weight cells a type has no place for."""
    for slot in slots:
        for used, column, value in ((feedback, "feedback", slot.feedback), (weight, "weight", slot.weight)):
            if not used and value.strip():
                notes.append(f"{column}_{slot.number}: {kind.value} questions have no {column} here: ignored")


def _marked(cell: str, *, star: bool) -> tuple[bool, str | None, str]:
    """``(marked with *, id in braces, text)`` of a cell written ``[*] [{id}] [\\]text``."""
    marked = star and cell.startswith("*")
    if marked:
        cell = cell[1:].lstrip()
    found = _ID_PREFIX.match(cell)
    part_id = found[1] if found else None
    if found:
        cell = cell[found.end() :]
    return marked, part_id, cell.removeprefix("\\")


def _choice_body(kind: QuestionType) -> Callable[[list[_Slot], list[str], bool], dict[str, Any]]:
    def read(slots: list[_Slot], notes: list[str], decimal_comma: bool) -> dict[str, Any]:
        _unused(slots, notes, kind, feedback=True, weight=kind is QuestionType.MULTIPLE_RESPONSE)
        options = []
        for position, slot in enumerate(slots):
            correct, option_id, text = _marked(slot.text, star=True)
            option: dict[str, Any] = {
                "id": option_id or _letter(position),
                "text": _required(text, f"option_{slot.number}", notes),
                "correct": correct,
                "feedback": _text(slot.feedback, f"feedback_{slot.number}", notes),
            }
            if kind is QuestionType.MULTIPLE_RESPONSE and slot.weight.strip():
                option["weight"] = _fraction(slot.weight, f"weight_{slot.number}", decimal_comma)
            options.append(option)
        return {"options": options}

    return read


def _letter(position: int) -> str:
    return string.ascii_lowercase[position] if position < 26 else f"o{position + 1}"


def _pin(options: list[dict[str, Any]], slots: Sequence[_Slot], cell: str) -> None:
    by_number = {slot.number: option for slot, option in zip(slots, options, strict=True)}
    for part in _LIST_SEPARATOR.split(cell.strip()):
        if not part:
            continue
        if not part.isdigit() or int(part) not in by_number:
            raise _RowError(f'pinned: "{part}" is not the number of a filled option column')
        by_number[int(part)]["pinned"] = True


def _true_false(slots: list[_Slot], notes: list[str], decimal_comma: bool) -> dict[str, Any]:
    _unused(slots, notes, QuestionType.TRUE_FALSE, feedback=True, weight=False)
    body: dict[str, Any] = {}
    answers = []
    for slot in slots:
        marked, _, text = _marked(slot.text, star=True)
        value = {"true": True, "t": True, "false": False, "f": False}.get(text.strip().lower())
        if value is None:
            raise _RowError(f'option_{slot.number}: a true/false question\'s options are True and False, not "{text.strip()}"')
        key = "feedback_true" if value else "feedback_false"
        if key in body:
            raise _RowError(f"option_{slot.number}: {text.strip()} is written twice")
        body[key] = _text(slot.feedback, f"feedback_{slot.number}", notes)
        if marked:
            answers.append(value)
    if len(answers) != 1:
        raise _RowError("a true/false question needs its right answer marked: write *True or *False")
    body["answer"] = answers[0]
    return body


def _matching(slots: list[_Slot], notes: list[str], decimal_comma: bool) -> dict[str, Any]:
    _unused(slots, notes, QuestionType.MATCHING, feedback=True, weight=False)
    choices: list[dict[str, str]] = []

    def choice(part: str, column: str) -> str:
        _, choice_id, text = _marked(part.strip(), star=False)
        words = _required(text.replace("\\->", "->"), column, notes)
        for known in choices:
            if choice_id is not None and known["id"] == choice_id:
                if known["text"] != words:
                    raise _RowError(f'{column}: choice "{choice_id}" is written with two texts')
                return choice_id
            if choice_id is None and known["text"] == words:
                return known["id"]
        taken = {c["id"] for c in choices}
        new_id = choice_id or next(f"c{n}" for n in range(len(choices) + 1, len(choices) + len(taken) + 2) if f"c{n}" not in taken)
        choices.append({"id": new_id, "text": words})
        return new_id

    items: list[dict[str, Any]] = []
    for slot in slots:
        column = f"option_{slot.number}"
        parts = _ARROW.split(slot.text, maxsplit=1)
        if len(parts) == 1 or not parts[0].strip():
            choice(parts[-1], column)
            if slot.feedback.strip():
                notes.append(f"feedback_{slot.number}: a choice on its own has no feedback: ignored")
            continue
        _, item_id, text = _marked(parts[0].strip(), star=False)
        item: dict[str, Any] = {
            "id": item_id or f"i{len(items) + 1}",
            "text": _required(text.replace("\\->", "->"), column, notes),
            "answer": choice(parts[1], column),
        }
        feedback = _text(slot.feedback, f"feedback_{slot.number}", notes)
        if feedback is not None:
            item["feedback"] = feedback
        items.append(item)
    return {"items": items, "choices": choices}


def _ordering(slots: list[_Slot], notes: list[str], decimal_comma: bool) -> dict[str, Any]:
    _unused(slots, notes, QuestionType.ORDERING, feedback=False, weight=False)
    items = []
    for position, slot in enumerate(slots):
        _, item_id, text = _marked(slot.text, star=False)
        items.append({"id": item_id or f"s{position + 1}", "text": _required(text, f"option_{slot.number}", notes)})
    return {"items": items}


def _short_answer(slots: list[_Slot], notes: list[str], decimal_comma: bool) -> dict[str, Any]:
    answers = []
    for slot in slots:
        answer: dict[str, Any] = {"text": _required(slot.text.removeprefix("\\"), f"option_{slot.number}", notes)}
        answer["credit"] = _fraction(slot.weight, f"weight_{slot.number}", decimal_comma) if slot.weight.strip() else 1.0
        feedback = _text(slot.feedback, f"feedback_{slot.number}", notes)
        if feedback is not None:
            answer["feedback"] = feedback
        answers.append(answer)
    return {"answers": answers}


def _numeric(slots: list[_Slot], notes: list[str], decimal_comma: bool) -> dict[str, Any]:
    answers = []
    for slot in slots:
        answer = _band(slot.text, f"option_{slot.number}", decimal_comma)
        answer["credit"] = _fraction(slot.weight, f"weight_{slot.number}", decimal_comma) if slot.weight.strip() else 1.0
        feedback = _text(slot.feedback, f"feedback_{slot.number}", notes)
        if feedback is not None:
            answer["feedback"] = feedback
        answers.append(answer)
    return {"answers": answers}


def _band(cell: str, column: str, decimal_comma: bool) -> dict[str, Any]:
    value = cell.strip()

    def number(text: str) -> float:
        if "," in text and not decimal_comma:
            raise _RowError(f'{column}: "{value}" has a comma: write the decimal mark as a point')
        return _number(text, column, True)

    if found := _VALUE.fullmatch(value):
        return {"value": number(found[1])}
    if found := _TOLERANCE.fullmatch(value):
        return {"value": number(found[1]), "tolerance": number(found[2])}
    if found := _RANGE.fullmatch(value):
        return {"min": number(found[1]), "max": number(found[2])}
    raise _RowError(f'{column}: "{value}" is not a number, a number ± a tolerance (500 ± 5) or a range (450..550)')


_READERS: dict[QuestionType, Callable[[list[_Slot], list[str], bool], dict[str, Any]]] = {
    QuestionType.SINGLE_CHOICE: _choice_body(QuestionType.SINGLE_CHOICE),
    QuestionType.MULTIPLE_RESPONSE: _choice_body(QuestionType.MULTIPLE_RESPONSE),
    QuestionType.TRUE_FALSE: _true_false,
    QuestionType.MATCHING: _matching,
    QuestionType.ORDERING: _ordering,
    QuestionType.SHORT_ANSWER: _short_answer,
    QuestionType.NUMERIC: _numeric,
}


# --- writing --------------------------------------------------------------------------------


def write(questions: Sequence[QuestionBase], media: MediaStore) -> Exported:
    """``questions`` as a CSV file (UTF-8 with a byte-order mark, so Excel reads it as UTF-8).

    Every question fits: nothing is adjusted or left out. ``media`` is not used (images stay
    Markdown references to the bank's media folder).
    """
    rows = [_row(question) for question in questions]
    slots = max([4, *(len(cells) for _, cells in rows)])
    header = [*COMMON_COLUMNS, *TYPE_COLUMNS, *(f"{kind}_{n}" for n in range(1, slots + 1) for kind in SLOT_KINDS)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for common, cells in rows:
        flat = [common.get(column, "") for column in (*COMMON_COLUMNS, *TYPE_COLUMNS)]
        for n in range(slots):
            flat.extend(cells[n] if n < len(cells) else ("", "", ""))
        writer.writerow([neutralised(cell) for cell in flat])
    return Exported(format=Format.CSV, content=("\ufeff" + out.getvalue()).encode("utf-8"))


def neutralised(cell: str) -> str:
    """``cell`` safe to open in a spreadsheet: a ``'`` before a cell that would run as a formula.

    A plain number (``-0.25``) is left alone; a cell the reader would take a ``'`` off gets one more.
    """
    if cell.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_START, "'")):
        return "'" + cell
    return cell


def _unneutralised(cell: str) -> str:
    """The cell as written before :func:`neutralised`."""
    return cell[1:] if cell[1:2] in _GUARDED and cell[:1] == "'" else cell


def _row(question: QuestionBase) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The question's common cells by column, and its ``(option, feedback, weight)`` cells."""
    common = {
        "type": question.type,
        "id": question.id,
        "lesson": question.lesson,
        "section": question.section,
        "objectives": ", ".join(question.objectives),
        "difficulty": question.difficulty.value,
        "points": _written(question.points),
        "critical": _yes(question.critical),
        "pool": question.pool.value,
        "tags": ", ".join(question.tags),
        "exclusion_group": question.exclusion_group or "",
        "lint_accept": ", ".join(rule.value for rule in question.lint_accept),
        "status": question.status.value,
        "scenario": question.scenario or "",
        "prompt": question.prompt,
        "explanation": question.explanation,
    }
    cells: list[tuple[str, str, str]]
    match question:
        case SingleChoiceQuestion() | MultipleResponseQuestion():
            ids = _ids_needed([o.id for o in question.options], [_letter(n) for n in range(len(question.options))])
            cells = [
                (("*" if o.correct else "") + _with_id(o.id if ids else None, o.text), o.feedback, _weight(o.weight))
                for o in question.options
            ]
            common["shuffle"] = _yes(question.shuffle)
            common["pinned"] = ", ".join(str(n) for n, o in enumerate(question.options, start=1) if o.pinned)
            if isinstance(question, MultipleResponseQuestion):
                common["scoring"] = question.scoring.value
        case TrueFalseQuestion():
            cells = [
                (("*" if question.answer else "") + "True", question.feedback_true, ""),
                (("" if question.answer else "*") + "False", question.feedback_false, ""),
            ]
        case MatchingQuestion():
            cells = _matching_cells(question)
            common["shuffle"] = _yes(question.shuffle)
        case OrderingQuestion():
            ids = _ids_needed([i.id for i in question.items], [f"s{n}" for n in range(1, len(question.items) + 1)])
            cells = [(_with_id(i.id if ids else None, i.text), "", "") for i in question.items]
        case ShortAnswerQuestion():
            cells = [(_escaped(a.text, ("\\",)), a.feedback or "", _credit(a.credit)) for a in question.answers]
            common["wrong_feedback"] = question.wrong_feedback
        case NumericQuestion():
            cells = [(_band_text(a), a.feedback or "", _credit(a.credit)) for a in question.answers]
            common["wrong_feedback"] = question.wrong_feedback
            common["unit"] = question.unit or ""
        case _:  # pragma: no cover - every type is handled above
            raise TypeError(f"no CSV layout for {question.type}")
    return common, cells


def _matching_cells(question: MatchingQuestion) -> list[tuple[str, str, str]]:
    """Items as ``item -> choice``; choices no item takes as cells of their own. When the order the
    cells would give the choices is not theirs, every choice is written first, in order."""
    choice_ids = [c.id for c in question.choices]
    texts = {c.id: c.text for c in question.choices}
    used = list(dict.fromkeys(i.answer for i in question.items))
    unused = [c for c in choice_ids if c not in used]
    compact = used + unused == choice_ids
    # Either way the reader meets the choices in their own order, and numbers them so.
    default = [f"c{n}" for n in range(1, len(choice_ids) + 1)]
    choice_ids_needed = _ids_needed(choice_ids, default) or len(set(texts.values())) < len(texts)
    item_ids_needed = _ids_needed([i.id for i in question.items], [f"i{n}" for n in range(1, len(question.items) + 1)])

    def choice(choice_id: str) -> str:
        return _with_id(choice_id if choice_ids_needed else None, texts[choice_id], arrow=True)

    items = [
        (f"{_with_id(i.id if item_ids_needed else None, i.text, arrow=True)} -> {choice(i.answer)}", i.feedback or "", "")
        for i in question.items
    ]
    if compact:
        return items + [(choice(c), "", "") for c in unused]
    return [(choice(c), "", "") for c in choice_ids] + items


def _ids_needed(ids: list[str], defaults: list[str]) -> bool:
    return ids != defaults


def _with_id(part_id: str | None, text: str, *, arrow: bool = False) -> str:
    if arrow:
        text = text.replace("->", "\\->")
    text = _escaped(text, _ESCAPED_START)
    return f"{{{part_id}}} {text}" if part_id is not None else text


def _escaped(text: str, starts: tuple[str, ...]) -> str:
    return "\\" + text if text.startswith(starts) else text


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _written(number: float) -> str:
    """A number as short as it reads back exactly: ``2``, ``0.5``, ``0.3333333333333333``."""
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(float(number))


def _weight(weight: float | None) -> str:
    return "" if weight is None else _written(weight)


def _credit(credit: float) -> str:
    return "" if credit == 1.0 else _written(credit)


def _band_text(answer: NumericAnswer) -> str:
    if answer.value is not None:
        return _written(answer.value) + (f" ± {_written(answer.tolerance)}" if answer.tolerance else "")
    low, high = answer.bounds()
    return f"{_written(low)}..{_written(high)}"
