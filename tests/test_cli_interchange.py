"""The import and export commands: ``python -m learning import FILE ...`` and ``python -m learning export ...``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from learning.__main__ import main
from learning.bank import read_bank_file
from learning.questions import dump_question
from tests.conftest import ALL_TYPES, build, question, write_bank

NEW_QUESTIONS = (
    "type,prompt,explanation,option_1,feedback_1,option_2,feedback_2\n"
    "single_choice,What is the goal of a relaxation massage?,Relaxation is its goal.,*Relaxation,Yes.,Diagnosis,No.\n"
    "ordering,Put the steps in order.,Records come after treatment.,Treatment,,Records,\n"
    "essay,Write about your training.,,,,,\n"
)


@pytest.fixture
def bank(course_dirs, tmp_path: Path, monkeypatch) -> Path:
    """The sample course as the commands' course (through the settings), with records in a SQLite file."""
    lessons, bank = course_dirs
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    monkeypatch.setenv("LEARNING_DATABASE_URL", f"sqlite:///{tmp_path / 'records.db'}")
    return bank


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(bank: Path) -> dict[str, bytes]:
    return {path.relative_to(bank).as_posix(): path.read_bytes() for path in sorted(bank.rglob("*")) if path.is_file()}


def stored(bank: Path, name: str = "goals.json") -> dict:
    return {q.id: q for q in read_bank_file(bank / name).questions}


# --- import -----------------------------------------------------------------------------------


def test_import_saves_drafts_reports_every_row_and_records_history(bank: Path, tmp_path: Path, capsys) -> None:
    source = tmp_path / "new.csv"
    source.write_text(NEW_QUESTIONS, encoding="utf-8")
    code, out, err = run(capsys, "import", str(source), "--lesson", "goals")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        'skipped  line 4  "Write about your training.": type: "essay" is not a question type the bank holds '
        "(single_choice, multiple_response, true_false, matching, ordering, short_answer, numeric)"
    )
    first = 'warning  line 2  "What is the goal of a relaxation massage?": placed in the first section of lesson "goals" ("first")'
    assert f"{first}: choose the section it tests" in lines
    assert "read new.csv as csv: 2 questions to import (0 replacing the bank's), 1 skipped, 4 warnings" in lines
    assert lines[-3:] == [
        "new      goals-01 (single_choice, draft) in quiz_bank/goals.json",
        "new      goals-02 (ordering, draft) in quiz_bank/goals.json",
        "imported 2 questions from new.csv",
    ]
    saved = stored(bank)
    assert saved["goals-01"].prompt == "What is the goal of a relaxation massage?"
    assert (saved["goals-02"].status.value, saved["goals-02"].section, saved["goals-02"].objectives) == ("draft", "first", ["obj-goals"])
    code, out, _ = run(capsys, "questions", "history", "goals-02")
    assert code == 0 and out.rstrip().endswith("command line  imported from new.csv")


def test_import_status_section_and_objectives_as_chosen(bank: Path, tmp_path: Path, capsys) -> None:
    source = tmp_path / "new.csv"
    source.write_text(NEW_QUESTIONS, encoding="utf-8")
    argv = ["import", str(source), "--lesson", "goals", "--section", "key-takeaways", "--status", "active"]
    code, out, _ = run(capsys, *argv, "--objective", "obj-hours", "--objective", "obj-goals")
    assert code == 0, out
    question = stored(bank)["goals-01"]
    assert (question.status.value, question.section, question.objectives) == ("active", "key-takeaways", ["obj-hours", "obj-goals"])
    assert "placed in the first section" not in out


def test_dry_run_with_a_json_report_prints_one_object_and_writes_nothing(bank: Path, tmp_path: Path, capsys) -> None:
    source = tmp_path / "new.csv"
    source.write_text(NEW_QUESTIONS, encoding="utf-8")
    before = snapshot(bank)
    code, out, err = run(capsys, "import", str(source), "--lesson", "goals", "--dry-run", "--report", "json")
    assert code == 0
    report = json.loads(out)  # the whole of stdout is one JSON object
    assert sorted(report) == ["imported", "questions", "skipped", "warnings"]
    assert report["imported"] == 2
    assert report["skipped"] == [{"line": 4, "name": "Write about your training.", "reason": report["skipped"][0]["reason"]}]
    assert [w["line"] for w in report["warnings"]] == [2, 2, 3, 3]  # section and objective chosen for each
    assert report["questions"][1] == {
        "id": "goals-02",
        "version": 1,
        "type": "ordering",
        "status": "draft",
        "lesson": "goals",
        "section": "first",
        "objectives": ["obj-goals"],
        "prompt": "Put the steps in order.",
        "explanation": "Records come after treatment.",
        "items": [{"id": "s1", "text": "Treatment"}, {"id": "s2", "text": "Records"}],
    }
    assert err == "dry run: nothing was written (2 questions would be imported)\n"
    assert snapshot(bank) == before


