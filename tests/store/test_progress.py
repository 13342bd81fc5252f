"""Lesson progress, mastery per objective, lesson status and the spaced-review queue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learning.store import LessonStatus
from tests.conftest import NOW
from tests.store.conftest import exam_spec, practice_spec

TF = {"type": "true_false", "value": True}
TF_WRONG = {"type": "true_false", "value": False}


def answer_practice(store, learner, question_id: str, response: dict, *, minute: int) -> None:
    spec = practice_spec(id=f"practice-{minute}", lessons=[], objectives=[], shuffle_questions=False)
    attempt = store.attempts.start(
        learner, spec, now=NOW + timedelta(minutes=minute), questions=[store.attempts.course().question(question_id)]
    )
    store.attempts.answer(learner, attempt.id, question_id, response, now=NOW + timedelta(minutes=minute))
    store.attempts.submit(learner, attempt.id, now=NOW + timedelta(minutes=minute))


def test_a_new_learner_has_an_empty_dashboard(store, learner) -> None:
    board = store.progress.dashboard(learner, learner.id)
    assert [p.status for p in board.lessons] == [LessonStatus.NOT_STARTED, LessonStatus.NOT_STARTED]
    assert {m.mastery for m in board.objectives} == {0.0}
    assert (board.answers, board.time_studied, board.last_lesson) == (0, timedelta(0), None)


def test_lesson_status_moves_from_read_to_practised_to_mastered(store, learner) -> None:
    store.progress.open_lesson(learner, "techniques", now=NOW)
    store.progress.complete_lesson(learner, "techniques", now=NOW + timedelta(minutes=6))
    board = store.progress.dashboard(learner, learner.id)
    assert board.lesson("techniques").status is LessonStatus.READ
    assert board.last_lesson == "techniques"
    assert board.time_studied == timedelta(minutes=6)
    answer_practice(store, learner, "tech-tf", TF_WRONG, minute=10)
    assert store.progress.dashboard(learner, learner.id).lesson("techniques").status is LessonStatus.PRACTISED
    answer_practice(store, learner, "tech-tf", TF, minute=20)
    answer_practice(store, learner, "tech-tf", TF, minute=30)
    board = store.progress.dashboard(learner, learner.id)
    techniques = next(m for m in board.objectives if m.objective == "obj-techniques")
    assert techniques.answers == 3
    assert techniques.mastery == pytest.approx(round(1.7 / 2.19, 4))
    assert board.lesson("techniques").status is LessonStatus.PRACTISED  # 78% is not yet mastery
    answer_practice(store, learner, "tech-tf", TF, minute=40)
    assert store.progress.dashboard(learner, learner.id).lesson("techniques").status is LessonStatus.MASTERED


def test_unsubmitted_exam_answers_do_not_count_yet(store, learner) -> None:
    attempt = store.attempts.start(learner, exam_spec(lessons=["techniques"]), now=NOW)
    store.attempts.answer(learner, attempt.id, "tech-tf", TF, now=NOW)
    assert store.progress.dashboard(learner, learner.id).answers == 0
    store.attempts.submit(learner, attempt.id, now=NOW)
    assert store.progress.dashboard(learner, learner.id).answers == 1


def test_cohort_mastery_for_its_instructor(store, instructor, learner) -> None:
    cohort = store.accounts.create_cohort(instructor, "Class", now=NOW)
    store.accounts.join_cohort(learner, cohort.code, now=NOW)
    answer_practice(store, learner, "tech-tf", TF, minute=1)
    overview = store.progress.cohort_mastery(instructor, cohort.id)
    row = {m.objective: m.mastery for m in overview[learner.id]}
    assert row["obj-techniques"] == 1.0 and row["obj-goals"] == 0.0


# --- spaced review ------------------------------------------------------------------------


def test_every_answered_question_becomes_a_card(store, learner) -> None:
    answer_practice(store, learner, "tech-tf", TF_WRONG, minute=0)
    assert store.review.due(learner, learner.id, now=NOW) == []  # Again: due again a minute later
    due = store.review.due(learner, learner.id, now=NOW + timedelta(minutes=2))
    assert [c.question_id for c in due] == ["tech-tf"]
    summary = store.review.summary(learner, learner.id, now=NOW)
    assert (summary.due_now, summary.cards) == (0, 1)
    assert summary.next_due is not None and summary.next_due > NOW


def test_due_queue_lists_the_most_recently_due_first(store, learner) -> None:
    answer_practice(store, learner, "tech-tf", TF_WRONG, minute=0)
    answer_practice(store, learner, "sample-true-false", TF_WRONG, minute=5)
    due = store.review.due(learner, learner.id, now=NOW + timedelta(hours=1))
    assert [c.question_id for c in due] == ["sample-true-false", "tech-tf"]


def test_a_right_answer_waits_longer_than_a_wrong_one(store, learner) -> None:
    answer_practice(store, learner, "tech-tf", TF, minute=0)
    answer_practice(store, learner, "sample-true-false", TF_WRONG, minute=0)
    soon = store.review.due(learner, learner.id, now=NOW + timedelta(minutes=5))
    assert [c.question_id for c in soon] == ["sample-true-false"]


def test_an_exam_date_brings_reviews_forward(store, learner) -> None:
    for minute in (0, 60, 120):
        answer_practice(store, learner, "tech-tf", TF, minute=minute)
    later = NOW + timedelta(days=1)
    assert store.review.due(learner, learner.id, now=later) == []
    exam_day = (NOW + timedelta(days=2)).date()
    store.accounts.set_exam_date(learner, exam_day, now=NOW)
    assert [c.question_id for c in store.review.due(learner, learner.id, now=later)] == ["tech-tf"]


def test_exam_pool_questions_reach_review_only_after_the_final_exam_is_passed(database_url, tmp_path) -> None:
    import json

    from learning import load_course
    from learning.store import Role, Store
    from tests.conftest import question, write_bank, write_course
    from tests.store.conftest import PASSWORD

    lessons, bank = write_course(tmp_path / "course")
    write_bank(bank, "exam.json", [question("true_false", id="exam-tf", lesson="techniques", objectives=["obj-techniques"], pool="exam")])
    final = {"id": "final", "title": "Final", "kind": "final_exam", "pools": ["exam"], "feedback_mode": "exam", "pass_mark": 1.0}
    (bank / "quizzes").mkdir(exist_ok=True)
    (bank / "quizzes" / "final.json").write_text(json.dumps(final))
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert course.problems == []
    store = Store.open(database_url, course=lambda: course)
    try:
        learner = store.accounts.create("ada", PASSWORD, role=Role.LEARNER, now=NOW)
        spec = course.quiz("final")
        failed = store.attempts.start(learner, spec, now=NOW)
        store.attempts.answer(learner, failed.id, "exam-tf", TF_WRONG, now=NOW)
        store.attempts.submit(learner, failed.id, now=NOW)
        later = NOW + timedelta(days=30)
        assert store.review.due(learner, learner.id, now=later) == []
        assert store.review.summary(learner, learner.id, now=later).cards == 0
        passed = store.attempts.start(learner, spec, now=later)
        store.attempts.answer(learner, passed.id, "exam-tf", TF, now=later)
        store.attempts.submit(learner, passed.id, now=later)
        assert [c.question_id for c in store.review.due(learner, learner.id, now=later + timedelta(days=60))] == ["exam-tf"]
    finally:
        store.close()
