"""What a learner sees when something outside the app fails: the records out of reach (a full
disk, a stopped database server), an empty or damaged database file."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from streamlit.testing.v1 import AppTest

from learning.quiz import Attempt
from learning.ui import services
from learning.wording import ANSWER_NOT_SAVED, RECORDS_UNAVAILABLE
from tests.conftest import ROOT, database_fault

WRITES = ("INSERT", "UPDATE", "DELETE")


def _single_choice_first(app, user, quiz_id: str):
    """An attempt at ``quiz_id`` whose first question is single choice (the seed is chosen for it)."""
    spec = app.course.quiz(quiz_id)
    by_id = {q.id: q for q in app.course.questions}
    seed = next(
        str(n)
        for n in range(100)
        if by_id[Attempt.start(spec, app.course.questions, seed=str(n), now=datetime.now(UTC)).questions[0].id].type == "single_choice"
    )
    return app.store.attempts.start(user, spec, now=datetime.now(UTC), seed=seed)


def test_an_answer_the_disk_refuses_is_reported_and_stays_on_screen(app) -> None:
    user = app.user()
    stored = _single_choice_first(app, user, "practice-training")
    question = stored.questions[stored.attempt.questions[0].id]
    wrong = next(o.id for o in question.options if not o.correct)
    app.sign_in_as(user)
    app.open("quiz", quiz="practice-training")
    key = f"answer-{stored.id}-{question.id}"
    next(r for r in app.at.radio if r.key == key).set_value(wrong)
    with database_fault(*WRITES):
        app.button("Check").click()
        app.run()  # no exception: the app's own message instead
    assert [e.value for e in app.at.error] == [ANSWER_NOT_SAVED]
    assert next(r for r in app.at.radio if r.key == key).value == wrong, "the chosen answer is still selected"
    assert not app.store.attempts.get(user, stored.id, now=datetime.now(UTC)).attempt.answers
    app.button("Check").click()  # room again: the same click saves it
    app.run()
    assert app.store.attempts.get(user, stored.id, now=datetime.now(UTC)).attempt.answers[question.id].response.option == wrong
    assert any(e.value == "**Not quite.**" for e in app.at.error)


def test_a_quiz_the_disk_refuses_to_start_says_so(app) -> None:
    user = app.user()
    app.sign_in_as(user)
    app.open("quiz", quiz="practice-training")
    with database_fault(*WRITES):
        app.button("Start").click()
        app.run()
    assert [e.value for e in app.at.error] == ["Your quiz was not started. Check your connection and try again."]
    assert app.store.attempts.unfinished(user, now=datetime.now(UTC)) == []
    assert "Start" in [b.label for b in app.at.button]


def test_a_database_out_of_reach_shows_a_plain_message(app) -> None:
    app.sign_in_as(app.user())
    with database_fault("SELECT", message="connection refused"):
        app.open("progress")
    assert [e.value for e in app.at.error] == [RECORDS_UNAVAILABLE]
    app.open("progress")
    assert "Your progress" in app.texts()  # back by itself


def test_an_empty_database_file_stops_the_app_with_a_plain_message(tmp_path, monkeypatch) -> None:
    path = tmp_path / "emptied.db"
    path.touch()
    monkeypatch.setenv("LEARNING_DATABASE_URL", f"sqlite:///{path}")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.startswith("The app cannot open its records, so it has stopped to keep them safe.")
    assert f"{path} is empty (0 bytes)" in message
    assert path.stat().st_size == 0


def test_the_app_clock_does_not_follow_a_step_back(monkeypatch) -> None:
    real = time.time()
    monkeypatch.setattr(services.time, "time", lambda: real - 2 * 3600)  # the server clock steps back two hours
    assert abs(services.now().timestamp() - real) < 60
    monkeypatch.setattr(services.time, "time", lambda: real + 3600)  # a step forward is followed
    assert abs(services.now().timestamp() - (real + 3600)) < 60