def test_on_conflict_skip_update_and_rename(bank: Path, tmp_path: Path, capsys) -> None:
    exported = tmp_path / "techniques.csv"
    assert run(capsys, "export", "--format", "csv", "--lesson", "techniques", "--out", str(exported))[0] == 0
    changed = tmp_path / "changed.csv"
    changed.write_bytes(exported.read_bytes().replace(b"A prompt?", b"A better prompt?"))

    code, out, _ = run(capsys, "import", str(changed), "--lesson", "goals")
    assert code == 0
    assert out.splitlines()[0] == 'skipped  line 2  "tech-tf": the bank already has a question "tech-tf" (on conflict: skip)'
    assert stored(bank, "techniques.json")["tech-tf"].prompt == "A prompt?"

    code, out, _ = run(capsys, "import", str(changed), "--lesson", "goals", "--on-conflict", "update", "--status", "active")
    assert code == 0
    assert "updated  tech-tf (true_false, active) in quiz_bank/techniques.json" in out.splitlines()
    updated = stored(bank, "techniques.json")["tech-tf"]
    assert (updated.prompt, updated.version, updated.critical) == ("A better prompt?", 2, True)

    code, out, _ = run(capsys, "import", str(changed), "--lesson", "goals", "--on-conflict", "rename")
    assert code == 0
    assert 'warning  line 2  "tech-tf": the bank already has the id "tech-tf": imported as "techniques-01"' in out.splitlines()
    assert stored(bank, "techniques.json")["techniques-01"].status.value == "draft"


def test_the_whole_sample_bank_round_trips_through_the_commands(bank: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "bank.csv"
    code, out, _ = run(capsys, "export", "--format", "csv", "--out", str(target))
    assert (code, out) == (0, f"wrote 8 questions to {target} (csv), 0 values adjusted, 0 left out\n")
    code, out, _ = run(capsys, "import", str(target), "--lesson", "goals", "--on-conflict", "rename", "--dry-run", "--report", "json")
    report = json.loads(out)
    assert (code, report["imported"], report["skipped"]) == (0, 8, [])
    originals = [dump_question(build(kind)) for kind in ALL_TYPES]
    for original, copy in zip(originals, report["questions"], strict=False):
        assert {k: v for k, v in copy.items() if k not in ("id", "status")} == {k: v for k, v in original.items() if k != "id"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lesson", "nope"], 'error: there is no lesson "nope" to import into; use one of goals, techniques\n'),
        (["--lesson", "goals", "--section", "nope"], 'error: lesson "goals" has no section "nope"; use one of first, key-takeaways\n'),
        (["--lesson", "goals", "--objective", "obj-nope"], "error: the syllabus has no objective obj-nope\n"),
    ],
)
def test_a_bad_lesson_section_or_objective_is_an_error(bank: Path, tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    source = tmp_path / "new.csv"
    source.write_text(NEW_QUESTIONS, encoding="utf-8")
    before = snapshot(bank)
    assert run(capsys, "import", str(source), *argv) == (1, "", message)
    assert snapshot(bank) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,question\n1,What?\n", "error: line 1: the first line of a CSV file must be its header"),
        (b'type,prompt\nordering,"cut short\n', "error: line 2: the file ends inside a quoted cell"),
        (b"type,prompt\nordering,caf\xe9?\n", "error: the file is not UTF-8 text: the byte at offset 24 (0xe9, line 2)"),
        (b"type,prompt\n", "error: new.csv holds no questions"),
    ],
)
def test_a_file_that_cannot_be_imported_is_an_error(bank: Path, tmp_path: Path, capsys, content: bytes, message: str) -> None:
    source = tmp_path / "new.csv"
    source.write_bytes(content)
    before = snapshot(bank)
    code, _, err = run(capsys, "import", str(source), "--format", "csv", "--lesson", "goals")
    assert code == 1 and err.startswith(message), err
    assert snapshot(bank) == before


