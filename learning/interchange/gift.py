"""GIFT, Moodle's text format for questions: read what Moodle reads, write all seven types.

Reading follows Moodle's own importer (``question/format/gift/format.php``): questions are
separated by blank lines; ``//`` lines are comments; ``::title::`` names a question; the answer
block is the text between the first ``{`` and the first ``}``, and what it holds decides the
type, in Moodle's order (empty: essay; ``#...``: numeric; any ``~``: multiple choice; ``=`` with
``->``: matching; ``T``/``TRUE``/``F``/``FALSE``: true/false; else short answer). Text around
the block becomes the prompt, with a blank where the block was when text follows it (a
"missing word" question). ``####`` starts the general feedback (our explanation), ``#`` an
answer's feedback, ``%n%`` an answer's credit; ``[html]``, ``[moodle]``, ``[plain]`` and
``[markdown]`` choose a text's format (Moodle's default is ``moodle``); ``\\`` escapes
``~ = # { } :`` and itself, and ``\\n`` is a line break. Every text is made safe Markdown by
:func:`learning.interchange.text.to_markdown`.

What the bank cannot hold (an essay, a description, Cloze, more than one answer block, an
answer block never closed) is reported as :class:`Skipped` with its line, never dropped.

Writing: every question becomes Moodle-importable GIFT with its texts as ``[markdown]``; a
scenario leads the question text, so Moodle shows it (this reader takes it off again). An
ordering question, which GIFT lacks, is written as a matching question (each item to its
position, "1st", "2nd"...). Images stay references to the bank's media folder. Credits Moodle would refuse are snapped to its list
(:mod:`learning.interchange.fractions`) and reported. What GIFT has no place for (the fields of
:data:`learning.interchange.build.META_FIELDS`, our ids of options, items and choices, pinned
options, exact credits, that a question is an ordering one) travels in one comment line,
``// learning: {json}``, right before the question: Moodle ignores it, and this reader reads it
back, so a round trip through this module loses nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError, create_model

from learning.interchange.build import META_FIELDS
from learning.interchange.fractions import TOLERANCE, as_percent, snap, snap_weights
from learning.interchange.media import MediaRefused, MediaStore
from learning.interchange.model import Adjustment, Draft, Exported, Format, Notice, Parsed, Skipped
from learning.interchange.text import TextFormat, clean_markdown, plain_to_markdown, to_markdown
from learning.questions import (
    QUESTION_CLASSES,
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

META_PREFIX = "// learning:"
"""The comment that carries this module's metadata for the question after it."""
BLANK = r"\_\_\_\_\_"
"""The blank of a missing-word question, as Markdown that shows five underscores."""
_ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}

_PHP_SPACE = " \t\n\r\0\x0b"  # what PHP's trim() removes, and nothing else
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_CONTROL = ":#={}~n"  # escaped characters, in the order of their placeholders
_FORMAT = re.compile(r"\[(html|moodle|plain|markdown)\]")
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")  # Moodle: /^%\-*([0-9]{1,2})\.?([0-9]*)%/
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_CLOZE = re.compile(r"\d*:[A-Z_]+:")  # {1:MULTICHOICE:...}, {:SHORTANSWER:...}
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"data:image/[a-z0-9.+-]+;base64,(?P<data>[A-Za-z0-9+/=\s]+)", re.IGNORECASE)
_TAGS = re.compile(r"<[^<>]*>")
_STRAY = frozenset("\"';")  # what Moodle's own exports leave after a closing brace
_MESSAGE_PREVIEW = 60


# --- Reading ---------------------------------------------------------------------------------


class _Escapes:
    """GIFT's escapes, hidden behind placeholder characters while a question is taken apart.

    The placeholders are private-use characters the file does not contain, so an escaped ``=``
    never splits answers and comes back as ``=`` in the text (Moodle does the same with
    ``&&061;`` and the like).
    """

    def __init__(self, text: str) -> None:
        base = 0xE000
        while any(chr(base + i) in text for i in range(len(_CONTROL))) and base < 0xF800:
            base += len(_CONTROL)
        self._hidden = {c: chr(base + i) for i, c in enumerate(_CONTROL)}
        self._shown = [(v, "\n" if k == "n" else k) for k, v in self._hidden.items()]

    def hide(self, text: str) -> str:
        return _ESCAPE.sub(self._one, text) if "\\" in text else text

    def _one(self, match: re.Match[str]) -> str:
        char = match[1]
        return "\\" if char == "\\" else self._hidden[char]

    def show(self, text: str) -> str:
        for hidden, char in self._shown:  # faster than str.translate on short texts
            if hidden in text:
                text = text.replace(hidden, char)
        return text


class _Unreadable(Exception):
    """A question the bank cannot hold; the message is the reason in the report."""


