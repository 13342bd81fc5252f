"""Faults a learner can run into: the records out of reach, a damaged database file, a clock stepped back."""

from __future__ import annotations

import pytest

from learning.errors import StorageUnavailable
from learning.grading import correct_response
from tests.conftest import database_fault
from tests.store.conftest import LATER, exam_spec, practice_spec

WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_full_disk_stores_nothing_and_says_so(store, learner) -> None:
    attempt = store.attempts.start(learner, practice_spec(), now=LATER)
    drawn = attempt.attempt.questions[0]
    response = correct_response(attempt.questions[drawn.id]).model_dump(mode="json")
    with database_fault(*WRITES):
        with pytest.raises(StorageUnavailable, match="database or disk is full"):
            store.attempts.answer(learner, attempt.id, drawn.id, response, now=LATER)
        with pytest.raises(StorageUnavailable):
            store.attempts.start(learner, exam_spec(), now=LATER)
        with pytest.raises(StorageUnavailable):
            store.attempts.submit(learner, attempt.id, now=LATER)
        reread = store.attempts.get(learner, attempt.id, now=LATER)  # reading still works
    assert reread.attempt.answers == {} and not reread.submitted
    assert store.attempts.unfinished(learner, now=LATER) == [reread]  # the exam was not started
    assert store.attempts.answer(learner, attempt.id, drawn.id, response, now=LATER).grade.correct  # room again: it saves


def test_a_database_out_of_reach_raises_storage_unavailable(store, learner) -> None:
    with database_fault("SELECT", message="connection refused"), pytest.raises(StorageUnavailable, match="connection refused"):
        store.attempts.unfinished(learner, now=LATER)
    assert store.attempts.unfinished(learner, now=LATER) == []  # back by itself
