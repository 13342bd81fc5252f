"""A stand-in format module for the app's import and export tests, until the real ones are here.

It has the interface of :mod:`learning.interchange`'s format modules (``parse`` and ``write``)
and reads a small part of GIFT: blocks separated by blank lines, ``::name::``, ``[html]``,
``{T}``/``{F}``, ``{=right ~wrong ...}`` and ``{}`` (an essay, reported and skipped), with the
bank's own fields in a line ``// learning: {JSON}`` before a question. It writes one line per
question, leaves matching and ordering questions out and reports an adjustment for each multiple
response question, so the bank page's lists of both can be tested. Installed with
:func:`install`, it serves every format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from types import SimpleNamespace

import pytest

from learning import interchange
from learning.interchange import Adjustment, Draft, Exported, Format, MediaStore, Parsed, Skipped
from learning.interchange.text import TextFormat, to_markdown
from learning.questions import QuestionBase

_NAME = re.compile(r"^::(?P<name>.*?)::\s*")
_ANSWERS = re.compile(r"\{(?P<answers>[^{}]*)\}\s*$", re.DOTALL)
_FORMAT = re.compile(r"^\[(?P<format>html|plain|markdown|moodle)\]\s*")


def parse(text: str, media: MediaStore) -> Parsed:
    """Blocks of the GIFT subset above into drafts; an essay or an unreadable block is skipped."""
    parsed = Parsed()
    meta: dict = {}
    category: str | None = None
    block: list[str] = []
    start = 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if stripped.startswith("// learning:"):
            meta = json.loads(stripped.removeprefix("// learning:"))
        elif stripped.startswith("$CATEGORY:"):
            category = stripped.removeprefix("$CATEGORY:").strip()
        elif stripped.startswith("//"):
            continue
        elif stripped:
            if not block:
                start = number
            block.append(stripped)
        elif block:
            _question(" ".join(block), start, meta, category, parsed)
            block, meta = [], {}
    return parsed


def _question(text: str, line: int, meta: dict, category: str | None, parsed: Parsed) -> None:
    named = _NAME.match(text)
    name = named["name"] if named else ""
    text = text[named.end() :] if named else text
    answers = _ANSWERS.search(text)
    if answers is None:
        parsed.skipped.append(Skipped(line=line, name=name or text[:40], reason="no answers in braces"))
        return
    body = text[: answers.start()].strip()
    kind = _FORMAT.match(body)
    prompt = to_markdown(body[kind.end() :] if kind else body, TextFormat(kind["format"]) if kind else TextFormat.MOODLE)
    name = name or " ".join(prompt.split()[:5])
    inside = answers["answers"].strip()
    if not inside:
        parsed.skipped.append(Skipped(line=line, name=name, reason="an essay question: the bank has no essay type"))
        return
    if inside.upper() in ("T", "TRUE", "F", "FALSE"):
        fields = {"type": "true_false", "prompt": prompt, "answer": inside.upper().startswith("T")}
    else:
        marks = re.findall(r"([=~])([^=~]+)", inside)
        options = [{"id": chr(ord("a") + n), "text": option.strip(), "correct": mark == "="} for n, (mark, option) in enumerate(marks)]
        fields = {"type": "single_choice", "prompt": prompt, "options": options}
    parsed.drafts.append(Draft(line=line, name=name, fields=fields, category=category, meta=dict(meta)))


def write(questions: Sequence[QuestionBase], media: MediaStore, fmt: Format = Format.GIFT) -> Exported:
    """One line per question (matching and ordering left out); an adjustment per multiple response."""
    lines: list[str] = []
    left_out: list[Skipped] = []
    adjustments: list[Adjustment] = []
    for number, question in enumerate(questions, start=1):
        if question.type in ("matching", "ordering"):
            left_out.append(Skipped(line=number, name=question.id, reason=f"the stand-in format carries no {question.type} question"))
            continue
        if question.type == "multiple_response":
            adjustments.append(Adjustment(question_id=question.id, where="option b", given=0.35, written=0.3333333))
        lines.append(f"// learning: {json.dumps({'id': question.id})}\n::{question.id}:: {question.prompt} {{}}\n")
    return Exported(format=fmt, content="\n".join(lines).encode(), adjustments=adjustments, left_out=left_out)


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve every format with this module (the app runs in the test's process)."""

    def module(fmt: Format) -> SimpleNamespace:
        return SimpleNamespace(parse=parse, write=lambda questions, media: write(questions, media, fmt))

    monkeypatch.setattr(interchange, "_module", module)