@dataclass
class _Block:
    """One question's lines (comments and category lines taken out) and what came before it."""

    lines: list[tuple[int, str]]
    category: str | None
    meta_line: int | None
    meta_text: str | None
    last: bool


def parse(text: str, media: MediaStore) -> Parsed:
    """Read a GIFT file into drafts; every question the bank cannot hold is reported with its line."""
    parsed = Parsed()
    escapes = _Escapes(text)
    for block in _blocks(text, parsed):
        start = block.lines[0][0]
        meta, extra, notes = _metadata(block)
        reader = _QuestionReader(escapes, media, block, ours=extra is not None)
        name = reader.name()
        try:
            fields = reader.read()
        except _Unreadable as error:
            parsed.skipped.append(Skipped(line=start, name=name, reason=str(error)))
            continue
        notes += reader.notices
        if extra is not None:
            _restore(fields, extra, meta, notes)
        _finish(fields, notes)
        known = QUESTION_CLASSES[QuestionType(fields["type"])].model_fields
        for key in [key for key in meta if key not in known]:
            notes.append(f"the metadata's {key} does not apply to a {fields['type']} question and is left out")
            del meta[key]
        parsed.drafts.append(Draft(line=start, name=name, fields=fields, category=block.category, meta=meta, notices=notes))
    return parsed


def _blocks(text: str, parsed: Parsed) -> Iterator[_Block]:
    """The file's questions, split on blank lines as Moodle does, with their category and metadata."""
    category: str | None = None
    meta_line: int | None = None
    meta_text: str | None = None
    lines: list[tuple[int, str]] = []
    pending: _Block | None = None
    all_lines = text.split("\n") if "\n" in text or "\r" not in text else text.split("\r")  # old Mac files: CR only
    for number, raw in enumerate(all_lines, start=1):
        line = raw.strip(_PHP_SPACE)
        if line.startswith(META_PREFIX):
            if meta_text is not None and not lines:
                parsed.notices.append(Notice(line=meta_line, name="", message=_LONE_META))
            meta_line, meta_text = number, line.removeprefix(META_PREFIX).strip()
        elif line.startswith("//"):
            pass
        elif line and not lines and line.startswith("$CATEGORY:"):
            category = _unescaped(line.removeprefix("$CATEGORY:"))
        elif line:
            lines.append((number, line))
        if (not line or number == len(all_lines)) and lines:
            if pending is not None:
                yield pending
            pending = _Block(lines, category, meta_line, meta_text, last=False)
            lines, meta_line, meta_text = [], None, None
    if pending is not None:
        pending.last = True
        yield pending
    if meta_text is not None:
        parsed.notices.append(Notice(line=meta_line, name="", message=_LONE_META))


_LONE_META = "a metadata comment with no question after it is ignored"


def _unescaped(text: str) -> str:
    """A GIFT text with its escapes undone (``\\:`` is ``:``), trimmed: a category path, a title."""
    escapes = _Escapes(text)
    return escapes.show(escapes.hide(text)).strip()


