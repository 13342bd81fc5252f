"""A quiz set for some classes, or open only for a while, is refused outside them by the store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learning.errors import AttemptError
from learning.store import Role
from learning.store.tables import AttemptRow
from tests.conftest import NOW
from tests.store.conftest import PASSWORD, practice_spec

OPENS = NOW + timedelta(days=1)
CLOSES = NOW + timedelta(days=8)


def attempts_stored(store) -> int:
    with store.db.read() as session:
        return session.scalar(select(func.count()).select_from(AttemptRow))


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (OPENS - timedelta(minutes=1), "not_open"),
        (CLOSES, "closed"),
        (CLOSES + timedelta(days=30), "closed"),
        (OPENS, None),
        (CLOSES - timedelta(seconds=1), None),
    ],
)
def test_a_start_outside_the_window_is_refused(store, learner, now, reason) -> None:
    spec = practice_spec(opens_at=OPENS, closes_at=CLOSES)
    if reason is None:
        assert store.attempts.start(learner, spec, now=now).spec.id == spec.id
        return
    with pytest.raises(AttemptError) as raised:
        store.attempts.start(learner, spec, now=now)
    assert raised.value.reason == reason
    assert attempts_stored(store) == 0


def test_an_attempt_started_while_open_is_resumed_after_closing(store, learner) -> None:
    spec = practice_spec(closes_at=CLOSES)
    started = store.attempts.start(learner, spec, now=CLOSES - timedelta(minutes=5))
    assert store.attempts.start(learner, spec, now=CLOSES + timedelta(minutes=5)).id == started.id


def test_only_learners_of_the_quizs_classes_may_start_it(store, instructor) -> None:
    ours = store.accounts.create_cohort(instructor, "Monday evening", now=NOW)
    theirs = store.accounts.create_cohort(instructor, "Saturday", now=NOW)
    member = store.accounts.create("alex", PASSWORD, role=Role.LEARNER, now=NOW, enrolment_code=ours.code)
    other = store.accounts.create("blake", PASSWORD, role=Role.LEARNER, now=NOW, enrolment_code=theirs.code)
    loner = store.accounts.create("casey", PASSWORD, role=Role.LEARNER, now=NOW)
    spec = practice_spec(classes=[ours.id])
    assert store.attempts.start(member, spec, now=NOW).spec.classes == [ours.id]
    for learner in (other, loner):
        with pytest.raises(AttemptError) as raised:
            store.attempts.start(learner, spec, now=NOW)
        assert raised.value.reason == "not_assigned"
    assert attempts_stored(store) == 1
    # Joining the class later opens it.
    store.accounts.join_cohort(loner, ours.code, now=NOW)
    assert store.attempts.start(loner, spec, now=NOW).spec.id == spec.id


def test_an_instructor_may_try_a_quiz_set_for_any_class(store, instructor) -> None:
    cohort = store.accounts.create_cohort(instructor, "Monday evening", now=NOW)
    spec = practice_spec(classes=[cohort.id + 100])
    assert store.attempts.start(instructor, spec, now=NOW).spec.id == spec.id
