"""The quiz builder: instructors create and edit quizzes for their classes; learners see the
quizzes set for their classes, with due dates, and nobody else's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from learning.store import Role
from tests.conftest import ROOT
from tests.ui.conftest import PASSWORD


@pytest.fixture
def course_copy(app, shipped_copy, monkeypatch):
    """The app on a copy of the shipped course, which the builder may write to."""
    monkeypatch.setenv("LEARNING_BANK_DIR", str(shipped_copy / "quiz_bank"))
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(shipped_copy / "lessons"))
    return shipped_copy / "quiz_bank" / "quizzes"


def widget(at, kind: str, label: str):
    return next(w for w in getattr(at, kind) if w.label == label)


def test_an_instructor_creates_and_edits_a_quiz_for_a_class(app, course_copy) -> None:
    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    monday = app.store.accounts.create_cohort(teacher, "Monday evening", now=datetime.now(UTC))
    app.sign_in_as(teacher)
    at = app.open("quizzes")
    assert "Final exam" in [str(v) for v in at.dataframe[0].value["Title"]]
    assert widget(at, "selectbox", "Quiz to edit").value == "__new__"

    # A new quiz has no title yet: no error before anything is typed, but Save waits for one.
    assert not at.error, [e.value for e in at.error]
    assert any(c.value == "A title is needed to save the quiz." for c in at.caption)
    assert widget(at, "button", "Save").disabled

    widget(at, "text_input", "Title").input("Week 3 safety check")
    widget(at, "multiselect", "Lessons it draws from").set_value(["contraindications-red-flags"])
    app.run()
    eligible = next(i.value for i in at.info if "match these lessons" in i.value)
    assert eligible.startswith("**") and "active question" in eligible
    widget(at, "number_input", "Questions in an attempt").set_value(500)
    app.run()
    assert any("cannot be assembled" in e.value.lower() for e in at.error), [e.value for e in at.error]
    assert widget(at, "button", "Save").disabled
    widget(at, "number_input", "Questions in an attempt").set_value(5)
    due = (datetime.now(UTC) + timedelta(days=7)).date()
    widget(at, "date_input", "Due on (closes)").set_value(due)
    widget(at, "multiselect", "Classes").set_value([monday.id])
    app.run()
    assert not at.error
    widget(at, "button", "Preview a sample attempt").click()
    app.run()
    assert any("5 questions drawn" in c.value for c in at.caption)
    widget(at, "button", "Save").click()
    app.run()
    assert "Saved Week 3 safety check as quiz_bank/quizzes/week-3-safety-check.json." in [s.value for s in at.success]
    saved = json.loads((course_copy / "week-3-safety-check.json").read_text())
    assert saved["classes"] == [monday.id] and saved["question_count"] == 5
    assert saved["closes_at"] == datetime.combine(due, time(17, 0), tzinfo=UTC).isoformat().replace("+00:00", "Z")
    assert at.query_params["id"] == ["week-3-safety-check"] or at.query_params["id"] == "week-3-safety-check"

    # Opened again, edited: a closing time before the opening time is an error beside it.
    assert widget(at, "text_input", "Title").value == "Week 3 safety check"
    widget(at, "date_input", "Opens on").set_value(due + timedelta(days=2))
    app.run()
    assert any("Must be after the opening time" in e.value for e in at.error)
    assert widget(at, "button", "Save").disabled
    widget(at, "date_input", "Opens on").set_value(due - timedelta(days=7))
    widget(at, "number_input", "Pass mark (%)").set_value(70)
    app.run()
    widget(at, "button", "Save").click()
    app.run()
    saved = json.loads((course_copy / "week-3-safety-check.json").read_text())
    assert saved["pass_mark"] == 0.7 and saved["opens_at"].startswith(str(due - timedelta(days=7)))
    assert "Monday evening" in [str(v) for v in at.dataframe[0].value["Classes"]]


def test_a_stale_edit_is_not_saved_over_anothers(app, course_copy) -> None:
    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.sign_in_as(teacher)
    at = app.open("quizzes", id="practice-goals")
    assert widget(at, "selectbox", "Quiz to edit").value == "practice-goals"
    path = course_copy / "practice-goals.json"
    path.write_text(path.read_text().replace('"title": "', '"title": "Changed: ', 1))
    widget(at, "text_input", "Title").input("My title")
    app.run()
    widget(at, "button", "Save").click()
    app.run()
    assert any("changed since it was opened" in e.value for e in at.error)
    assert json.loads(path.read_text())["title"].startswith("Changed: ")


def test_a_learner_is_refused_the_builder(app, course_copy) -> None:
    learner = app.user()
    script = AppTest.from_string("from learning.ui.screens.quizzes import render\nrender()\n", default_timeout=30)
    script.session_state["user_id"] = learner.id
    script.run()
    assert [e.value for e in script.error] == ["This page is for instructors."]
    assert not script.text_input and not script.button
    # Through the app, the address is not one of a learner's pages: the course map opens instead.
    app.sign_in_as(learner)
    at = app.open("home")
    assert "quizzes" not in at.session_state["_nav_pages"]


def _assign(course_copy, **fields) -> None:
    quiz = {"id": "week-3", "title": "Week 3 check", "lessons": ["goals"], "question_count": 3, **fields}
    (course_copy / "week-3.json").write_text(json.dumps(quiz))


def test_learners_see_only_their_classes_quizzes_with_the_due_date(app, course_copy) -> None:
    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    monday = app.store.accounts.create_cohort(teacher, "Monday evening", now=datetime.now(UTC))
    saturday = app.store.accounts.create_cohort(teacher, "Saturday", now=datetime.now(UTC))
    closes = datetime.combine(date.today() + timedelta(days=5), time(17, 0), tzinfo=UTC)
    _assign(course_copy, classes=[monday.id], closes_at=closes.isoformat())
    ours = app.store.accounts.create("alex", PASSWORD, role=Role.LEARNER, now=datetime.now(UTC), enrolment_code=monday.code)
    theirs = app.store.accounts.create("blake", PASSWORD, role=Role.LEARNER, now=datetime.now(UTC), enrolment_code=saturday.code)

    app.sign_in_as(ours)
    texts = app.texts()
    assert "Week 3 check" in texts
    assert f"Due {closes:%a} {closes.day} {closes:%b %Y}, 17:00 (UTC)" in texts
    at = app.open("quiz", quiz="week-3")
    assert [b.label for b in at.button if b.label == "Start"] == ["Start"]

    app.sign_in_as(theirs)
    app.open("home")
    assert "Week 3 check" not in app.texts()
    at = app.open("quiz", quiz="week-3")
    assert "That quiz was not found." in app.texts()
    assert not [b for b in at.button if b.label == "Start"]


@pytest.mark.parametrize(
    ("window", "shown"),
    [
        ({"opens_at": "2099-01-05T09:00:00Z"}, "Opens Mon 5 Jan 2099, 09:00 (UTC)"),
        ({"opens_at": "2020-01-01T09:00:00Z", "closes_at": "2020-02-03T17:00:00Z"}, "Closed on Mon 3 Feb 2020, 17:00 (UTC)"),
    ],
    ids=["not open yet", "closed"],
)
def test_a_quiz_outside_its_window_is_shown_locked_and_cannot_start(app, course_copy, window, shown) -> None:
    _assign(course_copy, **window)
    app.sign_in_as(app.user())
    assert shown in app.texts()
    at = app.open("quiz", quiz="week-3")
    assert shown in app.texts()
    assert not [b for b in at.button if b.label == "Start"]


def test_the_builder_is_in_the_teach_menu() -> None:
    from learning.ui import nav

    page = next(d for d in nav.PAGES if d.name == "quizzes")
    assert (page.title, page.section, page.instructor) == ("Quizzes", nav.TEACH, True)
    assert page.view == ROOT / "learning" / "ui" / "views" / "quizzes.py"


def test_what_an_instructor_types_shows_as_markdown_without_html(app, course_copy) -> None:
    _assign(course_copy, title="Week 3 <b>check</b>", description="**Read** lesson 3 first <img src=x onerror=alert(1)>")
    app.sign_in_as(app.user())
    shown = [m.value for m in app.at.markdown]
    assert "**Week 3 &lt;b>check&lt;/b>**" in shown
    app.open("quiz", quiz="week-3")
    assert "**Read** lesson 3 first &lt;img src=x onerror=alert(1)>" in [m.value for m in app.at.markdown]