class _QuestionReader:
    """Takes one question apart, as Moodle's ``readquestion`` does."""

    def __init__(self, escapes: _Escapes, media: MediaStore, block: _Block, *, ours: bool) -> None:
        self.escapes = escapes
        self.media = media
        self.block = block
        self.ours = ours
        self.notices: list[str] = []
        self.full = escapes.hide("\n".join(line for _, line in block.lines))
        text = self.full.strip(_PHP_SPACE)
        self.base = len(self.full) - len(self.full.lstrip(_PHP_SPACE))  # where ``text`` starts in ``full``, to give lines
        self.title: str | None = None
        if text.startswith("::"):
            end = text.find("::", 2)
            if end >= 0:
                self.title = escapes.show(text[2:end]).strip() or None
                rest = text[end + 2 :]
                self.base += end + 2 + len(rest) - len(rest.lstrip(_PHP_SPACE))
                text = rest.strip(_PHP_SPACE)
            else:
                text = text[2:]
                self.base += 2
        self.text = text

    def name(self) -> str:
        """The title, or else the first words of the text, as Moodle names an untitled question."""
        if self.title:
            return self.title
        head = self.text.split("{", 1)[0]
        prefix = _FORMAT.match(head)
        words = " ".join(_TAGS.sub(" ", self.escapes.show(head[prefix.end() :] if prefix else head)).split())
        return (words[:_MESSAGE_PREVIEW] + ("…" if len(words) > _MESSAGE_PREVIEW else "")) or "(untitled)"

    def _line(self, position: int) -> int:
        """The file line of a position in ``self.text``."""
        return self.block.lines[self.full.count("\n", 0, self.base + position)][0]

    def read(self) -> dict[str, Any]:
        """The question's fields in bank-file shape (a matching question's as ``pairs``, finished later).

        Raises:
            _Unreadable: the bank cannot hold the question.
        """
        text = self.text
        start, finish = text.find("{"), text.find("}")
        if start < 0 and finish < 0:
            raise _Unreadable("a description (text with no answer block): the bank holds only questions")
        if start < 0:
            raise _Unreadable(f"a closing brace on line {self._line(finish)} has no opening brace")
        if finish < 0:
            if self.block.last:
                raise _Unreadable(f"the file ends inside the answer block opened on line {self._line(start)}: is the file truncated?")
            raise _Unreadable(
                f"the answer block opened on line {self._line(start)} is never closed (no closing brace before the blank line)"
            )
        if finish < start:
            raise _Unreadable(f"a closing brace on line {self._line(finish)} comes before the opening one")
        answer = text[start + 1 : finish].strip(_PHP_SPACE)
        before, after = text[:start], text[finish + 1 :]
        if "{" in after:
            raise _Unreadable("more than one answer block in one question (Cloze-like): the bank holds one answer per question")
        trailing = after.strip(_PHP_SPACE)
        if trailing and set(trailing) <= _STRAY:
            self.notices.append(f"ignored the stray {trailing!r} after the answer block")
            trailing = ""
        blank = _blank_token(text)
        question = before if not trailing else before + blank + after
        general = ""
        cut = answer.rfind("####")
        if cut >= 0:
            general = answer[cut + 4 :]
            answer = answer[:cut].strip(_PHP_SPACE)
        prompt, fmt = self.convert(question)
        prompt = prompt.replace(blank, BLANK)
        fields: dict[str, Any] = {"prompt": prompt}
        explanation, _ = self.convert(general, fmt)
        if explanation:
            fields["explanation"] = explanation
        if not answer:
            raise _Unreadable("an essay question (an empty answer block): the bank has no essay type")
        if _CLOZE.match(answer):
            raise _Unreadable("an embedded-answers (Cloze) question: the bank cannot hold it")
        if answer.startswith("#"):
            fields.update(self.numeric(answer[1:], fmt))
        elif "~" in answer:
            fields.update(self.choice(answer, fmt))
        elif "=" in answer and "->" in answer:
            fields.update(self.matching(answer, fmt))
        elif answer.split("#", 1)[0].strip(_PHP_SPACE) in ("T", "TRUE", "F", "FALSE"):
            fields.update(self.true_false(answer, fmt))
        else:
            fields.update(self.short_answer(answer, fmt))
        return fields

    # Texts ------------------------------------------------------------------------------------

    def convert(self, raw: str, default: TextFormat = TextFormat.MOODLE) -> tuple[str, TextFormat]:
        """A text of the file as safe Markdown, and its format (an ``[html]``-like prefix, else ``default``)."""
        raw = raw.strip(_PHP_SPACE)
        fmt = default
        prefix = _FORMAT.match(raw)
        if prefix:
            fmt = TextFormat(prefix[1])
            raw = raw[prefix.end() :]
        text = self.escapes.show(raw).strip(_PHP_SPACE)
        if not text:
            return "", fmt
        if fmt is TextFormat.MARKDOWN:
            return _markdown(text), fmt
        return to_markdown(text, fmt, images=self._image), fmt

    def _image(self, source: str, alt: str) -> str | None:
        embedded = _DATA_IMAGE.fullmatch(source.strip())
        if embedded is None:
            self.notices.append(f"left out the image {alt!r} ({source[:60]}): GIFT carries no image files, only images embedded as data")
            return None
        try:
            return self.media.put(base64.b64decode(embedded["data"], validate=False), alt)
        except (MediaRefused, binascii.Error, ValueError) as error:
            self.notices.append(f"left out the image {alt!r}: {error}")
            return None

    def plain(self, raw: str, *, formats: bool = True) -> str:
        """A text Moodle keeps as typed (a short answer, a matching choice), without tags; Moodle
        takes a format prefix off a short answer (``formats``) but not off a matching choice."""
        raw = raw.strip(_PHP_SPACE)
        prefix = _FORMAT.match(raw) if formats else None
        if prefix:
            raw = raw[prefix.end() :]
        return _markdown(self.escapes.show(raw))

    def comment(self, raw: str, fmt: TextFormat) -> tuple[str, str | None]:
        """An answer and its ``#`` feedback (None when there is none)."""
        text, _, feedback = raw.partition("#")
        converted, _ = self.convert(feedback, fmt)
        return text, converted or None

    # Types --------------------------------------------------------------------------------------

    def choice(self, answer: str, fmt: TextFormat) -> dict[str, Any]:
        single = "=" in answer
        parts = answer.replace("=", "~=").split("~")
        if parts and not parts[0].strip(_PHP_SPACE):
            parts.pop(0)
        if len(parts) < 2:
            raise _Unreadable("a multiple-choice question needs at least two answers")
        options = []
        for position, part in enumerate(parts):
            part = part.strip(_PHP_SPACE)
            weight = 0.0
            if part.startswith("="):
                weight, part = 1.0, part[1:]
            elif weighted := _WEIGHT.match(part):
                weight, part = _percent(weighted[1]), part[weighted.end() :]
            text, feedback = self.comment(part, fmt)
            option: dict[str, Any] = {"id": _letter(position), "text": self.convert(text, fmt)[0]}
            if feedback:
                option["feedback"] = feedback
            if single:
                option["correct"] = weight >= 1.0
                if 0 < weight < 1:
                    self.notices.append(
                        f"answer {position + 1} earned {as_percent(weight)}%: a single-choice question gives no partial credit"
                    )
                elif weight < 0:
                    self.notices.append(f"answer {position + 1} cost {as_percent(-weight)}%: a single-choice question takes no marks off")
            else:
                option["correct"] = weight > 0
                option["weight"] = weight
            options.append(option)
        return {"type": QuestionType.SINGLE_CHOICE if single else QuestionType.MULTIPLE_RESPONSE, "options": options}

    def matching(self, answer: str, fmt: TextFormat) -> dict[str, Any]:
        parts = answer.split("=")
        if parts and not parts[0].strip(_PHP_SPACE):
            parts.pop(0)
        if len(parts) < 2:
            raise _Unreadable("a matching question needs at least two pairs")
        pairs: list[tuple[str, str]] = []
        for part in parts:
            left, arrow, right = part.strip(_PHP_SPACE).partition("->")
            if not arrow:
                raise _Unreadable(f"a matching answer without '->': {self.escapes.show(part).strip()!r}")
            right_text = self.plain(right, formats=False) if self.ours else plain_to_markdown(self.escapes.show(right).strip(_PHP_SPACE))
            pairs.append((self.convert(left, fmt)[0], right_text))
        return {"type": QuestionType.MATCHING, "pairs": pairs}

    def true_false(self, answer: str, fmt: TextFormat) -> dict[str, Any]:
        parts = [*answer.split("#", 2), "", ""]
        value = parts[0].strip(_PHP_SPACE) in ("T", "TRUE")
        wrong, _ = self.convert(parts[1], fmt)
        right, _ = self.convert(parts[2], fmt)
        fields: dict[str, Any] = {"type": QuestionType.TRUE_FALSE, "answer": value}
        fields["feedback_true"] = (right if value else wrong) or None
        fields["feedback_false"] = (wrong if value else right) or None
        return fields

    def short_answer(self, answer: str, fmt: TextFormat) -> dict[str, Any]:
        parts = answer.split("=")
        if parts and not parts[0].strip(_PHP_SPACE):
            parts.pop(0)
        answers: list[dict[str, Any]] = []
        wrong: str | None = None
        for part in parts:
            part = part.strip(_PHP_SPACE)
            credit = 1.0
            if weighted := _WEIGHT.match(part):
                credit, part = _percent(weighted[1]), part[weighted.end() :]
            text, feedback = self.comment(part, fmt)
            accepted = self.plain(text)
            if accepted and not accepted.replace("*", "").strip():
                if credit:
                    self.notices.append(
                        f"left out the catch-all answer {accepted!r} worth {as_percent(credit)}%: "
                        "the bank gives nothing for an answer it does not list"
                    )
                if wrong is None and feedback:
                    wrong = feedback
                continue
            entry: dict[str, Any] = {"text": accepted, "credit": credit}
            if feedback:
                entry["feedback"] = feedback
            answers.append(entry)
        if not answers:
            raise _Unreadable("a short-answer question with no answer to accept")
        return {"type": QuestionType.SHORT_ANSWER, "answers": answers, "wrong_feedback": wrong}

    def numeric(self, answer: str, fmt: TextFormat) -> dict[str, Any]:
        wrong: str | None = None
        tilde = answer.find("~")
        if tilde >= 0:
            _, wrong = self.comment(answer[tilde:], fmt)
            answer = answer[:tilde]
        parts = answer.split("=")
        if parts and not parts[0].strip(_PHP_SPACE):
            parts.pop(0)
        if not parts:
            raise _Unreadable("a numeric question with no number to accept")
        bands = []
        for part in parts:
            part = part.strip(_PHP_SPACE)
            credit = 1.0
            if weighted := _WEIGHT.match(part):
                credit, part = _percent(weighted[1]), part[weighted.end() :]
            text, feedback = self.comment(part, fmt)
            band: dict[str, Any] = {**self._band(text), "credit": credit}
            if feedback:
                band["feedback"] = feedback
            bands.append(band)
        return {"type": QuestionType.NUMERIC, "answers": bands, "wrong_feedback": wrong}

    def _band(self, text: str) -> dict[str, float]:
        text = text.strip(_PHP_SPACE)
        if text.find("..") > 0:
            low, _, high = text.partition("..")
            return {"min": self._number(low), "max": self._number(high)}
        if text.find(":") > 0:
            value, _, tolerance = text.partition(":")
            return {"value": self._number(value), "tolerance": self._number(tolerance)}
        return {"value": self._number(text)}

    def _number(self, raw: str) -> float:
        shown = self.escapes.show(raw).strip()
        if not _NUMBER.fullmatch(shown):
            raise _Unreadable(f"a numeric answer that is not a number: {shown!r}")
        return float(shown)


