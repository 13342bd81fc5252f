"""The classes page: an instructor with two classes sees each roster, opens a learner, grants an
extra attempt the learner then uses, and a learner is refused; the reset code signs a learner in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from learning.render import plain_text
from learning.store import Role
from tests.conftest import ROOT
from tests.test_render import HOSTILE_NAME, shown
from tests.ui.conftest import App

QUIZ = "unit-test-techniques"


def two_classes(app: App):
    teacher = app.user("morgan", role=Role.INSTRUCTOR, name="Morgan Lee")
    now = datetime.now(UTC)
    monday = app.store.accounts.create_cohort(teacher, "Monday evening", now=now)
    saturday = app.store.accounts.create_cohort(teacher, "Saturday", now=now)
    sam = app.store.accounts.create("sam", "a long enough password", role=Role.LEARNER, now=now, display_name="Sam Rivera")
    app.store.accounts.join_cohort(sam, monday.code, now=now)
    kim = app.store.accounts.create("kim", "a long enough password", role=Role.LEARNER, now=now, display_name="Kim Wu")
    app.store.accounts.join_cohort(kim, saturday.code, now=now)
    return teacher, monday, saturday, sam, kim


def roster_names(app: App) -> list[str]:
    return list(app.at.dataframe[0].value["Learner"])


def use_every_attempt(app: App, learner) -> None:
    spec = app.course.quiz(QUIZ)
    start = datetime.now(UTC) - timedelta(hours=1)
    for n in range(spec.attempts_allowed):
        attempt = app.store.attempts.start(learner, spec, now=start + timedelta(minutes=n))
        app.store.attempts.submit(learner, attempt.id, now=start + timedelta(minutes=n))


def test_an_instructor_sees_each_of_their_classes_rosters(app) -> None:
    teacher, monday, saturday, _sam, _kim = two_classes(app)
    app.sign_in_as(teacher)
    app.open("classes")
    assert app.at.selectbox(key="class-choice").value == monday.id
    assert roster_names(app) == ["Sam Rivera"]
    assert "Not started 1" in app.texts()
    frame = app.at.dataframe[0].value
    assert {"Status", "Last active", "Lessons read", "Reviews due", "Final exam", "Unit test: Techniques %"} <= set(frame.columns)
    app.at.selectbox(key="class-choice").set_value(saturday.id)
    app.run()
    assert roster_names(app) == ["Kim Wu"]
    assert app.at.query_params["class"] == str(saturday.id)
    assert monday.code not in app.texts()


def test_each_new_class_opens_as_it_is_made(app) -> None:
    teacher = app.user("morgan", role=Role.INSTRUCTOR, name="Morgan Lee")
    app.sign_in_as(teacher)
    app.open("classes")
    for name in ("Tuesday evening", "Saturday"):
        next(t for t in app.at.text_input if t.label == "New class name").input(name)
        next(b for b in app.at.button if b.label == "Create class").click()
        app.run()
        made = next(c for c in app.store.accounts.cohorts(teacher) if c.name == name)
        assert app.at.selectbox(key="class-choice").value == made.id, name
        assert f"**{name}** · 0 learners" in [m.value for m in app.at.markdown]


def test_the_roster_filters_by_status_and_name(app) -> None:
    teacher, monday, _saturday, _sam, _kim = two_classes(app)
    ana = app.store.accounts.create("ana", "a long enough password", role=Role.LEARNER, now=datetime.now(UTC), display_name="Ana Diaz")
    app.store.accounts.join_cohort(ana, monday.code, now=datetime.now(UTC))
    app.store.progress.open_lesson(ana, "goals", now=datetime.now(UTC))
    app.sign_in_as(teacher)
    app.open("classes", **{"class": str(monday.id)})
    assert roster_names(app) == ["Ana Diaz", "Sam Rivera"]
    app.at.pills(key=f"status-{monday.id}").set_value("on track")
    app.run()
    assert roster_names(app) == ["Ana Diaz"]
    app.at.pills(key=f"status-{monday.id}").set_value("Everyone")
    app.at.text_input(key=f"find-{monday.id}").input("SAM")
    app.run()
    assert roster_names(app) == ["Sam Rivera"]


def test_an_instructor_opens_a_learner_and_grants_an_extra_attempt_they_then_use(app) -> None:
    teacher, _monday, _saturday, sam, _kim = two_classes(app)
    use_every_attempt(app, sam)
    app.sign_in_as(teacher)
    app.open("classes")
    app.at.selectbox(key="open-learner").set_value(sam.id)
    app.run()
    app.button("Open").click()
    app.run()
    assert app.at.title[0].value == "Sam Rivera"
    assert "Your progress" not in app.texts()
    attempt_choice = app.at.selectbox(key=f"attempt-{sam.id}")
    assert len(attempt_choice.options) == 3 and "Unit test: Techniques" in attempt_choice.options[0]
    form = next(s for s in app.at.selectbox if s.label == "Quiz")
    form.set_value(QUIZ)
    app.at.text_input(key=f"grant-reason-{sam.id}").input("ill on the day of the test")
    app.button("Grant one more attempt").click()
    app.run()
    message = app.at.success[0].value
    assert message == f"Sam Rivera can now start one more attempt at {plain_text('Unit test: Techniques')}."
    assert "Unit test: Techniques (3 allowed, +1 granted)" in next(s for s in app.at.selectbox if s.label == "Quiz").options
    log = app.at.dataframe[-1].value
    assert list(log["What"]) == ["extra attempt granted"] and list(log["Why"]) == ["ill on the day of the test"]

    as_learner = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    as_learner.session_state["user_id"] = sam.id
    as_learner.run()
    assert "20 questions · pass mark 80% · 1 of 4 attempts left" in [c.value for c in as_learner.caption]  # the course map counts the grant
    as_learner.switch_page("learning/ui/views/quiz.py")
    as_learner.query_params["quiz"] = QUIZ
    as_learner.run()
    assert "Attempts: 3 used of 4." in [c.value for c in as_learner.caption]
    next(b for b in as_learner.button if b.label == "Start").click()
    as_learner.run()
    assert not as_learner.exception
    assert len(app.store.attempts.history(sam, sam.id, quiz_id=QUIZ)) == 4


def test_an_instructor_cannot_open_a_learner_of_someone_elses_class(app) -> None:
    teacher, monday, _saturday, _sam, _kim = two_classes(app)
    stranger = app.store.accounts.create("lee", "a long enough password", role=Role.LEARNER, now=datetime.now(UTC))
    app.sign_in_as(teacher)
    app.open("classes", **{"class": str(monday.id), "learner": str(stranger.id)})
    assert app.at.warning[0].value == "That learner is not in one of your classes."


def test_a_learner_is_refused(app) -> None:
    _teacher, monday, _saturday, sam, _kim = two_classes(app)
    app.sign_in_as(sam)
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # a learner's app has no classes page
        app.open("classes", **{"class": str(monday.id), "learner": str(sam.id)})
    script = AppTest.from_string("from learning.ui.screens.classes import render\nrender()\n", default_timeout=30)
    script.session_state["user_id"] = sam.id
    script.query_params["class"] = str(monday.id)
    script.run()
    assert [e.value for e in script.error] == ["This page is for instructors."]
    assert not script.dataframe


def test_a_class_name_and_a_reason_are_shown_as_typed(app) -> None:
    teacher = app.user("morgan", role=Role.INSTRUCTOR, name="Morgan Lee")
    hostile = app.store.accounts.create_cohort(teacher, HOSTILE_NAME, now=datetime.now(UTC))
    sam = app.store.accounts.create("sam", "a long enough password", role=Role.LEARNER, now=datetime.now(UTC), display_name=HOSTILE_NAME)
    app.store.accounts.join_cohort(sam, hostile.code, now=datetime.now(UTC))
    app.sign_in_as(teacher)
    app.open("classes", **{"class": str(hostile.id), "learner": str(sam.id)})
    assert shown(app.at.title[0].value) == HOSTILE_NAME
    assert app.at.title[0].value == plain_text(HOSTILE_NAME)


def test_class_settings_rotate_the_code_close_enrolment_and_set_the_exam_date(app) -> None:
    teacher, monday, _saturday, _sam, _kim = two_classes(app)
    app.user("jo-teacher", role=Role.INSTRUCTOR, name="Jo Park")
    app.sign_in_as(teacher)
    app.open("classes")
    app.button("New code").click()
    app.run()
    assert app.store.accounts.cohort(teacher, monday.id).code != monday.code
    app.button("Close enrolment").click()
    app.run()
    assert not app.store.accounts.cohort(teacher, monday.id).enrolment_open
    assert "Enrolment is closed" in app.texts()
    app.at.date_input[0].set_value(datetime(2026, 6, 1).date())
    app.button("Save the date").click()
    app.run()
    assert str(app.store.accounts.cohort(teacher, monday.id).exam_date) == "2026-06-01"
    app.text_input("Add a co-instructor by username").input("jo-teacher")
    app.button("Add co-instructor").click()
    app.run()
    assert "Jo Park (jo-teacher)" in app.texts()
    assert list(app.at.dataframe[-1].value["What"])[:4] == [
        "co-instructor added",
        "class exam date set",
        "enrolment closed",
        "enrolment code rotated",
    ]


def test_a_reset_code_from_the_instructor_lets_the_learner_choose_a_new_password(app) -> None:
    teacher, monday, _saturday, sam, _kim = two_classes(app)
    app.sign_in_as(teacher)
    app.open("classes", **{"class": str(monday.id), "learner": str(sam.id)})
    app.button("Make a reset code").click()
    app.run()
    code = next(c.value for c in app.at.code if c.value.count("-") == 2)
    signed_out = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    signed_out.run()
    next(t for t in signed_out.text_input if t.key == "reset-username").input("sam")
    next(t for t in signed_out.text_input if t.label == "Reset code").input(code)
    next(t for t in signed_out.text_input if t.label == "New password").input("my brand new password")
    next(t for t in signed_out.text_input if t.label == "Type the new password again").input("my brand new password")
    next(b for b in signed_out.button if b.label == "Set my new password").click()
    signed_out.run()
    assert not signed_out.exception
    assert signed_out.session_state["user_id"] == sam.id
    assert app.store.accounts.sign_in("sam", "my brand new password", now=datetime.now(UTC)).id == sam.id
