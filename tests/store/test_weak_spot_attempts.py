"""The weak-spots quiz in the store: the history it gathers, the attempt it starts with each
question's reason, and answers that count like any practice answer."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from learning.errors import AccessDenied, AttemptError
from learning.grading import correct_response
from learning.quiz import WEAK_SPOTS_ID, QuizKind
from learning.store import Role
from tests.conftest import NOW
from tests.store.conftest import PASSWORD
from tests.store.test_progress import TF, TF_WRONG, answer_practice

GOALS = ["sample-single-choice", "sample-multiple-response", "sample-true-false", "sample-matching", "sample-ordering"]


def practise_goals(store, learner, *, wrong: str = "sample-true-false") -> None:
    """Read the goals lesson, answer five of its questions right and one (``wrong``) wrong."""
    course = store.attempts.course()
    store.progress.complete_lesson(learner, "goals", now=NOW)
    for minute, question_id in enumerate(GOALS, start=1):
        if question_id != wrong:
            answer_practice(
                store, learner, question_id, correct_response(course.question(question_id)).model_dump(mode="json"), minute=minute
            )
    answer_practice(store, learner, wrong, TF_WRONG, minute=10)
    answer_practice(store, learner, "tech-tf", TF, minute=11)  # a lesson not read: its questions stay out


def test_the_history_holds_counted_answers_reviews_due_and_lessons_read(store, learner) -> None:
    practise_goals(store, learner)
    history = store.weak_spots.history(learner, learner.id, now=NOW + timedelta(hours=1))
    assert history.questions["sample-true-false"].model_dump() == {"right": 0, "wrong": 1, "last_right": False}
    assert history.questions["sample-single-choice"].last_right
    assert history.answers == 6
    assert history.read == {"goals"}
    assert "sample-true-false" in history.due, "a wrong answer is due again within the hour"
    assert history.mastery["obj-goals"].answers == 5


def test_a_new_learner_is_not_offered_the_quiz_and_one_with_a_miss_is(store, learner) -> None:
    assert not store.weak_spots.offered(learner, learner.id, now=NOW)
    practise_goals(store, learner)
    assert store.weak_spots.offered(learner, learner.id, now=NOW + timedelta(minutes=20))


def test_starting_keeps_each_questions_reason_and_resumes_the_same_attempt(store, learner) -> None:
    practise_goals(store, learner)
    later = NOW + timedelta(minutes=20)
    started = store.weak_spots.start(learner, now=later, count=5, seed="fixed")
    assert started.spec.kind is QuizKind.WEAK_SPOTS and started.spec.id == WEAK_SPOTS_ID
    assert len(started.attempt.questions) == 5
    reasons = {d.id: d.reason for d in started.attempt.questions}
    assert reasons["sample-true-false"] == "You missed this last time"
    assert all(reasons.values())
    assert {started.questions[q].lesson for q in reasons} == {"goals"}, "nothing from the unread lesson"
    again = store.weak_spots.start(learner, now=later + timedelta(minutes=1), count=12)
    assert again.id == started.id, "an unfinished one is resumed, not drawn again"
    reread = store.attempts.get(learner, started.id, now=later)
    assert {d.id: d.reason for d in reread.attempt.questions} == reasons, "the reasons come back from the records"


def test_the_same_seed_starts_the_same_questions(store, learner, instructor) -> None:
    practise_goals(store, learner)
    first = store.weak_spots.start(learner, now=NOW + timedelta(minutes=20), count=5, seed="fixed")
    store.attempts.submit(learner, first.id, now=NOW + timedelta(minutes=21))
    second = store.weak_spots.start(learner, now=NOW + timedelta(minutes=21), count=5, seed="fixed")
    assert second.id != first.id
    assert second.attempt.questions == first.attempt.questions


def test_its_answers_update_mastery_and_review_cards_like_practice(store, learner) -> None:
    practise_goals(store, learner)
    later = NOW + timedelta(minutes=20)
    started = store.weak_spots.start(learner, now=later, count=7, seed="fixed")  # every question of the lesson
    before = store.progress.dashboard(learner, learner.id)
    reviews_before = store.review.summary(learner, learner.id, now=later).cards
    fresh = next(d.id for d in started.attempt.questions if d.id not in GOALS)  # one never answered before
    question = started.questions[fresh]
    store.weak_spots.attempts.answer(learner, started.id, fresh, correct_response(question).model_dump(mode="json"), now=later)
    after = store.progress.dashboard(learner, learner.id)
    assert after.answers == before.answers + 1, "counted at once, before the quiz is submitted"
    assert store.review.summary(learner, learner.id, now=later).cards == reviews_before + 1
    store.attempts.submit(learner, started.id, now=later + timedelta(minutes=1))
    rows = list(csv.DictReader(io.StringIO(store.exports.transcript_csv(learner, learner.id))))
    assert WEAK_SPOTS_ID in [r["id"] for r in rows if r["record"] == "quiz"], "a quiz in the transcript, like practice"


def test_nothing_to_practise_before_a_lesson_is_read(store, learner) -> None:
    with pytest.raises(AttemptError) as caught:
        store.weak_spots.start(learner, now=NOW)
    assert caught.value.reason == "nothing_to_practise"


@pytest.mark.parametrize("count", [4, 21])
def test_the_count_is_5_to_20(store, learner, count) -> None:
    store.progress.complete_lesson(learner, "goals", now=NOW)
    with pytest.raises(ValueError, match="5 to 20"):
        store.weak_spots.start(learner, now=NOW, count=count)


def test_another_learners_history_is_not_theirs_to_read(store, learner) -> None:
    other = store.accounts.create("alex", PASSWORD, role=Role.LEARNER, now=NOW)
    with pytest.raises(AccessDenied):
        store.weak_spots.history(other, learner.id, now=NOW)
    with pytest.raises(AccessDenied):
        store.weak_spots.offered(other, learner.id, now=NOW)