def _percent(text: str) -> float:
    """A ``%n%`` weight as a fraction, exactly as written: ``33.33333`` is 0.3333333, not 0.33333329999999994."""
    return float(Decimal(text) / 100)


def _markdown(text: str) -> str:
    """Markdown kept as Markdown (:func:`clean_markdown`), skipping the work for the usual one-line
    text with no tag, no link and no space at its ends, which it would return unchanged."""
    if "<" in text or "](" in text or "\n" in text or "\r" in text or text != text.strip():
        return clean_markdown(text)
    return text


def _blank_token(text: str) -> str:
    """A word the text does not hold, to mark the blank through the text conversion."""
    token = "giftblank"
    while token in text:
        token += "x"
    return token


def _letter(position: int) -> str:
    return chr(ord("a") + position) if position < 26 else f"o{position + 1}"


# --- Our metadata ------------------------------------------------------------------------------


_PRIVATE_KEYS = ("type", "options", "items", "choices", "distractors", "exact")


def _metadata(block: _Block) -> tuple[dict[str, Any], dict[str, Any] | None, list[str]]:
    """The block's ``// learning:`` comment: its bank fields (each checked), our other keys
    (None when the question has no readable comment), and notices."""
    if block.meta_text is None:
        return {}, None, []
    try:
        data = json.loads(block.meta_text)
    except json.JSONDecodeError as error:
        return {}, None, [f"the metadata comment on line {block.meta_line} is not valid JSON ({error.msg}): read as a plain GIFT question"]
    if not isinstance(data, dict):
        return {}, None, [f"the metadata comment on line {block.meta_line} is not a JSON object: read as a plain GIFT question"]
    notes: list[str] = []
    given = {key: data[key] for key in META_FIELDS if key in data}
    meta: dict[str, Any] = {}
    for _ in range(2):  # a second time without the fields that did not fit
        try:
            meta = _meta_model().model_validate(given).model_dump(exclude_unset=True)
            break
        except ValidationError as error:
            for problem in error.errors():
                key = str(problem["loc"][0])
                if given.pop(key, None) is not None or key in data:
                    notes.append(f"the metadata's {key} is left out: {problem['msg']}")
    if isinstance(meta.get("scenario"), str):
        meta["scenario"] = clean_markdown(meta["scenario"])
    extra = {key: data[key] for key in _PRIVATE_KEYS if key in data}
    unknown = sorted(set(data) - set(META_FIELDS) - set(_PRIVATE_KEYS))
    if unknown:
        notes.append(f"the metadata's {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not known and left out")
    return meta, extra, notes


