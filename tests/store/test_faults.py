"""Faults a learner can run into: the records out of reach, a damaged database file, a clock stepped back."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

import learning.store.accounts as accounts_module
from learning.__main__ import main
from learning.errors import AccountError, AttemptError, DamagedDatabase, SignInError, StorageUnavailable
from learning.grading import correct_response
from learning.store import Role, Store
from learning.store.accounts import Accounts
from learning.store.database import OVERFLOW, Database
from tests.conftest import database_fault
from tests.store.conftest import LATER, PASSWORD, exam_spec, practice_spec

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


def _records(path, course) -> None:
    """A real database at ``path`` with an account and an attempt in it."""
    store = Store.open(f"sqlite:///{path}", course=lambda: course)
    user = store.accounts.create("sam", PASSWORD, role=Role.LEARNER, now=LATER)
    store.attempts.start(user, exam_spec(), now=LATER)
    store.close()


def test_an_empty_database_file_is_refused_not_made_new(tmp_path, course, capsys, monkeypatch) -> None:
    path = tmp_path / "records.db"
    path.touch()
    with pytest.raises(DamagedDatabase, match=f"{path} is empty \\(0 bytes\\)"):
        Store.open(f"sqlite:///{path}", course=lambda: course)
    assert path.stat().st_size == 0, "nothing was written to it"
    monkeypatch.setenv("LEARNING_DATABASE_URL", f"sqlite:///{path}")
    assert main(["db", "upgrade"]) == 1
    assert "is empty (0 bytes)" in capsys.readouterr().err


@pytest.mark.parametrize("page", [1, 2, 5])
def test_a_damaged_database_file_is_refused(tmp_path, course, page: int) -> None:
    path = tmp_path / "records.db"
    _records(path, course)
    with sqlite3.connect(path) as connection:
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as file:  # garbage over one page, as a failing disk leaves it
        file.seek(size * (page - 1))
        file.write(os.urandom(size))
    with pytest.raises(DamagedDatabase, match=f"{path} is damaged .*Restore it from a backup"):
        Store.open(f"sqlite:///{path}", course=lambda: course)


def test_a_new_database_file_is_made_and_a_sound_one_opens(tmp_path, course) -> None:
    path = tmp_path / "new" / "records.db"
    _records(path, course)  # made on first open
    reopened = Store.open(f"sqlite:///{path}", course=lambda: course)
    try:
        assert reopened.accounts.by_username("sam") is not None
    finally:
        reopened.close()


def test_a_clock_stepped_back_neither_dates_answers_earlier_nor_submits_before_the_start(store, learner) -> None:
    started = LATER
    attempt = store.attempts.start(learner, exam_spec(time_limit_minutes=60), now=started)
    first, second = attempt.attempt.questions[:2]
    answer = {d.id: correct_response(attempt.questions[d.id]).model_dump(mode="json") for d in (first, second)}
    at_50 = started + timedelta(minutes=50)
    store.attempts.answer(learner, attempt.id, first.id, answer[first.id], now=at_50)
    behind = at_50 - timedelta(hours=2)  # the server clock steps back two hours
    assert store.attempts.get(learner, attempt.id, now=behind).attempt.time_left(behind) == timedelta(minutes=10)
    store.attempts.answer(learner, attempt.id, second.id, answer[second.id], now=behind)
    stored = store.attempts.get(learner, attempt.id, now=behind).attempt
    assert stored.answers[second.id].answered_at == at_50, "not dated before the answer already given"
    submitted = store.attempts.submit(learner, attempt.id, now=started - timedelta(hours=3)).attempt
    assert submitted.submitted_at == at_50 >= submitted.started_at


def test_an_answer_after_the_deadline_is_refused_whatever_came_before(store, learner) -> None:
    attempt = store.attempts.start(learner, exam_spec(time_limit_minutes=60), now=LATER)
    first, second = attempt.attempt.questions[:2]
    response = correct_response(attempt.questions[second.id]).model_dump(mode="json")
    store.attempts.answer(learner, attempt.id, first.id, correct_response(attempt.questions[first.id]).model_dump(mode="json"), now=LATER)
    with pytest.raises(AttemptError) as refused:
        store.attempts.answer(learner, attempt.id, second.id, response, now=LATER + timedelta(minutes=61))
    assert refused.value.reason == "time_up"
    assert store.attempts.get(learner, attempt.id, now=LATER).attempt.submitted_at == LATER + timedelta(minutes=60)


def test_a_postgresql_server_that_is_down_raises_storage_unavailable(course) -> None:
    with pytest.raises(StorageUnavailable, match="cannot be read or saved right now"):
        Store.open("postgresql+psycopg://learning:secret@127.0.0.1:1/records", course=lambda: course)  # nothing listens on port 1


def test_a_request_waits_a_bounded_time_for_a_connection_then_hears_the_server_is_busy(database_url) -> None:
    """A flood exhausted the connection pool and requests hung for 30 s and more while they piled
    up; now a request that cannot get a connection (or, on SQLite, its turn to write) within the
    wait is told plainly that nothing was saved."""
    database = Database(database_url, wait=0.3, pool_size=1)
    database.upgrade()
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:  # every connection (SQLite: the turn to write) taken and kept
        with contextlib.ExitStack() as stack:
            for _ in range(1 if database.is_sqlite else 1 + OVERFLOW):  # PostgreSQL: the pool of 1 and its overflow
                stack.enter_context(database.write()).execute(text("SELECT 1"))
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        started = time.perf_counter()
        with pytest.raises(StorageUnavailable, match="too busy"), database.write() as session:
            session.execute(text("SELECT 1"))
        assert time.perf_counter() - started < 3
    finally:
        release.set()
        holder.join()
        database.dispose()


def test_a_sign_in_flood_is_told_the_server_is_busy_instead_of_piling_up(database_url) -> None:
    """Each sign-in hashes for 100 ms or more; a flood of them took every core. At most a few hash
    at once; the rest wait a bounded time, then are refused with a clear reason."""
    database = Database(database_url)
    database.upgrade()
    accounts = Accounts(database, hashing_slots=1, hash_wait=0.3)
    accounts.create("flooded", PASSWORD, role=Role.LEARNER, now=LATER)
    entered, release = threading.Event(), threading.Event()
    real = accounts_module._verify

    def slow(stored: str, password: str) -> bool:
        entered.set()
        release.wait(10)
        return real(stored, password)

    first = threading.Thread(target=lambda: accounts.sign_in("flooded", PASSWORD, now=LATER))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts_module, "_verify", slow)
        first.start()
        try:
            assert entered.wait(10)
            with pytest.raises(SignInError) as raised:
                accounts.sign_in("flooded", PASSWORD, now=LATER)
            assert raised.value.reason == "busy"
            with pytest.raises(AccountError, match="busy"):
                accounts.create("newcomer", PASSWORD, role=Role.LEARNER, now=LATER)
        finally:
            release.set()
            first.join()
    assert accounts.sign_in("flooded", PASSWORD, now=LATER).username == "flooded"  # a turn again once the flood ends
    database.dispose()
