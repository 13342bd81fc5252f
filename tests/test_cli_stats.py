"""``python -m learning stats``: the item analysis of a quiz as aligned text, CSV or JSON, for
every learner or one class, over the attempts chosen."""

from __future__ import annotations

import csv
import io
import json

import pytest
from argon2 import PasswordHasher

import learning.store.accounts as accounts
from learning import load_course
from learning.__main__ import main
from learning.item_report import QUESTION_COLUMNS
from learning.store import Role, Store
from tests.conftest import NOW
from tests.store.item_data import SC, take, two_classes

PASSWORD = "a long enough password"


@pytest.fixture
def records(tmp_path, course_dirs, monkeypatch) -> list[str]:
    """Class A: six learners, the three strongest choosing the same wrong option; class "=B": two
    who get everything right, one of whom tries again worse. Returns the course arguments."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LEARNING_DATABASE_URL", url)
    lessons, bank = course_dirs
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    store = Store.open(url, course=lambda: course)
    teacher = store.accounts.create("teacher", PASSWORD, role=Role.INSTRUCTOR, now=NOW)
    _, _, second = two_classes(store, teacher, PASSWORD, second="=B")
    take(store, second[-1], single="c", true_false=False, hours=0, minute=5)  # a worse second attempt
    store.close()
    return ["--lessons", str(lessons), "--bank", str(bank)]


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_table_shows_the_quiz_figures_first_then_aligned_question_rows(records, capsys) -> None:
    code, out, err = run(capsys, ["stats", "goals-practice", *records])
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Goals practice (goals-practice): highest attempt (what the grade counts)"
    assert lines[1].split()[:2] == ["Attempts", "8"]
    assert [line.split()[0] for line in lines[1:10]] == [
        "Attempts",
        "Mean",
        "Median",
        "Standard",
        "Skewness",
        "Kurtosis",
        "Internal",
        "Error",
        "Standard",
    ]
    header = lines[11]
    assert header.split() == ["#", "id", "type", "attempts", "facility", "sd", "guess", "weight", "effective", "DI", "DE", "flags"]
    rows = lines[12:-1]
    assert lines[-1].startswith("(facility, sd, guess and weights in %")
    assert len(rows) == 7  # every question the quiz drew
    assert len({line.index(" sample-") for line in rows}) == 1  # the id column starts at the same place in every row
    single = next(line for line in rows if SC in line)
    assert "chosen more by stronger learners" in single and "too few to trust" in single
    assert err == "8 attempts by 8 learners, 7 questions, 7 flagged\n"


def test_a_class_by_name_or_id_and_the_attempts_chosen(records, capsys) -> None:
    by_name = run(capsys, ["stats", "goals-practice", "--class", "Class A", "--format", "json", *records])[1]
    report = json.loads(by_name)
    assert (report["learners"], report["analysis"]["quiz"]["attempts"], report["which"]) == (6, 6, "highest")
    by_id = json.loads(run(capsys, ["stats", "goals-practice", "--class", str(report["cohort_id"]), "--format", "json", *records])[1])
    assert by_id == report
    every = json.loads(run(capsys, ["stats", "goals-practice", "--class", "=B", "--attempts", "all", "--format", "json", *records])[1])
    assert (every["learners"], every["analysis"]["quiz"]["attempts"], every["which"]) == (2, 3, "all")
    last = json.loads(run(capsys, ["stats", "goals-practice", "--class", "=B", "--attempts", "last", "--format", "json", *records])[1])
    facility = {q["question_id"]: q["facility"] for q in last["analysis"]["questions"]}
    assert facility[SC] == pytest.approx(0.5)  # the second learner's worse last attempt


def test_json_is_the_whole_report_with_each_question_as_its_bank_file_has_it(records, capsys) -> None:
    report = json.loads(run(capsys, ["stats", "goals-practice", "--format", "json", *records])[1])
    assert set(report) == {"quiz_id", "cohort_id", "which", "learners", "analysis", "questions"}
    single = report["questions"][SC]
    assert single["question"]["type"] == "single_choice" and single["question"]["options"][1]["text"] == "Diagnosis"
    assert {o["key"]: o["count"] for o in single["options"]["options"]} == {"a": 5, "b": 3, "c": 0}
    assert any("chosen more by stronger learners" in f for f in single["flags"])


def test_csv_has_one_row_per_question_with_every_figure_and_cells_safe_in_a_spreadsheet(records, course_dirs, capsys) -> None:
    _, bank = course_dirs
    path = bank / "goals.json"
    path.write_text(path.read_text().replace('"A prompt?"', '"=HYPERLINK(1) A prompt?"', 1))
    code, out, _ = run(capsys, ["stats", "goals-practice", "--format", "csv", *records])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(QUESTION_COLUMNS)
    assert len(rows) == 7
    by_id = {row["id"]: row for row in rows}
    assert float(by_id[SC]["facility %"]) == pytest.approx(62.5)
    assert float(by_id[SC]["discrimination index"]) < 0
    assert by_id[SC]["random guess %"] == "33.3"
    assert by_id["sample-multiple-response"]["random guess %"] == ""  # Moodle gives none
    assert any(row["prompt"].startswith("'=HYPERLINK") for row in rows)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stats", "no-such-quiz"], 'error: there is no quiz "no-such-quiz" in the course, and no attempts at one\n'),
        (["stats", "goals-practice", "--class", "Class Z"], 'error: there is no class "Class Z" (give its id or its name)\n'),
        (["stats", "goals-practice", "--class", "999"], 'error: there is no class "999" (give its id or its name)\n'),
    ],
)
def test_an_unknown_quiz_or_class_is_an_error(records, capsys, argv, message) -> None:
    assert run(capsys, [*argv, *records])[::2] == (1, message)


def test_a_quiz_without_attempts_prints_its_empty_figures(records, course_dirs, capsys) -> None:
    _, bank = course_dirs
    (bank / "quizzes" / "later.json").write_text(json.dumps({"id": "later", "title": "Later", "lessons": ["techniques"]}))
    code, out, err = run(capsys, ["stats", "later", *records])
    assert code == 0 and out.splitlines()[1].split()[:2] == ["Attempts", "0"]
    assert err == "0 attempts by 0 learners, 0 questions, 0 flagged\n"