@cache
def _meta_model() -> type[BaseModel]:
    """A model of the metadata's bank fields, each as the question models check it (``scoring`` as
    multiple response does...), each optional: one validation a question."""
    fields: dict[str, Any] = {}
    for key in META_FIELDS:
        info = next(cls.model_fields[key] for cls in QUESTION_CLASSES.values() if key in cls.model_fields)
        annotation: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        fields[key] = (annotation | None, None)
    model: type[BaseModel] = create_model("GiftMetadata", **fields)
    return model


def _restore(fields: dict[str, Any], extra: dict[str, Any], meta: dict[str, Any], notes: list[str]) -> None:
    """Our exact ids, pinned flags, credits and texts from the metadata, where they fit the question."""
    kind = fields.get("type")
    scenario = meta.get("scenario")
    if isinstance(scenario, str):
        head = scenario + "\n\n"
        if fields.get("prompt", "").startswith(head):
            fields["prompt"] = fields["prompt"][len(head) :]
        else:
            meta.pop("scenario")
            notes.append("the question text does not start with the metadata's scenario: the scenario is left in the text")
    try:
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE) and "options" in extra:
            _restore_options(fields, extra)
        elif kind == QuestionType.MATCHING and extra.get("type") == QuestionType.ORDERING:
            _restore_ordering(fields, extra)
        elif kind == QuestionType.MATCHING and "items" in extra:
            _restore_matching(fields, extra)
    except (_Mismatch, TypeError, KeyError, ValueError) as error:
        notes.append(f"the metadata's ids do not fit the question ({error}): ids were given afresh")
        return
    try:
        _restore_exact(fields, extra.get("exact") or {}, notes)
    except (_Mismatch, TypeError, KeyError, IndexError, ValueError) as error:
        notes.append(f"the metadata's exact values do not fit the question ({error}): the file's values are kept")


