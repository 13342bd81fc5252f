"""The editor's rules: form values to a question, problems keyed by field in ``validate``'s words."""

from __future__ import annotations

from typing import Any

import pytest

from learning.authoring_form import (
    ROW_FIELDS,
    blank_form,
    blank_row,
    check_form,
    form_from_question,
    question_data,
    question_diff,
)
from learning.course import Course, load_course
from learning.questions import QuestionType, Status
from tests.conftest import ALL_TYPES, build, write_course

FILE = "quiz_bank/goals.json"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    lessons, bank = write_course(tmp_path_factory.mktemp("course"))
    return load_course(lessons_dir=lessons, bank_dir=bank)


def test_every_question_type_has_its_rows() -> None:
    assert set(ROW_FIELDS) == set(QuestionType)


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_a_question_round_trips_through_its_form(kind: str, course: Course) -> None:
    question = build(kind)
    checked = check_form(form_from_question(question), course, file=FILE)
    assert checked.question == question
    assert checked.can_save and not checked.errors


def _set(form: dict[str, Any], path: str, value: Any) -> None:
    target: Any = form
    parts = path.replace("[", ".").replace("]", "").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    target[int(last) if last.isdigit() else last] = value


@pytest.mark.parametrize(
    ("kind", "path", "value", "field", "message"),
    [
        ("single_choice", "prompt", "  ", "prompt", "must not be empty"),
        ("single_choice", "options[2].text", "", "options[2].text", "must not be empty"),
        ("single_choice", "options[1].feedback", "", "options[1].feedback", "must not be empty"),
        (
            "single_choice",
            "options[1].correct",
            True,
            "options",
            "a single-choice question needs exactly one correct option, found 2 (a, b)",
        ),
        ("single_choice", "options[1].id", "a", "options[1]", "option id 'a' appears twice"),
        ("single_choice", "section", "nowhere", "section", "lesson 'goals' has no section 'nowhere' (it has first, key-takeaways)"),
        ("single_choice", "lesson", "gone", "lesson", "no lesson 'gone'"),
        ("multiple_response", "options[0].weight", -0.5, "options[0].weight", "a correct option needs a positive weight"),
        ("true_false", "feedback_false", "", "feedback_false", "must not be empty"),
        ("matching", "items[1].answer", "nope", "items[1].answer", "'nope' is not one of the choices (both, mmt, mt, neither)"),
        ("matching", "items[0].answer", None, "items[0].answer", "missing"),
        ("ordering", "items[3].text", "", "items[3].text", "must not be empty"),
        ("short_answer", "answers[0].credit", 0.5, "answers", "at least one accepted answer needs credit 1"),
        ("short_answer", "wrong_feedback", "", "wrong_feedback", "must not be empty"),
        ("numeric", "answers[1].min", 600.0, "answers[1]", "min (600.0) is greater than max (550.0)"),
        ("numeric", "answers[0].value", None, "answers[0]", "give either value (with an optional tolerance) or min and max"),
        ("numeric", "points", 0, "points", "Input should be greater than 0"),
    ],
)
def test_a_problem_is_keyed_by_its_field(kind: str, path: str, value: Any, field: str, message: str, course: Course) -> None:
    form = form_from_question(build(kind))
    _set(form, path, value)
    checked = check_form(form, course, file=FILE)
    assert not checked.can_save
    assert [p.message for p in checked.at(field)] == [message]
    assert str(checked.at(field)[0]).startswith(f'{FILE}: question "sample-')


def test_an_objective_missing_from_the_syllabus_is_a_warning_that_allows_saving(course: Course) -> None:
    form = form_from_question(build("single_choice"))
    form["objectives"] = ["obj-goals", "retired-objective"]
    checked = check_form(form, course, file=FILE)
    assert checked.can_save
    assert [(p.message, p.is_error) for p in checked.at("objectives[1]")] == [("no objective 'retired-objective' in the syllabus", False)]


