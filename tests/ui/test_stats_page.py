"""The item statistics page: instructors only, a misleading option flagged in plain words, one
class or all, and an empty state before anyone submits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from learning.quiz import QuizSpec
from learning.store import Role
from tests.ui.conftest import App

SC, TF, NUM = "sample-single-choice", "sample-true-false", "sample-numeric"
STARTED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _take(app: App, user, *, single: str, true_false: bool, hours: float) -> None:
    spec = QuizSpec.model_validate({"id": "goals-practice", "title": "Goals practice", "lessons": ["goals"], "shuffle_questions": False})
    attempt = app.store.attempts.start(user, spec, now=STARTED)
    app.store.attempts.answer(user, attempt.id, SC, {"type": "single_choice", "option": single}, now=STARTED)
    app.store.attempts.answer(user, attempt.id, TF, {"type": "true_false", "value": true_false}, now=STARTED)
    app.store.attempts.answer(user, attempt.id, NUM, {"type": "numeric", "value": hours}, now=STARTED)
    app.store.attempts.submit(user, attempt.id, now=STARTED + timedelta(seconds=30))


@pytest.fixture
def stats_app(app: App, course_dirs, monkeypatch) -> App:
    """The sample course; an instructor with class A (six learners, the three strongest of whom
    choose the same wrong option) and class B (two learners who get everything right)."""
    lessons, bank = course_dirs
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    from learning import load_course

    app.course = load_course(lessons_dir=lessons, bank_dir=bank)
    app.teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    return app


@pytest.fixture
def seeded(stats_app: App) -> App:
    store = stats_app.store
    a = store.accounts.create_cohort(stats_app.teacher, "Class A", now=STARTED)
    b = store.accounts.create_cohort(stats_app.teacher, "Class B <b>", now=STARTED)
    plan = [("b", True, 500), ("b", True, 500), ("b", True, 500), ("a", True, 0), ("a", False, 0), ("a", False, 0)]
    for n, (single, true_false, hours) in enumerate(plan):
        user = stats_app.user(f"learner-a{n}", name=f"Learner A{n}")
        store.accounts.join_cohort(user, a.code, now=STARTED)
        _take(stats_app, user, single=single, true_false=true_false, hours=hours)
    for n in range(2):
        user = stats_app.user(f"learner-b{n}", name=f"Learner B{n}")
        store.accounts.join_cohort(user, b.code, now=STARTED)
        _take(stats_app, user, single="a", true_false=True, hours=500)
    stats_app.classes = (a, b)
    return stats_app


def _select(app: App, label: str):
    return next(s for s in app.at.selectbox if s.label == label)


def _metric(app: App, label: str) -> str:
    return next(m.value for m in app.at.metric if m.label == label)


def test_a_learner_is_refused(seeded) -> None:
    learner = seeded.user("lee", name="Lee Park")
    script = AppTest.from_string("from learning.ui.screens.stats import render\nrender()\n", default_timeout=30)
    script.session_state["user_id"] = learner.id
    script.run()
    assert [e.value for e in script.error] == ["This page is for instructors."]
    assert not script.dataframe and not script.metric
    assert "stats" not in seeded.sign_in_as(learner).session_state["_nav_pages"]  # not in a learner's navigation either


def test_the_misleading_option_is_flagged_in_plain_words(seeded) -> None:
    seeded.sign_in_as(seeded.teacher)
    seeded.open("stats")
    assert [t.value for t in seeded.at.title] == ["Item statistics"]
    assert _metric(seeded, "Attempts") == "8"
    texts = seeded.texts()
    assert "too few to trust" in texts
    table = seeded.at.dataframe[0].value
    flags = dict(zip(table["id"], table["flags"], strict=True))
    assert "chosen more by stronger learners" in flags[SC]
    _select(seeded, "Question").set_value(SC)
    seeded.run()
    detail = seeded.texts()
    assert "Diagnosis" in detail and "chosen more by stronger learners" in detail
    answered = next(m.value for m in seeded.at.markdown if "Diagnosis" in m.value and "chosen by" in m.value)
    assert "right**] · Relaxation  \n  :gray[chosen by 5 (62%)" in answered
    assert "Diagnosis  \n  :orange[chosen by 3 (38%) · point-biserial +0.56]" in answered  # the lure stands out
    assert "Surgery  \n  :gray[chosen by 0 (0%) · no point-biserial]" in answered


def test_choosing_a_class_changes_the_figures(seeded) -> None:
    a, b = seeded.classes
    seeded.sign_in_as(seeded.teacher)
    seeded.open("stats")
    everyone = seeded.at.dataframe[0].value.set_index("id")["facility %"][SC]
    _select(seeded, "Class").set_value(a.id)
    seeded.run()
    assert _metric(seeded, "Attempts") == "6"
    assert seeded.at.dataframe[0].value.set_index("id")["facility %"][SC] == pytest.approx(50.0)
    assert everyone == pytest.approx(62.5)
    _select(seeded, "Class").set_value(b.id)
    seeded.run()
    assert _metric(seeded, "Attempts") == "2"


def test_no_attempts_give_a_clear_empty_state(stats_app) -> None:
    stats_app.sign_in_as(stats_app.teacher)
    stats_app.open("stats")
    assert "No submitted attempts yet" in stats_app.texts()
    assert not stats_app.at.dataframe


def test_the_bank_gains_each_questions_figures_once_there_are_attempts(seeded) -> None:
    seeded.sign_in_as(seeded.teacher)
    seeded.open("bank")
    table = seeded.at.dataframe[0].value.set_index("id")
    assert list(table.columns)[-4:] == ["attempts", "facility %", "discrimination", "needs checking"]
    assert table.loc[SC, "attempts"] == 8 and table.loc[SC, "facility %"] == pytest.approx(62.5)
    assert "chosen more by stronger learners" in table.loc[SC, "needs checking"]
    assert table.loc["tech-tf", "attempts"] == 0 and table.loc["tech-tf", "needs checking"] == ""  # never drawn


def test_a_dot_clicked_on_the_chart_opens_the_question_in_the_editor(seeded) -> None:
    seeded.sign_in_as(seeded.teacher)
    seeded.open("stats")
    assert seeded.at.get("vega_lite_chart")  # the chart is drawn
    seeded.at.session_state["stats-open-question"] = SC  # what the chart's click leaves for the next run
    seeded.run()
    assert seeded.at.session_state["_nav_current"] == "edit"
    assert seeded.at.query_params["id"] in (SC, [SC])