class _Mismatch(Exception):
    """The metadata names more or fewer parts than the question has."""


def _ids(entries: object, count: int, what: str) -> list[dict[str, Any]]:
    if (
        not isinstance(entries, list)
        or len(entries) != count
        or not all(isinstance(e, dict) and isinstance(e.get("id"), str) for e in entries)
    ):
        raise _Mismatch(f"{count} {what} in the question")
    return entries


def _restore_options(fields: dict[str, Any], extra: dict[str, Any]) -> None:
    options = fields["options"]
    entries = _ids(extra.get("options"), len(options), "options")
    fields["options"] = [
        {**option, "id": entry["id"], **({"pinned": True} if entry.get("pinned") is True else {})}
        for option, entry in zip(options, entries, strict=True)
    ]


def _restore_matching(fields: dict[str, Any], extra: dict[str, Any]) -> None:
    pairs: list[tuple[str, str]] = fields["pairs"]
    items = [(left, right) for left, right in pairs if left]
    spare = [right for left, right in pairs if not left]
    entries = _ids(extra.get("items"), len(items), "items")
    distractors = extra.get("distractors") or []
    order = extra.get("choices")
    if not isinstance(order, list) or not isinstance(distractors, list) or len(distractors) != len(spare):
        raise _Mismatch("choices")
    texts: dict[str, str] = {}
    for (_, right), entry in zip(items, entries, strict=True):
        texts.setdefault(str(entry["answer"]), right)
    for choice_id, right in zip(distractors, spare, strict=True):
        texts[str(choice_id)] = right
    if set(texts) != set(order):
        raise _Mismatch("choices")
    fields.pop("pairs")
    fields["choices"] = [{"id": choice_id, "text": texts[choice_id]} for choice_id in order]
    fields["items"] = [
        {
            "id": entry["id"],
            "text": left,
            "answer": entry["answer"],
            **({"feedback": clean_markdown(entry["feedback"])} if entry.get("feedback") else {}),
        }
        for (left, _), entry in zip(items, entries, strict=True)
    ]


def _restore_ordering(fields: dict[str, Any], extra: dict[str, Any]) -> None:
    pairs: list[tuple[str, str]] = fields["pairs"]
    entries = _ids(extra.get("items"), len(pairs), "items")
    ranked = []
    for (left, right), entry in zip(pairs, entries, strict=True):
        rank = _ORDINAL.fullmatch(right.replace("\\", ""))
        if rank is None or not left:
            raise _Mismatch(f"{right!r} is not a position")
        ranked.append((int(rank[1]), entry["id"], left))
    ranked.sort()
    fields.pop("pairs")
    fields["type"] = QuestionType.ORDERING
    fields["items"] = [{"id": item_id, "text": text} for _, item_id, text in ranked]


_EXACT_KEYS = frozenset({"weight", "credit", "text", "feedback", "wrong_feedback"})
_EXACT_LISTS = frozenset({"options", "answers", "items"})


def _restore_exact(fields: dict[str, Any], exact: object, notes: list[str]) -> None:
    """Values the writer had to change for Moodle, put back where the file still has what was written.

    A number is kept as ``[exact, written]`` (``{"options.2.weight": [0.35, 0.3333333]}``), a text
    whose ``->`` had to be written ``-\\>`` as the text itself. A value someone changed in the
    file since (by hand, in a text editor) is the file's: the stale exact one is not applied.
    """
    if not isinstance(exact, dict):
        raise _Mismatch("exact values")
    for path, value in exact.items():
        *steps, last = str(path).split(".")
        if last not in _EXACT_KEYS or (steps and steps[0] not in _EXACT_LISTS) or len(steps) not in (0, 2):
            raise _Mismatch(path)
        target: Any = fields
        for step in steps:
            target = target[int(step)] if isinstance(target, list) else target[step]
        if not isinstance(target, dict):
            raise _Mismatch(path)
        current = target.get(last)
        if isinstance(value, str):
            fits = current == _markdown(value.replace("->", "-\\>"))
            value = _markdown(value)
        elif isinstance(value, list) and len(value) == 2 and all(v is None or isinstance(v, (int, float)) for v in value):
            value, written = value
            fits = isinstance(current, (int, float)) and written is not None and abs(current - written) <= TOLERANCE
        else:
            raise _Mismatch(path)
        if fits:
            target[last] = value
        else:
            notes.append(f"{path} was changed in the file since it was written: the file's value is kept")


