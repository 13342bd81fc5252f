"""The accounts and backup commands."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from learning.__main__ import main


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LEARNING_DATABASE_URL", url)
    return url


def run(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_users_add_list_disable_and_set_password(sqlite_url, monkeypatch, capsys) -> None:
    assert run(monkeypatch, capsys, ["users", "add", "Teacher", "--role", "instructor", "--password-stdin"], "a long enough password\n")[
        :2
    ] == (
        0,
        "created instructor teacher\n",
    )
    code, _, err = run(monkeypatch, capsys, ["users", "add", "teacher", "--role", "learner", "--password-stdin"], "another long password\n")
    assert (code, err) == (1, "error: the username 'teacher' is taken; choose another\n")
    code, _, err = run(monkeypatch, capsys, ["users", "add", "kim", "--role", "learner", "--password-stdin"], "short\n")
    assert (code, err) == (1, "error: password: use at least 10 characters\n")
    assert run(monkeypatch, capsys, ["users", "disable", "teacher"])[:2] == (0, "teacher disabled\n")
    code, out, _ = run(monkeypatch, capsys, ["users", "list"])
    assert code == 0 and out.split() == ["teacher", "instructor", "disabled", "teacher"]
    assert run(monkeypatch, capsys, ["users", "set-password", "teacher", "--password-stdin"], "a new long password\n")[0] == 0
    assert (
        run(monkeypatch, capsys, ["users", "set-password", "nobody", "--password-stdin"], "a new long password\n")[2]
        == "error: no account 'nobody'\n"
    )


def test_backup_copies_a_live_database(sqlite_url, tmp_path: Path, monkeypatch, capsys) -> None:
    run(monkeypatch, capsys, ["users", "add", "teacher", "--role", "instructor", "--password-stdin"], "a long enough password\n")
    target = tmp_path / "copies" / "backup.db"
    assert run(monkeypatch, capsys, ["backup", str(target)])[0] == 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("select username from users").fetchall() == [("teacher",)]
    copy.close()


def test_backup_refuses_postgres(monkeypatch, capsys, tmp_path: Path) -> None:
    monkeypatch.setenv("LEARNING_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    code, _, err = run(monkeypatch, capsys, ["backup", str(tmp_path / "x.db")])
    assert code == 1 and "pg_dump" in err


# --- questions ------------------------------------------------------------------------------


@pytest.fixture
def course_env(course_dirs, monkeypatch) -> Path:
    lessons, bank = course_dirs
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    return bank


def test_questions_list_as_json_and_table(sqlite_url, course_env, monkeypatch, capsys) -> None:
    import json

    code, out, _ = run(monkeypatch, capsys, ["questions", "list", "--format", "json"])
    rows = json.loads(out)
    assert code == 0 and len(rows) == 8
    assert {k: rows[0][k] for k in ("id", "type", "lesson", "status", "version")} == {
        "id": "sample-single-choice",
        "type": "single_choice",
        "lesson": "goals",
        "status": "active",
        "version": 1,
    }
    code, out, _ = run(monkeypatch, capsys, ["questions", "list", "--lesson", "techniques", "--format", "json"])
    assert [r["id"] for r in json.loads(out)] == ["tech-tf"]
    code, out, _ = run(monkeypatch, capsys, ["questions", "list", "--type", "numeric"])
    lines = out.splitlines()
    assert lines[0].split() == ["id", "type", "lesson", "status", "version"]
    assert lines[1].split() == ["sample-numeric", "numeric", "goals", "active", "1"]


def test_questions_show_retire_and_history(sqlite_url, course_env, monkeypatch, capsys) -> None:
    import json

    code, out, _ = run(monkeypatch, capsys, ["questions", "show", "tech-tf"])
    assert code == 0 and json.loads(out)["id"] == "tech-tf"
    assert run(monkeypatch, capsys, ["questions", "show", "nope"])[0] == 1
    code, out, _ = run(monkeypatch, capsys, ["questions", "history", "tech-tf"])
    assert (code, out) == (0, "no saved versions of tech-tf are recorded\n")
    code, out, _ = run(monkeypatch, capsys, ["questions", "retire", "tech-tf"])
    assert (code, out) == (0, "tech-tf is retired (version 2, quiz_bank/techniques.json)\n")
    code, out, _ = run(monkeypatch, capsys, ["questions", "list", "--status", "retired", "--format", "json"])
    assert [(r["id"], r["version"]) for r in json.loads(out)] == [("tech-tf", 2)]
    code, out, _ = run(monkeypatch, capsys, ["questions", "history", "tech-tf"])
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("version 2") and lines[0].endswith("command line  retired")
    assert lines[1].startswith("version 1") and lines[1].endswith("bank file  as it was in the bank file")
    code, _, err = run(monkeypatch, capsys, ["questions", "retire", "nope"])
    assert (code, err) == (1, 'error: there is no question "nope" in the bank\n')
    assert sorted(p.name for p in course_env.iterdir()) == ["goals.json", "quizzes", "techniques.json"]
