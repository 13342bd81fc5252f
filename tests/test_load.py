"""The load test's client works: two simulated learners, speaking Streamlit's websocket protocol
to a real app server, sign in, answer two questions each and see their feedback, and the
database holds each answer once."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from pathlib import Path

import pytest

from bench import load
from tests.conftest import free_port, skip_or_fail

pytestmark = pytest.mark.server


def test_two_learners_answer_two_questions_each(tmp_path: Path) -> None:
    bank = load.prepare_course(tmp_path, questions=2)
    url = f"sqlite:///{tmp_path / 'load.db'}"
    names = ["load-one", "load-two"]
    load.create_learners(url, bank, names)
    port = free_port()
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(load.app_server(port, database_url=url, bank=bank, folder=tmp_path))
        except RuntimeError as error:
            skip_or_fail(f"the app server could not start: {str(error)[:300]}")
        # On a thread of its own: the browser tests' Playwright keeps an event loop running on this one.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            learners, started, ended = pool.submit(
                asyncio.run,
                load.drive(f"http://127.0.0.1:{port}", names, answers=2, think=(0.0, 0.1), ramp=0.0, duration=120, seed="test"),
            ).result()

    assert [learner.errors for learner in learners] == [[], []]
    assert [(learner.sent, learner.acknowledged, learner.finished) for learner in learners] == [(2, 2, True), (2, 2, True)]
    feedback = [seconds for learner in learners for seconds in learner.feedback]
    assert len(feedback) == 4 and all(0 < seconds < ended - started for seconds in feedback)
    assert all(learner.signed_in is not None for learner in learners)
    assert load.check_database(url, learners) == "ok: 4 answers in 2 attempts, each once"


def test_the_database_check_catches_an_answer_missing(tmp_path: Path) -> None:
    """The check compares the rows with what the learners saw: a learner who saw feedback for an
    answer the database lacks is reported (here nobody answered at all)."""
    bank = load.prepare_course(tmp_path, questions=2)
    url = f"sqlite:///{tmp_path / 'load.db'}"
    load.create_learners(url, bank, ["load-one"])
    claimed = load.Learner("load-one", sent=2, acknowledged=2)
    assert load.check_database(url, [claimed]) == "WRONG: load-one: no attempt stored"
