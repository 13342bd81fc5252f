"""The study plan as a calendar file: it parses back with icalendar and holds the plan's days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from learning.ics import plan_calendar
from learning.study_plan import PlanLesson, PlanQuiz, study_plan

TODAY = date(2026, 3, 2)
MADE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_the_calendar_holds_one_event_a_day_and_the_exam() -> None:
    lessons = [PlanLesson(id=f"L{n}", title=f"Lesson {n}", minutes=12) for n in range(1, 5)]
    plan = study_plan(
        today=TODAY,
        exam=TODAY + timedelta(days=4),
        lessons=lessons,
        reviews_due=[TODAY],
        final=PlanQuiz(id="final-exam", title="Final exam"),
    )
    parsed = Calendar.from_ical(plan_calendar(plan, learner_key="k1", course_title="Massage roles", now=MADE, url="https://x.example"))
    events = [(e.start, e.end, str(e["SUMMARY"]), str(e["DESCRIPTION"])) for e in parsed.events]
    assert events == [
        (
            TODAY,
            TODAY + timedelta(days=1),
            "Study: Read 2 lessons (24 min) · 1 review",
            "Massage roles\n- Read: Lesson 1 (12 min)\n- Read: Lesson 2 (12 min)\n- Review 1 question due",
        ),
        (
            TODAY + timedelta(days=1),
            TODAY + timedelta(days=2),
            "Study: Read 2 lessons (24 min)",
            "Massage roles\n- Read: Lesson 3 (12 min)\n- Read: Lesson 4 (12 min)",
        ),
        (TODAY + timedelta(days=2), TODAY + timedelta(days=3), "Study: final exam", "Massage roles\n- Take the final exam: Final exam"),
        (TODAY + timedelta(days=4), TODAY + timedelta(days=5), "Exam: Massage roles", "Your exam day. Good luck!"),
    ]
    uids = [str(e["UID"]) for e in parsed.events]
    assert uids[0] == "2026-03-02-k1@study-plan" and len(set(uids)) == 4  # stable per learner and day: a new import updates
    assert all(str(e["URL"]) == "https://x.example" and e.DTSTAMP == MADE for e in parsed.events)


def test_no_date_no_events() -> None:
    plan = study_plan(today=TODAY, exam=None, lessons=[])
    assert Calendar.from_ical(plan_calendar(plan, learner_key="k1", course_title="C", now=MADE)).events == []
