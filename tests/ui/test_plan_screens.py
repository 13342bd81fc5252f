"""The study plan on screen: setting the exam date on the course map, today's plan with its links,
the calendar download, days left on the progress page, and a class's date from the classes page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from learning.store import Role

NOW = datetime.now(UTC)  # the app reads the real clock; AppTest's browser gives no time zone, so UTC
TODAY = NOW.date()


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[bytes, str, str | None]]:
    """What each download button offers: its bytes, media type and file name."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    offered: list[tuple[bytes, str, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        offered.append((path_or_data, mimetype, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return offered


def links(app) -> list[str]:
    return [b.label for b in app.at.button]


def test_setting_an_exam_date_on_the_course_map_shows_todays_plan(app, downloads) -> None:
    user = app.user()
    app.sign_in_as(user)
    assert "Today's plan" not in app.texts()
    assert not app.at.download_button
    next(d for d in app.at.date_input if d.key == "exam-date").set_value(TODAY + timedelta(days=10))
    app.button("Save exam date").click()
    app.run()
    assert app.store.accounts.get(user.id).exam_date == TODAY + timedelta(days=10)
    texts = app.texts()
    assert "Today's plan" in texts and "(your own date) · 10 days left" in texts
    assert "On track: keep to today's plan." in texts
    # 16 lessons over 8 reading days: the first two lessons today, each a link to the lesson.
    first, second = app.course.lessons[:2]
    assert f"Read: {first.title} ({first.reading_minutes} min)" in links(app)
    assert f"Read: {second.title} ({second.reading_minutes} min)" in links(app)
    assert f"Read: {app.course.lessons[2].title} ({app.course.lessons[2].reading_minutes} min)" not in links(app)
    # The calendar file holds the plan: a day per reading day, the final exam day and the exam.
    [button] = app.at.download_button
    assert button.label == "Add to my calendar (.ics)"
    content, media_type, name = downloads[-1]
    assert (media_type, name) == ("text/calendar", "study-plan.ics")
    events = Calendar.from_ical(content).events
    assert [e.start for e in events] == [TODAY + timedelta(days=n) for n in range(9)] + [TODAY + timedelta(days=10)]
    assert str(events[0]["SUMMARY"]).startswith("Study: Read 2 lessons")
    assert str(events[8]["SUMMARY"]).endswith("final exam")

    app.button(f"Read: {first.title} ({first.reading_minutes} min)").click()
    app.run()
    assert app.at.title[0].value == first.title  # the link opens the lesson


def test_a_lesson_read_today_is_ticked_and_the_date_can_be_cleared(app) -> None:
    user = app.user()
    app.store.accounts.set_exam_date(user, TODAY + timedelta(days=10), now=NOW)
    first = app.course.lessons[0]
    app.store.progress.complete_lesson(user, first.id, now=NOW)
    app.sign_in_as(user)
    assert any(m.value.endswith("read") and first.title in m.value for m in app.at.markdown)
    assert not any(label.startswith(f"Read: {first.title}") for label in links(app))
    app.button("Clear my date").click()
    app.run()
    assert app.store.accounts.get(user.id).exam_date is None
    assert "Today's plan" not in app.texts()


def test_reviews_due_are_in_todays_plan(app) -> None:
    user = app.user()
    question = next(q for q in app.course.active_questions() if q.type == "true_false" and q.pool.value == "practice")
    spec = app.course.quiz(f"practice-{question.lesson}")
    attempt = app.store.attempts.start(user, spec, now=NOW - timedelta(days=2), questions=[question])
    wrong = {"type": "true_false", "value": not question.answer}
    app.store.attempts.answer(user, attempt.id, question.id, wrong, now=NOW - timedelta(days=2))
    app.store.accounts.set_exam_date(user, TODAY + timedelta(days=6), now=NOW)
    app.sign_in_as(user)
    app.button("Review 1 question due").click()
    app.run()
    assert app.at.title[0].value == "Review"


def test_the_progress_page_shows_days_left_and_whether_the_learner_is_behind(app) -> None:
    user = app.user()
    app.sign_in_as(user)
    app.open("progress")
    assert "Days to the exam no date" in app.texts() and "Study plan No date set" in app.texts()
    # Set three days ago for ten days from then: 16 lessons at 2 a day, 6 should be read by now.
    app.store.accounts.set_exam_date(user, TODAY + timedelta(days=7), now=NOW - timedelta(days=3))
    app.open("progress")
    texts = app.texts()
    assert "Days to the exam 7" in texts and "Study plan 6 lessons behind" in texts
    assert "Behind by 6 lessons: the plan fits them into the days left." in texts


def test_a_class_exam_date_set_by_the_instructor_plans_the_learners_days(app) -> None:
    teacher = app.user("morgan", role=Role.INSTRUCTOR, name="Morgan Lee")
    monday = app.store.accounts.create_cohort(teacher, "Monday evening", now=NOW)
    sam = app.user()
    app.store.accounts.join_cohort(sam, monday.code, now=NOW)
    app.sign_in_as(teacher)
    app.open("classes")
    next(d for d in app.at.date_input if d.label == "Exam date").set_value(TODAY + timedelta(days=12))
    app.button("Save the date").click()
    app.run()
    assert app.store.accounts.cohort(teacher, monday.id).exam_date == TODAY + timedelta(days=12)
    assert "class exam date set" in list(app.at.dataframe[-1].value["What"])

    app.sign_in_as(sam)
    app.open("home")
    texts = app.texts()
    assert "(the date of your class Monday evening) · 12 days left" in texts
    assert "Your class Monday evening sits its exam on" in texts
    app.open("progress")
    assert "Days to the exam 12" in app.texts()


@pytest.mark.parametrize(
    ("exam", "said"),
    [(0, "Your exam is today. Good luck!"), (-2, "Your exam date has passed. Set the next one to plan again.")],
)
def test_on_the_exam_day_and_after_it(app, exam, said) -> None:
    user = app.user()
    app.store.accounts.set_exam_date(user, TODAY + timedelta(days=exam), now=NOW - timedelta(days=10))
    app.sign_in_as(user)
    assert said in app.texts()
    assert not app.at.download_button and not any(b.label.startswith("Read: ") for b in app.at.button)
    next(d for d in app.at.date_input if d.key == "exam-date").set_value(TODAY + timedelta(days=20))
    app.button("Save exam date").click()
    app.run()
    assert "(your own date) · 20 days left" in app.texts()