def _matching_fields(fields: dict[str, Any]) -> None:
    """A matching question from its pairs: choices are the distinct right-hand sides, items the pairs with a left side."""
    pairs: list[tuple[str, str]] | None = fields.pop("pairs", None)
    if pairs is None:
        return
    choice_ids: dict[str, str] = {}
    for _, right in pairs:
        choice_ids.setdefault(right, f"c{len(choice_ids) + 1}")
    fields["choices"] = [{"id": choice_id, "text": text} for text, choice_id in choice_ids.items()]
    fields["items"] = [
        {"id": f"i{position}", "text": left, "answer": choice_ids[right]}
        for position, (left, right) in enumerate(((lf, r) for lf, r in pairs if lf), 1)
    ]


def _finish(fields: dict[str, Any], notes: list[str]) -> None:
    """A matching question's pairs made items and choices (when the metadata gave no ids), and
    multiple-response weights of the right answers made to add up to 1, as the bank requires."""
    if fields.get("type") == QuestionType.MATCHING:
        _matching_fields(fields)
    if fields.get("type") != QuestionType.MULTIPLE_RESPONSE:
        return
    positive = [o for o in fields["options"] if o.get("correct") and o.get("weight") is not None]
    total = sum(o["weight"] for o in positive)
    if positive and len(positive) == sum(bool(o.get("correct")) for o in fields["options"]) and abs(total - 1.0) > 1e-6:
        for option in positive:
            option["weight"] = option["weight"] / total
        notes.append(f"the right answers' weights added up to {as_percent(total)}%, not 100%: each was scaled by the same factor")


# --- Writing -----------------------------------------------------------------------------------


def write(questions: Sequence[QuestionBase], media: MediaStore) -> Exported:
    """``questions`` as a GIFT file Moodle imports, with a ``$CATEGORY`` line per lesson and our metadata before each."""
    del media  # GIFT has no place for image files: an image stays a reference to the bank's media folder
    out: list[str] = []
    adjustments: list[Adjustment] = []
    lesson: str | None = None
    for question in questions:
        if question.lesson != lesson:
            lesson = question.lesson
            out.append(f"$CATEGORY: $course$/top/{lesson}\n\n")
        writer = _QuestionWriter(question)
        body = writer.body()
        adjustments.extend(writer.adjustments)
        meta = json.dumps(writer.meta, ensure_ascii=False, separators=(",", ":"))
        out.append(f"{META_PREFIX} {meta}\n{body}\n\n")
    return Exported(format=Format.GIFT, content="".join(out).encode("utf-8"), adjustments=adjustments)


def escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped and its line breaks written ``\\n``."""
    return (
        text.replace("\\", "\\\\")
        .replace("~", "\\~")
        .replace("=", "\\=")
        .replace("#", "\\#")
        .replace("{", "\\{")
        .replace("}", "\\}")
        .replace(":", "\\:")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _text(text: str) -> str:
    """A text in the question's format (Markdown): a leading ``[`` gets the format named, so it is not read as one."""
    escaped = escape(text)
    return "[markdown]" + escaped if escaped.startswith("[") else escaped


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _ordinal(position: int) -> str:
    suffix = "th" if 10 <= position % 100 <= 20 else _ORDINAL_SUFFIXES.get(position % 10, "th")
    return f"{position}{suffix}"


