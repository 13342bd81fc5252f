"""The command line: ``python -m learning validate | schema | format``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from learning.__main__ import main
from tests.conftest import ROOT, question, write_bank


def test_validate_ok_prints_a_summary(course_dirs, capsys) -> None:
    lessons, bank = course_dirs
    assert main(["validate", "--lessons", str(lessons), "--bank", str(bank)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        "OK: 2 lessons, 3 objectives, 8 active questions (matching 1, multiple_response 1, numeric 1, ordering 1, "
        "short_answer 1, single_choice 1, true_false 2), 1 quizzes"
    )


def test_validate_prints_every_problem_and_exits_1(course_dirs, capsys) -> None:
    lessons, bank = course_dirs
    write_bank(bank, "more.json", [question("true_false", id="lost", lesson="anatomy"), question("single_choice", id="q", prompt="")])
    assert main(["validate", "--lessons", str(lessons), "--bank", str(bank)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        'quiz_bank/more.json: question "q": prompt: must not be empty',
        "quiz_bank/more.json: question \"lost\": lesson: no lesson 'anatomy'",
    ]
    assert captured.err.startswith("2 problems; loaded 2 lessons")


def test_schema_check_and_write(tmp_path: Path, capsys) -> None:
    assert main(["schema", "--check", "--bank", str(tmp_path)]) == 1
    assert main(["schema", "--bank", str(tmp_path)]) == 0
    assert main(["schema", "--check", "--bank", str(tmp_path)]) == 0
    (tmp_path / "schema.json").write_text("{}")
    assert main(["schema", "--check", "--bank", str(tmp_path)]) == 1


def test_format(tmp_path: Path) -> None:
    write_bank(tmp_path, "a.json", [{**question("true_false"), "critical": False}])
    assert main(["format", "--bank", str(tmp_path)]) == 0
    assert '"critical"' not in (tmp_path / "a.json").read_text()


def test_module_runs_as_a_program_on_the_shipped_course() -> None:
    done = subprocess.run([sys.executable, "-m", "learning", "validate"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK: 16 lessons")
