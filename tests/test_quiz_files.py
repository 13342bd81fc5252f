"""Quiz spec files: saved atomically under a lock, conflicts caught, new ids never overwrite,
only instructors save, and drafts checked field by field."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from learning import QuizSpec, load_course
from learning.errors import AccessDenied, ConflictError
from learning.quiz_files import (
    BLUEPRINT_COLUMNS,
    blueprint_rows,
    check_draft,
    create_quiz,
    read_quiz_file,
    render_quiz,
    rules_from_rows,
    save_quiz,
    slug,
    suggest_quiz_id,
)
from tests.conftest import ROOT


@dataclass(frozen=True)
class Person:
    is_instructor: bool
    disabled: bool = False


INSTRUCTOR = Person(is_instructor=True)
LEARNER = Person(is_instructor=False)
CLOSES = datetime(2026, 3, 16, 17, 0, tzinfo=UTC)


@pytest.fixture
def folder(course_dirs):
    return course_dirs[1] / "quizzes"


@pytest.fixture
def course(course_dirs):
    lessons, bank = course_dirs
    return load_course(lessons_dir=lessons, bank_dir=bank)


def test_an_edit_is_saved_and_keeps_the_files_mode(folder) -> None:
    path = folder / "goals-practice.json"
    os.chmod(path, 0o640)
    before = read_quiz_file(path)
    edited = before.spec.model_copy(update={"title": "Goals: practice", "closes_at": CLOSES, "classes": [4]})
    saved = save_quiz(INSTRUCTOR, folder, edited, base_digest=before.digest)
    again = read_quiz_file(path)
    assert again.spec == edited and again.digest == saved.digest
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert json.loads(path.read_text())["closes_at"] == "2026-03-16T17:00:00Z"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_stale_save_is_refused_and_changes_nothing(folder) -> None:
    path = folder / "goals-practice.json"
    first = read_quiz_file(path)
    save_quiz(INSTRUCTOR, folder, first.spec.model_copy(update={"title": "Theirs"}), base_digest=first.digest)
    on_disk = path.read_text()
    with pytest.raises(ConflictError, match="changed since it was opened"):
        save_quiz(INSTRUCTOR, folder, first.spec.model_copy(update={"title": "Mine"}), base_digest=first.digest)
    assert path.read_text() == on_disk


def test_saving_over_a_deleted_quiz_is_refused(folder) -> None:
    path = folder / "goals-practice.json"
    first = read_quiz_file(path)
    path.unlink()
    with pytest.raises(ConflictError, match="was deleted"):
        save_quiz(INSTRUCTOR, folder, first.spec, base_digest=first.digest)
    assert not path.exists()


@pytest.mark.parametrize("who", [LEARNER, Person(is_instructor=True, disabled=True)], ids=["learner", "disabled instructor"])
def test_only_an_active_instructor_saves(folder, who) -> None:
    path = folder / "goals-practice.json"
    before = read_quiz_file(path)
    text = path.read_text()
    with pytest.raises(AccessDenied):
        save_quiz(who, folder, before.spec.model_copy(update={"title": "Changed"}), base_digest=before.digest)
    with pytest.raises(AccessDenied):
        create_quiz(who, folder, QuizSpec(id="x", title="Sneaky"))
    assert path.read_text() == text
    assert sorted(p.name for p in folder.iterdir()) == ["goals-practice.json"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Hand care", "hand-care"),
        ("  Week 3: Red flags & referral!  ", "week-3-red-flags-referral"),
        ("Études de cas", "etudes-de-cas"),
        ("???", "quiz"),
        ("x" * 100, "x" * 60),
    ],
)
def test_slug(title, expected) -> None:
    assert slug(title) == expected


def test_a_new_quiz_never_overwrites_an_existing_file(folder) -> None:
    (folder / "hand-care.json").write_text(json.dumps({"id": "hand-care", "title": "Hand care"}))
    (folder / "odd-name.json").write_text(json.dumps({"id": "hand-care-2", "title": "Hand care again"}))
    assert suggest_quiz_id("Hand care", folder) == "hand-care-3"
    made = create_quiz(INSTRUCTOR, folder, QuizSpec(id="draft", title="Hand care", lessons=["goals"]))
    assert made.spec.id == "hand-care-3" and made.path.name == "hand-care-3.json"
    assert json.loads((folder / "hand-care.json").read_text())["title"] == "Hand care"
    assert read_quiz_file(made.path).spec == made.spec


def test_shipped_quizzes_render_to_the_same_spec() -> None:
    for path in sorted((ROOT / "quiz_bank" / "quizzes").glob("*.json")):
        spec = read_quiz_file(path).spec
        assert spec is not None
        assert QuizSpec.model_validate_json(render_quiz(spec)) == spec


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": " "}, "title", "must not be empty"),
        ({"question_count": 0}, "question_count", "greater than or equal to 1"),
        ({"opens_at": "2026-03-20T09:00:00Z", "closes_at": "2026-03-16T17:00:00Z"}, "closes_at", "after the opening time"),
        ({"question_count": 2, "blueprint": [{"lessons": ["goals"], "count": 3}]}, "blueprint", "asks for 3 questions"),
        ({"blueprint": [{"count": 1}]}, "blueprint", "needs lessons, objectives, tags"),
        ({"pools": []}, "pools", "at least 1"),
        ({"lessons": ["no-such-lesson"]}, "lessons", "no lesson 'no-such-lesson'"),
    ],
)
def test_a_draft_reports_each_problem_beside_its_field(course, changes, field, message) -> None:
    draft = check_draft({"id": "goals-practice", "title": "Goals practice", "lessons": ["goals"], **changes}, course)
    found = draft.problems_of(field)
    assert any(message in p.message for p in found), draft.problems


def test_a_draft_the_bank_cannot_fill_is_an_error_of_the_whole_quiz(course) -> None:
    draft = check_draft({"id": "big", "title": "Big", "lessons": ["goals"], "question_count": 50}, course)
    assert draft.spec is not None and draft.eligible == 7
    assert [p.message for p in draft.general(("title", "lessons"))] == [
        "cannot be assembled, so no new attempt can start: quiz 'big' needs 50 questions but only 7 can be drawn together"
    ]


def test_eligible_questions_are_counted_even_while_another_field_is_wrong(course) -> None:
    draft = check_draft({"id": "x", "title": "", "lessons": ["techniques"]}, course)
    assert draft.spec is None and draft.eligible == 1
    assert check_draft({"id": "x", "title": "X", "pools": ["exam"]}, course).eligible == 0


def test_the_blueprint_table_round_trips_a_spec_and_takes_a_row_typed_in_the_table() -> None:
    import pandas as pd

    course = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    exam = course.quiz("final-exam")
    assert exam is not None and exam.blueprint
    # As the quiz builder's table holds it: one column per field, blank cells as pandas gives them.
    table = pd.DataFrame(blueprint_rows(exam), columns=list(BLUEPRINT_COLUMNS))
    added = {"label": " Trigger points ", "lessons": ["trigger-point-therapy", " "], "objectives": None, "tags": []}
    added |= {"critical": None, "count": 2.0}
    blank = {"label": None, "lessons": None, "objectives": None, "tags": None, "critical": None, "count": float("nan")}
    edited = pd.concat([table, pd.DataFrame([added, blank])], ignore_index=True)
    rules = rules_from_rows(edited.to_dict("records"))
    assert rules[: len(exam.blueprint)] == [r.model_dump(exclude_defaults=True) for r in exam.blueprint]
    assert rules[len(exam.blueprint) :] == [{"label": "Trigger points", "lessons": ["trigger-point-therapy"], "count": 2}]


def test_a_blueprint_row_with_a_bad_count_is_named_by_its_rule_and_field() -> None:
    course = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    rows = [{"label": "Any", "lessons": ["swedish-massage"], "count": 1.5}, {"label": "Nothing chosen", "count": 1}]
    data = {"id": "week-2", "title": "Week 2", "question_count": 5, "blueprint": rules_from_rows(rows)}
    fields = {p.field for p in check_draft(data, course).errors}
    assert "blueprint[0].count" in fields and "blueprint[1]" in fields, fields
