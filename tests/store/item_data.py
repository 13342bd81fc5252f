"""Stored attempts for item-analysis tests: two classes, one of whose questions misleads the strongest."""

from __future__ import annotations

from datetime import timedelta

from learning.quiz import QuizSpec
from learning.store import Cohort, Role, Store, User
from tests.conftest import NOW

SC, TF, NUM = "sample-single-choice", "sample-true-false", "sample-numeric"
PRACTICE = QuizSpec.model_validate({"id": "goals-practice", "title": "Goals practice", "lessons": ["goals"], "shuffle_questions": False})
STRONGEST_WRONG = [("b", True, 500), ("b", True, 500), ("b", True, 500), ("a", True, 0), ("a", False, 0), ("a", False, 0)]
"""Six learners' answers to the single-choice, true/false and numeric questions: the three who are
right on the rest choose the wrong option "b"; the three weakest choose the right one."""


def take(store: Store, user: User, *, single: str, true_false: bool, hours: float, minute: int = 0) -> None:
    """One submitted attempt at the goals practice quiz with these three answers (the rest unanswered)."""
    at = NOW + timedelta(minutes=minute)
    attempt = store.attempts.start(user, PRACTICE, now=at)
    store.attempts.answer(user, attempt.id, SC, {"type": "single_choice", "option": single}, now=at)
    store.attempts.answer(user, attempt.id, TF, {"type": "true_false", "value": true_false}, now=at)
    store.attempts.answer(user, attempt.id, NUM, {"type": "numeric", "value": hours}, now=at)
    store.attempts.submit(user, attempt.id, now=at + timedelta(seconds=30))


def two_classes(store: Store, instructor: User, password: str, *, second: str = "Class B") -> tuple[Cohort, Cohort, list[User]]:
    """Class A: six learners as :data:`STRONGEST_WRONG`; the second class: two who get all right.
    Returns both classes and the second class's learners."""
    a = store.accounts.create_cohort(instructor, "Class A", now=NOW)
    b = store.accounts.create_cohort(instructor, second, now=NOW)
    for n, (single, true_false, hours) in enumerate(STRONGEST_WRONG):
        user = store.accounts.create(f"learner-a{n}", password, role=Role.LEARNER, now=NOW)
        store.accounts.join_cohort(user, a.code, now=NOW)
        take(store, user, single=single, true_false=true_false, hours=hours)
    others = []
    for n in range(2):
        user = store.accounts.create(f"learner-b{n}", password, role=Role.LEARNER, now=NOW)
        store.accounts.join_cohort(user, b.code, now=NOW)
        take(store, user, single="a", true_false=True, hours=500)
        others.append(user)
    return a, b, others
