"""The question bank page, on a copy of the sample course (its bank files are written)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from learning.bank import read_bank_file
from learning.questions import Status
from learning.store import Role
from learning.ui.screens.bank import table_key
from learning.ui.services import STAMP_SECONDS
from tests.conftest import ROOT
from tests.ui.conftest import App


@pytest.fixture
def bank_app(app: App, course_dirs, monkeypatch) -> App:
    lessons, bank = course_dirs
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    app.bank = bank
    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.teacher = teacher
    app.sign_in_as(teacher)
    return app


def shown_ids(app: App) -> list[str]:
    return list(app.at.dataframe[0].value["id"])


def select(app: App, label: str):
    return next(s for s in app.at.selectbox if s.label == label)


def test_every_question_with_its_columns(bank_app) -> None:
    bank_app.open("bank")
    table = bank_app.at.dataframe[0].value
    assert list(table.columns) == [
        "id",
        "lesson",
        "type",
        "objectives",
        "difficulty",
        "critical",
        "status",
        "version",
        "last edited",
        "lint",
    ]
    assert len(table) == 8
    assert "8 of 8 questions shown: 8 active, 0 draft, 0 retired" in bank_app.texts()
    assert "Question bank" in [t.value for t in bank_app.at.title]


def test_filters_come_from_the_url_and_go_back_to_it(bank_app) -> None:
    bank_app.open("bank", lesson="techniques", critical="yes")
    assert shown_ids(bank_app) == ["tech-tf"]
    assert select(bank_app, "Lesson").value == "techniques"
    assert "1 of 8 questions shown" in bank_app.texts()
    select(bank_app, "Lesson").set_value("")
    select(bank_app, "Type").set_value("true_false")
    select(bank_app, "Critical").set_value("")
    bank_app.run()
    assert shown_ids(bank_app) == ["sample-true-false", "tech-tf"]
    assert bank_app.at.query_params == {"type": "true_false"}  # bookmarkable
    next(t for t in bank_app.at.text_input if t.label.startswith("Search")).input("therapists do not")
    select(bank_app, "Type").set_value("")
    bank_app.run()
    assert shown_ids(bank_app) == ["sample-single-choice"]
    assert bank_app.at.query_params == {"q": "therapists do not"}
    bank_app.open("bank", status="retired")  # a bookmark opened later wins over what was chosen
    assert bank_app.at.dataframe[0].value.empty
    assert "0 of 8 questions shown" in bank_app.texts()


def test_a_bulk_status_change_saves_records_and_shows_it(bank_app) -> None:
    from learning.authoring import BankFilter

    bank_app.open("bank", lesson="goals")
    key = table_key(BankFilter(lesson="goals"))
    rows = shown_ids(bank_app)
    wanted = [rows.index("sample-numeric"), rows.index("sample-matching")]
    bank_app.at.session_state[key] = {"selection": {"rows": wanted, "columns": [], "cells": []}}
    bank_app.run()
    assert "2 questions selected" in bank_app.texts()
    select(bank_app, "Set status").set_value("draft")
    bank_app.button("Apply status").click()
    bank_app.run()
    assert "2 questions set to draft." in bank_app.texts()
    saved = {q.id: q for q in read_bank_file(bank_app.bank / "goals.json").questions}
    assert (saved["sample-numeric"].status, saved["sample-numeric"].version) == (Status.DRAFT, 2)
    table = bank_app.at.dataframe[0].value.set_index("id")
    assert table.loc["sample-matching", "status"] == "draft"
    assert table.loc["sample-matching", "last edited"].endswith("by Teacher")
    assert [h.version for h in bank_app.store.authoring.history(bank_app.teacher, "sample-matching")] == [2, 1]


def test_deleting_is_offered_only_for_drafts(bank_app) -> None:
    from learning.authoring import BankFilter

    bank_app.open("bank", status="active")
    bank_app.at.session_state[table_key(BankFilter(status=Status.ACTIVE))] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    bank_app.run()
    assert bank_app.button("Delete").disabled
    assert not bank_app.button("Retire").disabled


def test_a_learner_is_refused_the_bank_page(app) -> None:
    from streamlit.testing.v1 import AppTest

    learner = app.user()
    script = AppTest.from_string("from learning.ui.screens.bank import render\nrender()\n", default_timeout=30)
    script.session_state["user_id"] = learner.id
    script.run()
    assert [e.value for e in script.error] == ["This page is for instructors."]
    assert not script.dataframe


def test_an_edit_saved_by_another_server_is_served_at_the_next_page_run(bank_app) -> None:
    """Several app servers share one bank folder: a save by another process (here the command
    line, writing the file as another server would) is what this server shows once the course
    files' stamp is next read (within STAMP_SECONDS), with no restart."""

    def status_of(question_id: str) -> str:
        table = bank_app.at.dataframe[0].value
        return str(table[table["id"] == question_id]["status"].iloc[0])

    bank_app.open("bank")
    assert status_of("tech-tf") == "active"
    subprocess.run(
        [sys.executable, "-m", "learning", "questions", "retire", "tech-tf"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    time.sleep(STAMP_SECONDS + 0.2)
    bank_app.open("bank")
    assert status_of("tech-tf") == "retired"
