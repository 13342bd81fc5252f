"""Attempts and answers in the store: rebuilt exactly, stored once, never lost, rules enforced."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learning import load_course
from learning.errors import AttemptError, ResponseError
from learning.grading import correct_response
from learning.quiz import AttemptStatus
from learning.store import Store
from learning.store.tables import AnswerRow
from tests.conftest import NOW, build
from tests.store.conftest import LATER, exam_spec, practice_spec

SC = "sample-single-choice"
RIGHT = {"type": "single_choice", "option": "a"}
WRONG = {"type": "single_choice", "option": "b"}


def answer_rows(store: Store) -> int:
    with store.db.read() as session:
        return session.scalar(select(func.count()).select_from(AnswerRow))


def test_start_stores_everything_needed_to_rebuild(store, learner) -> None:
    started = store.attempts.start(learner, practice_spec(), now=NOW, seed="fixed")
    again = store.attempts.get(learner, started.id, now=LATER)
    assert again.attempt.questions == started.attempt.questions
    assert again.attempt.seed == "fixed"
    assert again.spec == practice_spec()
    assert set(again.questions) == {d.id for d in started.attempt.questions}
    assert [d.option_order for d in again.attempt.questions] == [d.option_order for d in started.attempt.questions]


def test_starting_again_resumes_the_unfinished_attempt(store, learner) -> None:
    first = store.attempts.start(learner, practice_spec(), now=NOW)
    store.attempts.answer(learner, first.id, SC, RIGHT, now=NOW)
    resumed = store.attempts.start(learner, practice_spec(), now=LATER)
    assert resumed.id == first.id
    assert resumed.attempt.answers[SC].grade.score == 1.0
    assert [a.id for a in store.attempts.unfinished(learner, now=LATER)] == [first.id]


def test_a_double_click_stores_one_answer(store, learner) -> None:
    attempt = store.attempts.start(learner, practice_spec(), now=NOW)
    first = store.attempts.answer(learner, attempt.id, SC, RIGHT, now=NOW)
    second = store.attempts.answer(learner, attempt.id, SC, RIGHT, now=LATER)
    assert (first.duplicate, second.duplicate) == (False, True)
    assert second.grade == first.grade
    assert answer_rows(store) == 1


def test_a_practice_answer_cannot_change(store, learner) -> None:
    attempt = store.attempts.start(learner, practice_spec(), now=NOW)
    store.attempts.answer(learner, attempt.id, SC, WRONG, now=NOW)
    with pytest.raises(AttemptError) as raised:
        store.attempts.answer(learner, attempt.id, SC, RIGHT, now=LATER)
    assert raised.value.reason == "answered"


def test_an_exam_answer_can_change_until_submitted(store, learner) -> None:
    attempt = store.attempts.start(learner, exam_spec(), now=NOW)
    store.attempts.answer(learner, attempt.id, SC, WRONG, now=NOW)
    changed = store.attempts.answer(learner, attempt.id, SC, RIGHT, now=LATER)
    assert changed.revision == 2
    done = store.attempts.submit(learner, attempt.id, now=LATER)
    assert done.submitted and done.result.unanswered == [q.id for q in done.attempt.questions if q.id != SC]
    assert done.attempt.answers[SC].grade.score == 1.0
    with pytest.raises(AttemptError) as raised:
        store.attempts.answer(learner, attempt.id, SC, WRONG, now=LATER)
    assert raised.value.reason == "submitted"
    assert store.attempts.submit(learner, attempt.id, now=LATER + timedelta(hours=1)).result == done.result


def test_a_bad_response_is_refused_and_stores_nothing(store, learner) -> None:
    attempt = store.attempts.start(learner, practice_spec(), now=NOW)
    with pytest.raises(ResponseError, match="has no option 'zz'"):
        store.attempts.answer(learner, attempt.id, SC, {"type": "single_choice", "option": "zz"}, now=NOW)
    with pytest.raises(AttemptError) as raised:
        store.attempts.answer(learner, attempt.id, "not-in-it", RIGHT, now=NOW)
    assert raised.value.reason == "not_drawn"
    assert answer_rows(store) == 0


def test_answers_after_the_time_limit_are_refused_and_the_attempt_submitted(store, learner) -> None:
    attempt = store.attempts.start(learner, exam_spec(), now=NOW)
    store.attempts.answer(learner, attempt.id, SC, RIGHT, now=NOW + timedelta(minutes=29))
    with pytest.raises(AttemptError) as raised:
        store.attempts.answer(
            learner, attempt.id, "sample-true-false", {"type": "true_false", "value": True}, now=NOW + timedelta(minutes=31)
        )
    assert raised.value.reason == "time_up"
    stored = store.attempts.get(learner, attempt.id, now=NOW + timedelta(minutes=32))
    assert stored.attempt.status is AttemptStatus.SUBMITTED
    assert stored.attempt.submitted_at == NOW + timedelta(minutes=30)
    assert list(stored.attempt.answers) == [SC]


def test_an_expired_attempt_is_submitted_when_next_read(store, learner) -> None:
    attempt = store.attempts.start(learner, exam_spec(), now=NOW)
    assert store.attempts.unfinished(learner, now=NOW + timedelta(hours=2)) == []
    assert store.attempts.get(learner, attempt.id, now=NOW + timedelta(hours=2)).submitted


def test_attempts_allowed_are_enforced(store, learner) -> None:
    spec = exam_spec(attempts_allowed=2)
    for minute in (0, 40):
        attempt = store.attempts.start(learner, spec, now=NOW + timedelta(minutes=minute))
        store.attempts.submit(learner, attempt.id, now=NOW + timedelta(minutes=minute + 1))
    with pytest.raises(AttemptError, match="used all 2 attempts") as raised:
        store.attempts.start(learner, spec, now=NOW + timedelta(hours=2))
    assert raised.value.reason == "no_attempts_left"
    standing = store.attempts.standing(learner, learner.id, spec)
    assert (standing.attempts_used, standing.attempts_left) == (2, 0)


@pytest.mark.parametrize(("method", "counted"), [("highest", 1.0), ("last", 0.0), ("first", 0.0), ("average", 1 / 3)])
def test_grading_method_decides_the_score_that_counts(store, learner, course, method: str, counted: float) -> None:
    spec = practice_spec(id="one-question", objectives=["obj-techniques"], grading_method=method, lessons=[])
    responses = [{"type": "true_false", "value": v} for v in (False, True, False)]
    for n, response in enumerate(responses):
        attempt = store.attempts.start(learner, spec, now=NOW + timedelta(minutes=n))
        store.attempts.answer(learner, attempt.id, "tech-tf", response, now=NOW + timedelta(minutes=n))
        store.attempts.submit(learner, attempt.id, now=NOW + timedelta(minutes=n))
    assert store.attempts.standing(learner, learner.id, spec).counted == pytest.approx(counted)


def test_editing_a_question_never_changes_a_past_grade(store, learner, course) -> None:
    attempt = store.attempts.start(learner, practice_spec(), now=NOW)
    store.attempts.answer(learner, attempt.id, SC, WRONG, now=NOW)
    # An instructor then edits the question: option b becomes the right answer.
    edited = build(
        "single_choice",
        version=2,
        options=[
            {"id": "a", "text": "Relaxation", "feedback": "No."},
            {"id": "b", "text": "Diagnosis", "correct": True, "feedback": "Yes."},
            {"id": "c", "text": "Surgery", "feedback": "No."},
        ],
    )
    changed = dataclasses.replace(course, questions=[edited if q.id == SC else q for q in course.questions])
    for part in (store.attempts, store.review, store.progress, store.exports):  # the server reloads the edited bank
        part.course = lambda: changed
    stored = store.attempts.get(learner, attempt.id, now=LATER)
    assert stored.attempt.answers[SC].grade.score == 0.0
    assert stored.questions[SC].version == 1
    store.attempts.answer(learner, attempt.id, "sample-true-false", {"type": "true_false", "value": True}, now=LATER)
    result = store.attempts.submit(learner, attempt.id, now=LATER).result
    assert result.points == 1.0  # graded against what was shown


def test_the_final_exam_stays_locked_until_every_lesson_is_read(store, learner) -> None:
    spec = exam_spec(id="final", requires_lessons_read=True, lessons=[])
    with pytest.raises(AttemptError) as raised:
        store.attempts.start(learner, spec, now=NOW)
    assert raised.value.reason == "locked"
    store.progress.complete_lesson(learner, "goals", now=NOW)
    store.progress.complete_lesson(learner, "techniques", now=NOW)
    assert store.attempts.start(learner, spec, now=NOW).spec.id == "final"


def serve(store: Store, course) -> None:
    """As the server does when the files change: every part of the store gets the reloaded course."""
    for part in (store.attempts, store.review, store.progress, store.exports):
        part.course = lambda: course


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("glossary.yaml", "terms:\n  - {id: remedial, term: remedial, definition: Done to treat., termm: x}\n"),
        ("syllabus.yaml", "units: [\n"),
        ("syllabus.yaml", "units: []\nobjectives: []\n"),
    ],
    ids=["glossary typo", "syllabus not YAML", "syllabus emptied"],
)
def test_a_broken_course_never_lets_a_learner_who_read_nothing_start_the_final_exam(store, learner, course_dirs, file, text) -> None:
    """A glossary typo once left 0 lessons, and with 0 lessons "every lesson read" was true."""
    lessons, bank = course_dirs
    (lessons / file).write_text(text)
    broken = load_course(lessons_dir=lessons, bank_dir=bank)
    assert broken.errors
    serve(store, broken)
    with pytest.raises(AttemptError) as raised:
        store.attempts.start(learner, exam_spec(id="final", requires_lessons_read=True, lessons=[]), now=NOW)
    assert raised.value.reason == "locked"


def test_flags(store, learner) -> None:
    attempt = store.attempts.start(learner, exam_spec(), now=NOW)
    assert store.attempts.set_flag(learner, attempt.id, SC, True) == [SC]
    assert store.attempts.get(learner, attempt.id, now=NOW).flagged == [SC]
    assert store.attempts.set_flag(learner, attempt.id, SC, False) == []


def test_critical_item_gates_the_stored_result(store, learner) -> None:
    spec = exam_spec(id="critical", lessons=["techniques"], critical_gates_pass=True, pass_mark=0.5)
    attempt = store.attempts.start(learner, spec, now=NOW)
    store.attempts.answer(learner, attempt.id, "tech-tf", {"type": "true_false", "value": False}, now=NOW)
    result = store.attempts.submit(learner, attempt.id, now=LATER).result
    assert (result.passed, result.failed_critical) == (False, ["tech-tf"])


def test_an_open_attempt_finishes_after_its_lesson_file_is_deleted(store, learner, course_dirs) -> None:
    """Deleting a lesson once stranded the attempts drawing on it: they finish from their snapshots."""
    lessons, bank = course_dirs
    spec = exam_spec(id="both", lessons=["goals", "techniques"], question_count=2, blueprint=[{"lessons": ["techniques"], "count": 1}])
    attempt = store.attempts.start(learner, spec, now=NOW)
    assert "tech-tf" in attempt.questions
    (lessons / "techniques.md").unlink()
    reloaded = load_course(lessons_dir=lessons, bank_dir=bank)
    assert reloaded.question("tech-tf") is None
    serve(store, reloaded)
    store.attempts.answer(learner, attempt.id, "tech-tf", {"type": "true_false", "value": True}, now=LATER)
    other = next(d.id for d in attempt.attempt.questions if d.id != "tech-tf")
    store.attempts.answer(learner, attempt.id, other, correct_response(attempt.questions[other]).model_dump(mode="json"), now=LATER)
    finished = store.attempts.submit(learner, attempt.id, now=LATER)
    assert finished.submitted and finished.result is not None
    assert finished.result.unanswered == []
    assert {o.objective for o in finished.result.by_objective} >= {"obj-techniques"}
