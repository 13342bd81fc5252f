"""Loading never takes the course down: a file that cannot be read or parsed becomes a problem
naming it, and the rest of the course loads as before."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from learning import load_course
from learning.ui import services
from tests.conftest import write_course

LATIN1_QUIZ = b'{"id": "zz", "title": "caf\xe9"}'
DEEP_JSON = b'{"schema_version": 1, "questions": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
DEEP_YAML = "terms: " + "[" * 100_000 + "]" * 100_000 + "\n"
DEEP_BLOCK_YAML = "terms:\n  - " + "- " * 100_000 + "x\n"


def _bytes(relative: str, data: bytes) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / relative).write_bytes(data)

    return make


def _folder(relative: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / relative).mkdir()

    return make


def _dangling(relative: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / relative).symlink_to(root / "nowhere" / "gone.md")

    return make


FAULTS = [
    pytest.param(_bytes("quiz_bank/quizzes/zz.json", LATIN1_QUIZ), "quiz_bank/quizzes/zz.json: not UTF-8", id="quiz not UTF-8"),
    pytest.param(_bytes("quiz_bank/zz.json", b'{"questions": "caf\xe9"}'), "quiz_bank/zz.json: not UTF-8", id="bank not UTF-8"),
    pytest.param(_bytes("lessons/zz.md", b"---\nid: zz\ntitle: caf\xe9\n---\n"), "lessons/zz.md: not UTF-8", id="lesson not UTF-8"),
    pytest.param(_bytes("quiz_bank/zz.json", DEEP_JSON), "quiz_bank/zz.json: lists or objects nested too deeply", id="deep bank"),
    pytest.param(
        _bytes("quiz_bank/quizzes/zz.json", b"[" * 100_000 + b"]" * 100_000),
        "quiz_bank/quizzes/zz.json: lists or objects nested too deeply",
        id="deep quiz",
    ),
    pytest.param(
        _bytes("lessons/zz.md", ("---\nid: " + "[" * 100_000 + "]" * 100_000 + "\n---\nBody\n").encode()),
        "lessons/zz.md: lists or objects nested too deeply",
        id="deep front matter",
    ),
    pytest.param(_folder("lessons/zz.md"), "lessons/zz.md: is a folder, not a file", id="folder named like a lesson"),
    pytest.param(_folder("quiz_bank/zz.json"), "quiz_bank/zz.json: is a folder, not a file", id="folder named like a bank file"),
    pytest.param(_folder("quiz_bank/quizzes/zz.json"), "quizzes/zz.json: is a folder, not a file", id="folder named like a quiz"),
    pytest.param(_dangling("lessons/zz.md"), "lessons/zz.md: is a link to a file that does not exist", id="dangling lesson link"),
    pytest.param(_dangling("quiz_bank/zz.json"), "quiz_bank/zz.json: is a link to a file that does not exist", id="dangling bank link"),
    pytest.param(
        _dangling("quiz_bank/quizzes/zz.json"), "quizzes/zz.json: is a link to a file that does not exist", id="dangling quiz link"
    ),
]


@pytest.mark.parametrize(("make", "expected"), FAULTS)
def test_a_file_that_cannot_be_read_is_a_problem_and_the_rest_loads(tmp_path: Path, make, expected: str) -> None:
    lessons, bank = write_course(tmp_path)
    whole = load_course(lessons_dir=lessons, bank_dir=bank)
    make(tmp_path)
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert [str(p) for p in course.problems if expected in str(p)], [str(p) for p in course.problems]
    assert len(course.problems) == 1
    assert [lesson.id for lesson in course.lessons] == [lesson.id for lesson in whole.lessons]
    assert [q.id for q in course.questions] == [q.id for q in whole.questions]
    assert [q.id for q in course.quizzes] == [q.id for q in whole.quizzes]


@pytest.mark.parametrize("text", [DEEP_YAML, DEEP_BLOCK_YAML], ids=["flow", "block"])
@pytest.mark.parametrize("name", ["glossary.yaml", "syllabus.yaml"])
def test_deeply_nested_yaml_is_a_problem_not_a_crash(tmp_path: Path, name: str, text: str) -> None:
    """libyaml's loader crashes the whole process (a segmentation fault) on such a file."""
    lessons, bank = write_course(tmp_path)
    (lessons / name).write_text(text)
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert f"lessons/{name}: lists or objects nested too deeply to read" in [str(p) for p in course.problems]


UNREADABLE = ["lessons/goals.md", "quiz_bank/goals.json", "quiz_bank/quizzes/goals-practice.json", "lessons/glossary.yaml"]


@pytest.mark.parametrize("relative", UNREADABLE)
def test_an_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch, relative: str) -> None:
    """Simulated, so the test means the same run as root (who may read any file) or not."""
    lessons, bank = write_course(tmp_path)
    target = tmp_path / relative
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    shown = relative.removeprefix("quiz_bank/") if "quizzes" in relative else relative
    expected = f"{shown}: cannot be read: permission denied (the app's user needs read access)"
    assert any(str(p).endswith(expected) for p in course.problems), [str(p) for p in course.problems]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode; the simulated case above covers it")
def test_a_file_with_mode_000_is_a_problem(tmp_path: Path) -> None:
    lessons, bank = write_course(tmp_path)
    path = bank / "techniques.json"
    path.chmod(0)
    try:
        course = load_course(lessons_dir=lessons, bank_dir=bank)
    finally:
        path.chmod(0o644)
    assert "quiz_bank/techniques.json: cannot be read: permission denied (the app's user needs read access)" in [
        str(p) for p in course.problems
    ]
    assert course.lesson("goals") is not None


def test_a_new_folder_or_dangling_link_changes_the_course_stamp(tmp_path: Path) -> None:
    """Otherwise the server keeps the old course until a restart, and only then finds the fault."""
    lessons, bank = write_course(tmp_path)
    before = services._stamp(lessons, bank)
    (lessons / "zz.md").symlink_to(tmp_path / "gone.md")
    after_link = services._stamp(lessons, bank)
    (bank / "zz.json").mkdir()
    assert before != after_link != services._stamp(lessons, bank)
