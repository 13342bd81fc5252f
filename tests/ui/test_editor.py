"""The question editor, driven as an instructor would: open, change, see the problem beside its
field, fix it, save, reopen at the new version; new questions; a stale save; learners refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from learning.store import Role
from learning.store.tables import AnswerRow, AttemptRow, ReviewCardRow
from tests.conftest import ALL_TYPES, ROOT, write_course
from tests.ui.conftest import App


@pytest.fixture
def course_env(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A small course of one question of every type, in a folder of its own (the shipped bank is never touched)."""
    lessons, bank = write_course(tmp_path / "course")
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    return lessons, bank


@pytest.fixture
def editor(app, course_env) -> Iterator[App]:
    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.teacher = teacher  # type: ignore[attr-defined]
    app.sign_in_as(teacher)
    yield app


def _walk(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def _elements(at: AppTest) -> list[Any]:
    return [e for e in _walk(at.main) if type(e).__name__ not in ("Block", "Column")]


def _beside(at: AppTest, widget: Any) -> str:
    """The text shown right after ``widget``: where the editor puts the problems of its field."""
    elements = _elements(at)
    at_widget = next(n for n, e in enumerate(elements) if getattr(e, "key", None) == widget.key)
    following = elements[at_widget + 1]
    return str(following.value) if type(following).__name__ == "Markdown" else ""


def _save_button(at: AppTest) -> Any:
    return next(b for b in at.button if b.label == "Save")


def _bank_question(bank: Path, question_id: str, file: str = "goals.json") -> dict[str, Any]:
    data = json.loads((bank / file).read_text())
    return next(q for q in data["questions"] if q["id"] == question_id)


# Per type: which text field to break and fix, as (widget kind, label, index among those with that label).
BREAK = {
    "single_choice": ("text_input", "Text", 1),
    "multiple_response": ("text_area", "Feedback", 0),
    "true_false": ("text_input", "Feedback for a learner who answers True", 0),
    "matching": ("text_input", "Text", 0),
    "ordering": ("text_input", "Text", 2),
    "short_answer": ("text_input", "Answer", 0),
    "numeric": ("text_area", "Prompt", 0),
}


def _widget(at: AppTest, kind: str, label: str, index: int) -> Any:
    return [w for w in getattr(at, kind) if w.label == label][index]


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_edit_see_the_problem_beside_its_field_fix_save_and_reopen(editor, course_env, kind: str) -> None:
    _, bank = course_env
    qid = f"sample-{kind.replace('_', '-')}"
    at = editor.open("edit", id=qid)
    assert "version 1" in at.caption[0].value
    assert _save_button(at).disabled is False

    widget_kind, label, index = BREAK[kind]
    _widget(at, widget_kind, label, index).input("   ").run()
    assert not at.exception
    assert "must not be empty" in _beside(at, _widget(at, widget_kind, label, index))
    assert _save_button(at).disabled is True
    assert "1 problem to fix before saving" in at.error[0].value

    _widget(at, widget_kind, label, index).input("An edited text").run()
    assert _beside(at, _widget(at, widget_kind, label, index)) == ""
    assert _save_button(at).disabled is False
    next(t for t in at.text_input if t.label == "Note (optional)").input("clearer wording")
    _save_button(at).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved as version 2."]
    assert _bank_question(bank, qid)["version"] == 2

    again = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    again.session_state["user_id"] = editor.teacher.id
    again.switch_page("learning/ui/views/edit.py")
    again.query_params["id"] = qid
    again.run()
    assert not again.exception
    assert "version 2" in again.caption[0].value
    assert _widget(again, widget_kind, label, index).value == "An edited text"


def test_rows_are_added_reordered_and_removed(editor, course_env) -> None:
    _, bank = course_env
    at = editor.open("edit", id="sample-ordering")
    assert [t.value for t in at.text_input if t.label == "Text"] == ["Prescription", "Records", "Treatment", "Maximum medical improvement"]
    next(b for b in at.button if b.label == "Add an item").click().run()
    texts = [t for t in at.text_input if t.label == "Text"]
    assert len(texts) == 5 and "items[4].text" not in at.markdown
    assert "must not be empty" in _beside(at, texts[4])
    texts[4].input("Discharge").run()
    # Move the new last item up one place, then remove the first item.
    up_buttons = [b for b in at.button if b.proto.help == "Move up"]
    up_buttons[4].click().run()
    remove_buttons = [b for b in at.button if b.proto.help == "Remove this item"]
    remove_buttons[0].click().run()
    assert [t.value for t in at.text_input if t.label == "Text"] == ["Records", "Treatment", "Discharge", "Maximum medical improvement"]
    _save_button(at).click().run()
    saved = _bank_question(bank, "sample-ordering")
    assert [i["text"] for i in saved["items"]] == ["Records", "Treatment", "Discharge", "Maximum medical improvement"]
    assert saved["version"] == 2


def test_the_preview_is_tried_and_graded_without_recording_anything(editor, course_env) -> None:
    at = editor.open("edit", id="sample-single-choice")
    assert "A prompt?" in [m.value for m in at.markdown]
    at.radio(key=next(r.key for r in at.radio if r.label == "Choose one answer")).set_value("b")
    next(b for b in at.button if b.label == "Check answer").click().run()
    shown = "\n".join(m.value for m in at.markdown)
    assert "No: therapists do not diagnose." in shown
    assert "**Why:** Because." in shown
    assert [e.value for e in at.error if "Not quite" in e.value]
    with editor.store.db.read() as session:
        for table in (AnswerRow, AttemptRow, ReviewCardRow):
            assert session.query(table).count() == 0


def test_typed_html_is_shown_as_text_in_the_preview(editor) -> None:
    at = editor.open("edit", id="sample-true-false")
    _widget(at, "text_area", "Prompt", 0).input("Is <script>alert(1)</script> **bold**?").run()
    prompt = next(m.value for m in at.markdown if "bold" in m.value)
    assert "<script>" not in prompt and "&lt;script>" in prompt and "**bold**" in prompt


def test_a_new_question_from_its_address(editor, course_env) -> None:
    _, bank = course_env
    at = editor.open("edit", new="matching", lesson="techniques")
    assert at.title[0].value == "New matching question"
    assert next(t for t in at.text_input if t.label == "Question id").value == "techniques-01"
    assert _save_button(at).disabled is True
    for n, text in enumerate(["Courts", "Clients", "Insurers"]):
        _widget(at, "text_input", "Text", n).input(text)
    for n, text in enumerate(["Medical massage therapist", "Massage therapist", "Neither"], start=3):
        _widget(at, "text_input", "Text", n).input(text)
    at.run()
    belongs = [s for s in at.selectbox if s.label == "Belongs to"]
    for select, choice in zip(belongs, ["c1", "c2", "c1"], strict=True):
        select.set_value(choice)
    _widget(at, "text_area", "Prompt", 0).input("Who does each answer to?")
    _widget(at, "text_area", "Explanation", 0).input("Only the medical role answers to courts and insurers.")
    at.run()
    assert not at.error, [e.value for e in at.error]
    _save_button(at).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved as version 1."]
    assert at.query_params["id"] == ["techniques-01"] or at.query_params["id"] == "techniques-01"
    saved = _bank_question(bank, "techniques-01", "techniques.json")
    assert saved["status"] == "draft" and saved["lesson"] == "techniques" and saved["choices"][2]["text"] == "Neither"
    assert at.title[0].value == "Edit question"


def test_an_unknown_type_or_question_is_explained(editor) -> None:
    at = editor.open("edit", new="essay", lesson="goals")
    assert "There is no question type essay" in at.warning[0].value
    at = editor.open("edit", id="no-such-question")
    assert at.warning[0].value == "No question in the bank has that id."


def test_a_duplicate_starts_as_a_new_draft(editor) -> None:
    at = editor.open("edit", duplicate="sample-numeric")
    assert at.title[0].value == "New numeric question"
    assert next(t for t in at.text_input if t.label == "Question id").value == "goals-01"
    assert next(r for r in at.radio if r.label == "Status").value == "draft"


def _change_on_disk(bank: Path, qid: str, prompt: str) -> None:
    path = bank / "goals.json"
    data = json.loads(path.read_text())
    for question in data["questions"]:
        if question["id"] == qid:
            question["prompt"] = prompt
            question["version"] += 1
    path.write_text(json.dumps(data, indent=2) + "\n")


@pytest.mark.parametrize("choice", ["Reload", "Overwrite"])
def test_a_stale_save_shows_what_changed_and_both_choices_work(editor, course_env, choice: str) -> None:
    _, bank = course_env
    at = editor.open("edit", id="sample-short-answer")
    _widget(at, "text_area", "Prompt", 0).input("What is the mine?").run()
    _change_on_disk(bank, "sample-short-answer", "What is theirs?")
    _save_button(at).click().run()
    assert not at.exception
    assert "this question's file changed since you opened it" in at.warning[0].value
    diff = at.code[0].value
    assert '-  "prompt": "What is theirs?",' in diff.splitlines() and '+  "prompt": "What is the mine?",' in diff.splitlines()
    assert _bank_question(bank, "sample-short-answer")["prompt"] == "What is theirs?"

    next(b for b in at.button if b.label == choice).click().run()
    assert not at.exception
    saved = _bank_question(bank, "sample-short-answer")
    if choice == "Reload":
        assert _widget(at, "text_area", "Prompt", 0).value == "What is theirs?"
        assert saved["prompt"] == "What is theirs?" and saved["version"] == 2
        assert "Reloaded version 2" in at.info[0].value
        _save_button(at).click().run()  # no edit left: saving keeps version 2 and raises no conflict
        assert [s.value for s in at.success] == ["Saved as version 2."]
    else:
        assert saved["prompt"] == "What is the mine?" and saved["version"] == 3
        assert [s.value for s in at.success] == ["Saved as version 3."]
    assert not any("changed since you opened it" in w.value for w in at.warning)  # the conflict is settled


def test_a_learner_is_refused(app, course_env) -> None:
    learner = app.user()
    script = AppTest.from_string("from learning.ui.screens.editor import render\nrender()\n", default_timeout=30)
    script.session_state["user_id"] = learner.id
    script.query_params["id"] = "sample-true-false"
    script.run()
    assert [e.value for e in script.error] == ["This page is for instructors."]
    assert not script.text_area and not script.button
    app.sign_in_as(learner)
    assert "edit" not in app.at.session_state["_nav_pages"]


def test_the_save_path_refuses_a_learner_on_the_server(app, course_env) -> None:
    from learning.errors import AccessDenied
    from learning.ui.screens import editor
    from tests.conftest import build

    learner = app.user()
    with pytest.raises(AccessDenied):
        editor._save(learner, build("true_false"), None, "")


def test_every_question_type_has_an_editor_form() -> None:
    from learning.questions import QuestionType
    from learning.ui.question_form import TYPE_SECTIONS
    from learning.ui.screens.editor import TYPE_NAMES

    assert set(TYPE_SECTIONS) == set(QuestionType) == set(TYPE_NAMES)


def test_history_lists_every_save_diffs_two_and_restores_an_old_one(editor, course_env) -> None:
    _, bank = course_env
    qid = "sample-single-choice"
    at = editor.open("edit", id=qid)
    prompt = next(t for t in at.text_area if t.label == "Prompt")
    original = prompt.value
    prompt.input("A reworded prompt for the second version?").run()
    next(t for t in at.text_input if t.label == "Note (optional)").input("reworded")
    _save_button(at).click().run()
    assert [s.value for s in at.success] == ["Saved as version 2."]

    history = at.dataframe[-1].value  # the history table: the first save records the file's version too
    assert list(history["Version"]) == [2, 1]
    assert history["Note"].iloc[0] == "reworded"
    assert history["By"].iloc[0] == "Teacher"
    diff = at.code[-1].value
    assert f"-  {json.dumps('prompt')}: {json.dumps(original)}," in diff.splitlines()
    assert '+  "prompt": "A reworded prompt for the second version?",' in diff.splitlines()

    next(b for b in at.button if b.label == "Restore version 1").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Restored version 1 as version 3."]
    stored = _bank_question(bank, qid)
    assert (stored["version"], stored["prompt"]) == (3, original)
    assert next(t for t in at.text_area if t.label == "Prompt").value == original
    assert list(at.dataframe[-1].value["Version"]) == [3, 2, 1]
