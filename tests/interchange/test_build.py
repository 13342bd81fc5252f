"""The one owner of an import's defaults: lesson, section, objectives, status, ids, feedback and checks."""

from __future__ import annotations

import pytest

from learning import load_course
from learning.errors import InterchangeError
from learning.interchange import Draft, Format, ImportOptions, OnConflict, Parsed
from learning.interchange.build import RIGHT_FEEDBACK, WRONG_FEEDBACK, build
from learning.questions import Status
from tests.conftest import write_course

CHOICE = {
    "type": "single_choice",
    "prompt": "What is the aim of a relaxation massage?",
    "options": [{"id": "a", "text": "Relaxation", "correct": True, "feedback": "Yes."}, {"id": "b", "text": "Diagnosis"}],
}


@pytest.fixture
def course(tmp_path):
    lessons, bank = write_course(tmp_path)
    return load_course(lessons_dir=lessons, bank_dir=bank)


def _build(course, *drafts: Draft, **options):
    return build(Parsed(drafts=list(drafts)), Format.GIFT, ImportOptions(**{"lesson": "goals", **options}), course)


def test_a_bare_question_gets_the_lessons_first_section_and_objective_a_new_id_and_feedback(course) -> None:
    report = _build(course, Draft(line=3, name="Aim", fields=dict(CHOICE)))
    [question] = report.questions
    assert (question.id, question.version, question.status) == ("goals-01", 1, Status.DRAFT)
    assert (question.lesson, question.section, question.objectives) == ("goals", "first", ["obj-goals"])
    assert [o.feedback for o in question.options] == ["Yes.", WRONG_FEEDBACK]
    assert question.explanation == "The correct answer is: Relaxation"
    messages = [w.message for w in report.warnings]
    assert all(w.line == 3 and w.name == "Aim" for w in report.warnings)
    assert any("first section" in m for m in messages) and any("first objective" in m for m in messages)
    assert any("no feedback for option 2" in m for m in messages) and any("no general feedback" in m for m in messages)


def test_the_files_metadata_wins_then_the_category_then_the_lesson_chosen(course) -> None:
    meta = {"lesson": "techniques", "section": "first", "objectives": ["obj-techniques"], "id": "tech-new", "version": 4}
    from_meta = Draft(line=1, name="m", fields=dict(CHOICE), meta=meta)
    from_category = Draft(line=9, name="c", fields=dict(CHOICE), category="$course$/top/Default/techniques")
    elsewhere = Draft(line=12, name="e", fields=dict(CHOICE), category="$course$/top/Other school")
    report = _build(course, from_meta, from_category, elsewhere, section="key-takeaways", objectives=["obj-hours"])
    placed = [(q.id, q.lesson, q.section, q.objectives, q.version) for q in report.questions]
    assert placed == [
        ("tech-new", "techniques", "first", ["obj-techniques"], 4),
        ("techniques-01", "techniques", "key-takeaways", ["obj-hours"], 1),
        ("goals-01", "goals", "key-takeaways", ["obj-hours"], 1),
    ]


def test_unknown_lessons_and_objectives_in_a_file_are_said(course) -> None:
    draft = Draft(line=2, name="x", fields=dict(CHOICE), meta={"lesson": "nowhere", "objectives": ["obj-goals", "obj-gone"]})
    report = _build(course, draft)
    assert report.questions[0].lesson == "goals" and report.questions[0].objectives == ["obj-goals"]
    messages = " ".join(w.message for w in report.warnings)
    assert 'lesson "nowhere"' in messages and '"obj-gone": left out' in messages


def test_a_lesson_the_course_lacks_is_refused_before_anything_is_read(course) -> None:
    with pytest.raises(InterchangeError, match='no lesson "nowhere"'):
        _build(course, lesson="nowhere")


@pytest.mark.parametrize(
    ("on_conflict", "expected_id", "skipped", "updates"),
    [
        (OnConflict.SKIP, None, 1, []),
        (OnConflict.RENAME, "goals-01", 0, []),
        (OnConflict.UPDATE, "sample-true-false", 0, ["sample-true-false"]),
    ],
)
def test_an_id_the_bank_has_is_skipped_renamed_or_updated(course, on_conflict, expected_id, skipped, updates) -> None:
    fields = {"type": "true_false", "prompt": "Updated?", "answer": False}
    draft = Draft(line=5, name="Known", fields=fields, meta={"id": "sample-true-false"})
    report = _build(course, draft, on_conflict=on_conflict, status=Status.DRAFT)
    assert len(report.skipped) == skipped and report.updates == updates
    if expected_id is None:
        assert report.questions == [] and "already has" in report.skipped[0].reason and report.skipped[0].line == 5
        return
    [question] = report.questions
    assert question.id == expected_id
    if on_conflict is OnConflict.UPDATE:  # the bank's version, bumped by the save; its status kept
        assert (question.version, question.status) == (1, Status.ACTIVE)
    else:
        assert question.status is Status.DRAFT


def test_an_id_used_twice_in_one_file_is_renamed_the_second_time(course) -> None:
    first = Draft(line=1, name="one", fields=dict(CHOICE), meta={"id": "goals-new"})
    second = Draft(line=8, name="two", fields=dict(CHOICE), meta={"id": "goals-new"})
    report = _build(course, first, second, on_conflict=OnConflict.RENAME)
    assert [q.id for q in report.questions] == ["goals-new", "goals-01"]


def test_ids_once_used_are_never_given_again(course) -> None:
    report = build(
        Parsed(drafts=[Draft(line=1, name="n", fields=dict(CHOICE))]),
        Format.CSV,
        ImportOptions(lesson="goals"),
        course,
        used_ids={"goals-01", "goals-02"},
    )
    assert report.questions[0].id == "goals-03"


def test_a_question_the_models_refuse_is_skipped_with_every_field_and_reason(course) -> None:
    broken = {"type": "single_choice", "prompt": " ", "options": [{"id": "a", "text": "Only one", "correct": True}]}
    report = _build(course, Draft(line=7, name="Broken", fields=broken))
    [skipped] = report.skipped
    assert (skipped.line, skipped.name) == (7, "Broken")
    assert "prompt: must not be empty" in skipped.reason and "options" in skipped.reason


def test_true_false_feedback_is_filled_by_the_answer(course) -> None:
    report = _build(course, Draft(line=1, name="tf", fields={"type": "true_false", "prompt": "Is it?", "answer": False}))
    question = report.questions[0]
    assert (question.feedback_true, question.feedback_false) == (WRONG_FEEDBACK, RIGHT_FEEDBACK)