class _QuestionWriter:
    """One question as GIFT lines, its metadata and the credits it had to snap."""

    def __init__(self, question: QuestionBase) -> None:
        self.question = question
        data = question.model_dump(mode="json", exclude_defaults=True)
        data["version"] = question.version
        self.meta: dict[str, Any] = {key: data[key] for key in META_FIELDS if key in data}
        self.exact: dict[str, Any] = {}
        self.adjustments: list[Adjustment] = []

    def body(self) -> str:
        q = self.question
        prompt = f"{q.scenario}\n\n{q.prompt}" if q.scenario else q.prompt
        head = f"::{escape(q.id)}::[markdown]{escape(prompt)}"
        match q:
            case SingleChoiceQuestion():
                lines = self.single(q)
            case MultipleResponseQuestion():
                lines = self.multiple(q)
            case TrueFalseQuestion():
                lines = [self.true_false(q)]
            case MatchingQuestion():
                lines = self.matching(q)
            case OrderingQuestion():
                lines = self.ordering(q)
            case ShortAnswerQuestion():
                lines = self.short_answer(q)
            case NumericQuestion():
                lines = self.numeric(q)
            case _:  # pragma: no cover - every type is above
                raise TypeError(q.type)
        if self.exact:
            self.meta["exact"] = self.exact
        general = f"####{_text(q.explanation)}"
        if isinstance(q, TrueFalseQuestion):
            return f"{head}{{{lines[0]}{general}}}"
        opening = "{#" if isinstance(q, NumericQuestion) else "{"
        return "\n".join([head + opening, *(f"\t{line}" for line in lines), f"\t{general}", "}"])

    def _changed(self, where: str, given: float | None, written: float, *, exact: float) -> None:
        """Keep ``given`` in the metadata when Moodle gets another number, and report a real change."""
        path = where.replace("[", ".").replace("]", "")
        if given is None or given != written:
            self.exact[path] = [given, written]
        if abs(written - exact) > TOLERANCE:
            self.adjustments.append(Adjustment(question_id=self.question.id, where=where, given=exact, written=written))

    def _credit(self, value: float, where: str) -> float:
        written = snap(value)
        self._changed(where, value, written, exact=value)
        return written

    @staticmethod
    def _feedback(feedback: str | None) -> str:
        return f"#{_text(feedback)}" if feedback else ""

    def _options_meta(self, question: SingleChoiceQuestion | MultipleResponseQuestion) -> None:
        self.meta["options"] = [{"id": o.id, **({"pinned": True} if o.pinned else {})} for o in question.options]

    def single(self, q: SingleChoiceQuestion) -> list[str]:
        self._options_meta(q)
        lines = []
        for option in q.options:
            text = _text(option.text)
            mark = "=" if option.correct else ("~%0%" if text.startswith("%") else "~")
            lines.append(f"{mark}{text}{self._feedback(option.feedback)}")
        return lines

    def multiple(self, q: MultipleResponseQuestion) -> list[str]:
        self._options_meta(q)
        weights = q.weights()
        written = snap_weights([weights[o.id] for o in q.options])
        lines = []
        for position, (option, moodle) in enumerate(zip(q.options, written, strict=True)):
            self._changed(f"options[{position}].weight", option.weight, moodle, exact=weights[option.id])
            lines.append(f"~%{as_percent(moodle)}%{_text(option.text)}{self._feedback(option.feedback)}")
        return lines

    def true_false(self, q: TrueFalseQuestion) -> str:
        right, wrong = (q.feedback_true, q.feedback_false) if q.answer else (q.feedback_false, q.feedback_true)
        return f"{'TRUE' if q.answer else 'FALSE'}#{_text(wrong)}#{_text(right)}"

    def _arrowless(self, text: str, where: str) -> str:
        """``text`` as GIFT (:func:`_text`), with ``->`` written ``-\\>``: a bare one would split a
        matching pair, or make Moodle read a short answer as matching. The exact text goes in the metadata."""
        if "->" not in text:
            return _text(text)
        self.exact[where] = text
        return _text(text).replace("->", "-\\>")

    def matching(self, q: MatchingQuestion) -> list[str]:
        texts = {c.id: c.text for c in q.choices}
        used = {i.answer for i in q.items}
        distractors = [c.id for c in q.choices if c.id not in used]
        self.meta["items"] = [{"id": i.id, "answer": i.answer, **({"feedback": i.feedback} if i.feedback else {})} for i in q.items]
        self.meta["choices"] = [c.id for c in q.choices]
        if distractors:
            self.meta["distractors"] = distractors
        lines = [f"={self._arrowless(i.text, f'items.{n}.text')} -> {escape(texts[i.answer])}" for n, i in enumerate(q.items)]
        return lines + [f"= -> {escape(texts[choice])}" for choice in distractors]

    def ordering(self, q: OrderingQuestion) -> list[str]:
        self.meta["type"] = QuestionType.ORDERING.value
        self.meta["items"] = [{"id": i.id} for i in q.items]
        return [f"={self._arrowless(i.text, f'items.{n}.text')} -> {_ordinal(n + 1)}" for n, i in enumerate(q.items)]

    def short_answer(self, q: ShortAnswerQuestion) -> list[str]:
        lines = []
        for n, answer in enumerate(q.answers):
            credit = self._credit(answer.credit, f"answers[{n}].credit")
            text = self._arrowless(answer.text, f"answers.{n}.text")
            feedback = f"#{self._arrowless(answer.feedback, f'answers.{n}.feedback')}" if answer.feedback else ""
            lines.append(f"=%{as_percent(credit)}%{text}{feedback}")
        lines.append(f"=%0%*#{self._arrowless(q.wrong_feedback, 'wrong_feedback')}")
        return lines

    def numeric(self, q: NumericQuestion) -> list[str]:
        lines = []
        for n, band in enumerate(q.answers):
            credit = self._credit(band.credit, f"answers[{n}].credit")
            lines.append(f"=%{as_percent(credit)}%{_band(band)}{self._feedback(band.feedback)}")
        lines.append(f"~{self._feedback(q.wrong_feedback)}")
        return lines


def _band(band: NumericAnswer) -> str:
    if band.value is not None:
        return f"{_number(band.value)}:{_number(band.tolerance)}"
    low, high = band.bounds()
    return f"{_number(low)}..{_number(high)}"