def test_a_missing_file_is_an_error(bank: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "import", str(tmp_path / "none.csv"), "--lesson", "goals")
    assert code == 1 and err.startswith("error: cannot read ") and "No such file" in err


# --- export -----------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_export_by_lesson_status_and_quiz(bank: Path, tmp_path: Path, capsys) -> None:
    questions = [question(kind) for kind in ALL_TYPES]
    questions[1] |= {"pool": "exam"}  # not drawn by the practice quiz
    questions[2] |= {"status": "draft"}
    write_bank(bank, "goals.json", questions)
    target = tmp_path / "out.csv"

    assert run(capsys, "export", "--format", "csv", "--lesson", "goals", "--out", str(target))[0] == 0
    assert [r["id"] for r in _rows(target)] == [q["id"] for q in questions]
    assert run(capsys, "export", "--format", "csv", "--status", "draft", "--out", str(target))[0] == 0
    assert [r["id"] for r in _rows(target)] == ["sample-true-false"]
    code, out, _ = run(capsys, "export", "--format", "csv", "--quiz", "goals-practice", "--out", str(target))
    drawn = [q["id"] for n, q in enumerate(questions) if n not in (1, 2)]
    assert (code, [r["id"] for r in _rows(target)]) == (0, drawn)
    assert out == f"wrote 5 questions to {target} (csv), 0 values adjusted, 0 left out\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--quiz", "nope"], 'error: there is no quiz "nope"; use one of goals-practice\n'),
        (["--lesson", "nope"], 'error: there is no lesson "nope"; use one of goals, techniques\n'),
        (["--lesson", "techniques", "--quiz", "goals-practice"], "error: no questions match; nothing was written\n"),
    ],
)
def test_export_errors(bank: Path, tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    target = tmp_path / "out.csv"
    assert run(capsys, "export", "--format", "csv", *argv, "--out", str(target)) == (1, "", message)
    assert not target.exists()


# --- GIFT and Moodle XML through the same commands ----------------------------------------------

GIFT = """\
// A question the bank can hold, and an essay it cannot.
::Goal:: What is the goal of a relaxation massage? {=Relaxation #Yes. ~Diagnosis #No.}

::Essay:: Write about your training. {}
"""

MOODLE_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Goal</text></name>
    <questiontext format="html"><text><![CDATA[<p>What is the goal of a relaxation massage?</p>]]></text></questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text>Relaxation</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="0" format="html"><text>Diagnosis</text><feedback><text>No.</text></feedback></answer>
  </question>
  <question type="essay">
    <name><text>Essay</text></name>
    <questiontext format="html"><text>Write about your training.</text></questiontext>
  </question>
</quiz>
"""


@pytest.mark.parametrize(
    "fmt",
    [pytest.param("gift"), pytest.param("moodle-xml")],
)
def test_export_then_import_round_trips_in_each_format(bank: Path, tmp_path: Path, capsys, fmt: str) -> None:
    target = tmp_path / f"bank.{fmt}"
    code, out, _ = run(capsys, "export", "--format", fmt, "--out", str(target))
    assert code == 0 and out.splitlines()[-1].startswith(f"wrote 8 questions to {target} ({fmt})")
    code, out, _ = run(capsys, "import", str(target), "--lesson", "goals", "--on-conflict", "rename", "--dry-run")
    assert code == 0
    assert (
        f"read bank.{fmt} as {fmt}: 8 questions to import (0 replacing the bank's), 0 skipped" in out
    )  # the format found from the content


@pytest.mark.parametrize(
    ("fmt", "name", "content"),
    [
        pytest.param("gift", "new.gift.txt", GIFT),
        pytest.param("moodle-xml", "new.xml", MOODLE_XML),
    ],
)
def test_import_of_each_format_saves_what_the_bank_holds_and_reports_the_rest(
    bank: Path, tmp_path: Path, capsys, fmt: str, name: str, content: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    code, out, _ = run(capsys, "import", str(source), "--lesson", "goals", "--report", "json")
    report = json.loads(out)
    assert (code, report["imported"]) == (0, 1)
    assert [s["name"] for s in report["skipped"]] == ["Essay"]
    assert report["skipped"][0]["line"] is not None
    saved = stored(bank)["goals-01"]
    assert (saved.type, saved.status.value, saved.prompt) == ("single_choice", "draft", "What is the goal of a relaxation massage?")
    assert [(o.text, o.correct, o.feedback) for o in saved.options] == [("Relaxation", True, "Yes."), ("Diagnosis", False, "No.")]
