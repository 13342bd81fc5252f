"""A study plan as a calendar file (iCalendar, ``.ics``) that any calendar app imports.

Each day of the plan with something to do is one all-day event: its summary says what the day
holds (``Study: read 2 lessons (25 min) · 4 reviews``), its description lists every item. The
exam day is an event too. Event ids are stable for a learner and a day, so importing a newer
plan updates the days it already added rather than doubling them. Built with ``icalendar``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from icalendar.enums import TRANSP

from learning.study_plan import StudyPlan

PRODUCT = "-//Massage study module//Study plan//EN"
COURSE = "Massage therapist or medical massage therapist?"


def calendar_key(user_id: int, site_url: str) -> str:
    """A stable key for a learner's events that names nobody: a digest of the site and their id."""
    return hashlib.sha256(f"{site_url}:{user_id}".encode()).hexdigest()[:20]


def plan_calendar(plan: StudyPlan, *, learner_key: str, now: datetime, course_title: str = COURSE, url: str | None = None) -> bytes:
    """The plan's days and the exam day as an iCalendar file.

    Args:
        plan: the learner's plan (a plan without days gives a calendar with the exam day only,
            or with no event when no date is set).
        learner_key: a stable, non-identifying key of the learner (the events' ids are built on it).
        course_title: named in each event's summary and the calendar's name.
        now: when the file is made (each event's time stamp).
        url: the app's address, given in each event.
    """
    calendar = Calendar.new(prodid=PRODUCT, name=f"{course_title}: study plan", uid=f"study-plan-{learner_key}")
    for day in plan.days:
        if not day.items:
            continue
        lines = [f"- {item.text}" for item in day.items]
        calendar.add_component(
            Event.new(
                uid=f"{day.day.isoformat()}-{learner_key}@study-plan",
                start=day.day,
                end=day.day + timedelta(days=1),
                stamp=now,
                summary=f"Study: {day.summary}",
                description=f"{course_title}\n" + "\n".join(lines),
                url=url,
                transparency=TRANSP.TRANSPARENT,
            )
        )
    if plan.exam is not None and plan.days:
        calendar.add_component(
            Event.new(
                uid=f"exam-{plan.exam.isoformat()}-{learner_key}@study-plan",
                start=plan.exam,
                end=plan.exam + timedelta(days=1),
                stamp=now,
                summary=f"Exam: {course_title}",
                description="Your exam day. Good luck!",
                url=url,
            )
        )
    data: bytes = calendar.to_ical()
    return data
