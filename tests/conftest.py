"""Small, local fixtures: a two-lesson course with one question of every type, on ``tmp_path``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from learning.questions import QUESTION_ADAPTER

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REQUIRE_ALL = bool(os.environ.get("LEARNING_REQUIRE_ALL"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, *, alive: Callable[[], bool], log: Path, what: str = "the app", timeout: float = 90) -> None:
    """Wait until the server at ``url`` answers Streamlit's health check (nginx passes it on).

    Raises:
        RuntimeError: the server stopped (``alive`` says no) or did not answer within ``timeout``
            seconds; the message ends with the end of its ``log``.
    """
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            if reply.status == 200:
                return
        if time.monotonic() > deadline or not alive():
            raise RuntimeError(f"{what} did not start: {log.read_text()[-2000:] if log.exists() else ''}")
        time.sleep(0.2)


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``, or fail when CI has said every test must run (LEARNING_REQUIRE_ALL)."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (LEARNING_REQUIRE_ALL is set, so this cannot be skipped)")
    pytest.skip(reason)


@contextlib.contextmanager
def database_fault(*verbs: str, message: str = "database or disk is full") -> Iterator[None]:
    """Every statement starting with one of ``verbs`` (``INSERT``, ``SELECT``...) fails on every
    engine in the process, as when the disk fills up or the database server stops."""

    def fail(_connection, _cursor, statement: str, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith(verbs):
            raise OperationalError(statement, parameters, sqlite3.OperationalError(message))

    event.listen(Engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", fail)


SYLLABUS = """\
units:
  - {id: basics, order: 1, title: Basics, description: The basics.}
objectives:
  - {id: obj-goals, text: The learner can state the goal of each role.}
  - {id: obj-techniques, text: The learner can name the techniques.}
  - {id: obj-hours, text: The learner can state the hours of the basic course.}
"""

GLOSSARY = """\
terms:
  - {id: remedial, term: remedial, definition: Done to treat a problem.}
"""

LESSON = """\
---
id: {id}
unit: basics
order: {order}
title: {title}
summary: A short lesson for tests.
objectives: {objectives}
glossary: [remedial]
check_questions: {checks}
sections:
  - id: first
    objectives: {first}
  - id: key-takeaways
    objectives: []
---
Opening words about the lesson.

## The first part {{#first}}

Medical massage is [remedial](glossary:remedial). See [the other lesson](lesson:{other}#first).

> **In practice:** a note.

## Key takeaways {{#key-takeaways}}

- One point.
"""


def question(kind: str, **changes: object) -> dict:
    """A valid question of type ``kind`` as bank-file JSON, with ``changes`` applied."""
    base = {
        "id": f"sample-{kind.replace('_', '-')}",
        "version": 1,
        "type": kind,
        "lesson": "goals",
        "section": "first",
        "objectives": ["obj-goals"],
        "prompt": "A prompt?",
        "explanation": "Because.",
    }
    bodies: dict[str, dict] = {
        "single_choice": {
            "options": [
                {"id": "a", "text": "Relaxation", "correct": True, "feedback": "Yes."},
                {"id": "b", "text": "Diagnosis", "feedback": "No: therapists do not diagnose."},
                {"id": "c", "text": "Surgery", "feedback": "No."},
            ]
        },
        "multiple_response": {
            "options": [
                {"id": "a", "text": "Insurers", "correct": True, "feedback": "Yes."},
                {"id": "b", "text": "Courts", "correct": True, "feedback": "Yes."},
                {"id": "c", "text": "Spa owners", "feedback": "No."},
                {"id": "d", "text": "Gym members", "feedback": "No."},
            ]
        },
        "true_false": {"answer": True, "feedback_true": "Right.", "feedback_false": "Wrong."},
        "matching": {
            "items": [
                {"id": "i1", "text": "Courts", "answer": "mmt"},
                {"id": "i2", "text": "Clients", "answer": "mt"},
                {"id": "i3", "text": "Licensing boards", "answer": "both"},
                {"id": "i4", "text": "Auditors", "answer": "mmt"},
            ],
            "choices": [
                {"id": "mt", "text": "Massage therapist"},
                {"id": "mmt", "text": "Medical massage therapist"},
                {"id": "both", "text": "Both"},
                {"id": "neither", "text": "Neither"},
            ],
        },
        "ordering": {
            "items": [
                {"id": "s1", "text": "Prescription"},
                {"id": "s2", "text": "Records"},
                {"id": "s3", "text": "Treatment"},
                {"id": "s4", "text": "Maximum medical improvement"},
            ]
        },
        "short_answer": {
            "answers": [
                {"text": "deep transverse friction", "credit": 1.0, "feedback": "Right."},
                {"text": "transverse*", "credit": 0.5, "feedback": "Nearly: the full name starts with 'deep'."},
            ],
            "wrong_feedback": "It is also called deep transverse friction.",
        },
        "numeric": {
            "answers": [
                {"value": 500, "tolerance": 0, "credit": 1.0, "feedback": "Right."},
                {"min": 450, "max": 550, "credit": 0.5, "feedback": "Close."},
            ],
            "unit": "hours",
            "wrong_feedback": "The module's figure is 500 hours.",
            "objectives": ["obj-hours"],
        },
    }
    return {**base, **bodies[kind], **changes}


ALL_TYPES = ["single_choice", "multiple_response", "true_false", "matching", "ordering", "short_answer", "numeric"]


def build(kind: str, **changes: object):
    return QUESTION_ADAPTER.validate_python(question(kind, **changes))


def write_bank(folder: Path, name: str, questions: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"$schema": "schema.json", "schema_version": 1, "questions": questions}, indent=2) + "\n")
    return path


def write_course(root: Path) -> tuple[Path, Path]:
    """Write the sample course under ``root``; returns ``(lessons_dir, bank_dir)``."""
    lessons = root / "lessons"
    bank = root / "quiz_bank"
    lessons.mkdir(parents=True)
    (lessons / "syllabus.yaml").write_text(SYLLABUS)
    (lessons / "glossary.yaml").write_text(GLOSSARY)
    for lesson_id, order, title, objectives, other, checks in (
        ("goals", 1, "Goals", "[obj-goals, obj-hours]", "techniques", "[sample-single-choice]"),
        ("techniques", 2, "Techniques", "[obj-techniques]", "goals", "[]"),
    ):
        (lessons / f"{lesson_id}.md").write_text(
            LESSON.format(id=lesson_id, order=order, title=title, objectives=objectives, first=objectives, other=other, checks=checks)
        )
    write_bank(bank, "goals.json", [question(kind) for kind in ALL_TYPES])
    write_bank(
        bank,
        "techniques.json",
        [question("true_false", id="tech-tf", lesson="techniques", objectives=["obj-techniques"], critical=True)],
    )
    (bank / "quizzes").mkdir()
    (bank / "quizzes" / "goals-practice.json").write_text(
        json.dumps({"id": "goals-practice", "title": "Goals practice", "lessons": ["goals"], "feedback_mode": "practice"})
    )
    return lessons, bank


@pytest.fixture
def course_dirs(tmp_path: Path) -> tuple[Path, Path]:
    return write_course(tmp_path)


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped lessons and bank, for tests that change files."""
    for name in ("lessons", "quiz_bank"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip()