def test_lint_findings_are_advice(course: Course) -> None:
    form = form_from_question(build("single_choice", id="fresh-one", prompt="Which is a goal of relaxation massage for this client?"))
    form["options"][1]["text"] = "Always diagnose first"
    checked = check_form(form, course, file=FILE)
    assert checked.can_save
    assert [f.rule.value for f in checked.advice] == ["absolute-in-distractor"]
    form["lint_accept"] = ["absolute-in-distractor"]
    assert check_form(form, course, file=FILE).advice == []


def test_a_draft_has_no_lint_advice(course: Course) -> None:
    form = form_from_question(build("matching"))
    assert [f.rule.value for f in check_form(form, course, file=FILE).advice][:1] == ["missing-feedback"]
    form["status"] = Status.DRAFT.value
    assert check_form(form, course, file=FILE).advice == []


def test_a_new_question_may_not_take_an_existing_id(course: Course) -> None:
    form = form_from_question(build("ordering"))
    checked = check_form(form, course, file=FILE, new=True)
    assert [p.message for p in checked.at("id")] == ["already used by another question; ids are never reused"]
    assert not checked.can_save


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_a_blank_form_asks_for_the_texts_and_nothing_else(kind: str, course: Course) -> None:
    form = blank_form(QuestionType(kind), question_id="goals-01", lesson="goals", section="first", objectives=["obj-goals"])
    checked = check_form(form, course, file=FILE, new=True)
    assert checked.errors
    fields = {p.field for p in checked.errors}
    assert {"prompt", "explanation"} <= fields
    assert all(p.message in ("must not be empty", "missing") or p.field == "answers[0]" for p in checked.errors), checked.errors


@pytest.mark.parametrize(
    ("kind", "rows", "taken", "expected"),
    [
        ("single_choice", "options", ["a", "b"], {"id": "c"}),
        ("matching", "items", ["i1"], {"id": "i2", "answer": None}),
        ("matching", "choices", [], {"id": "c1"}),
        ("ordering", "items", ["s1", "s2"], {"id": "s3"}),
        ("numeric", "answers", [], {"mode": "value", "tolerance": 0.0, "credit": 1.0}),
        ("short_answer", "answers", [], {"text": "", "credit": 1.0}),
    ],
)
def test_a_new_row_takes_the_next_free_id(kind: str, rows: str, taken: list[str], expected: dict[str, Any]) -> None:
    row = blank_row(QuestionType(kind), rows, taken=taken)
    assert expected.items() <= row.items()


def test_empty_optional_texts_are_left_out_and_numeric_bands_keep_their_form() -> None:
    form = form_from_question(build("numeric"))
    assert form["scenario"] == "" and form["answers"][0]["mode"] == "value" and form["answers"][1]["mode"] == "range"
    form["unit"] = " "
    data = question_data(form)
    assert data["scenario"] is None and data["unit"] is None
    assert data["answers"] == [
        {"value": 500.0, "tolerance": 0.0, "credit": 1.0, "feedback": "Right."},
        {"min": 450.0, "max": 550.0, "credit": 0.5, "feedback": "Close."},
    ]


def test_the_diff_shows_what_changed_on_disk_against_the_edit() -> None:
    on_disk = build("single_choice", version=3, prompt="Which goal is right for this client?")
    edited = build("single_choice", version=2, prompt="Which goal suits this client?")
    diff = question_diff(on_disk, edited, file=FILE)
    assert diff.splitlines()[:2] == [f"--- {FILE} (on disk now)", "+++ your edit"]
    assert '-  "prompt": "Which goal is right for this client?",' in diff.splitlines()
    assert '+  "prompt": "Which goal suits this client?",' in diff.splitlines()
    assert '"version"' not in diff
    assert question_diff(on_disk, build("single_choice", prompt="Which goal is right for this client?"), file=FILE) == ""


def test_the_diff_of_a_question_gone_from_disk_shows_it_all_added() -> None:
    diff = question_diff(None, build("true_false"), file=FILE)
    assert all(line.startswith(("+", "@@", "---")) for line in diff.splitlines())
