"""A study plan to an exam date: what to do on each day until the exam, and whether the learner is
on track. Pure: no I/O and no clock; the store gathers the records and passes ``today``.

The rules:

- The plan covers the days from today to the day before the exam. The last two of them are kept
  for the final exam and reviews, so every lesson is read by the end of the third day before the
  exam (with the exam ten days away: eight days of reading, then two). When fewer days are left,
  whatever is still unread falls on today.
- The lessons still to read at the start of today are shared out over the reading days, in
  course order, as evenly as whole lessons allow, the larger shares first. Lessons read today
  stay in today's list, ticked off; lessons read before today drop out. So the plan follows what
  the learner did: a missed day spreads the rest over the days left, a day ahead lightens the
  next ones.
- Reviews go on the day they fall due (anything overdue: today); a weak-spots quiz on every day
  while the learner has weak spots (:func:`learning.weak_spots.has_weak_spots`); the final exam on the first day
  after the reading ends (today once every lesson is read), until it is passed.
- *On track* or *behind by N lessons* is measured against an even pace from the day the plan
  started (the day the exam date was set, or the learner joined the class that set it): the
  lessons that pace would have had read by now, less those read. Past the last reading day every
  unread lesson is behind.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from learning.wording import count

FINAL_DAYS = 2
"""Days before the exam kept free of reading, for the final exam and reviews."""


class FinalExamState(enum.StrEnum):
    LOCKED = "locked"  # not every lesson is read yet
    OPEN = "open"
    PASSED = "passed"


class PlanLesson(BaseModel):
    """A lesson of the course as the plan needs it: its reading time and the day it was read."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    minutes: int = 0
    read_on: date | None = None  # the learner's local date it was marked as read


class PlanQuiz(BaseModel):
    """A quiz the plan may set: the final exam, or the quiz that practises the weak spots."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    state: FinalExamState = FinalExamState.OPEN


class ItemKind(enum.StrEnum):
    READ = "read"
    REVIEW = "review"
    WEAK_SPOTS = "weak_spots"
    FINAL_EXAM = "final_exam"


class PlanItem(BaseModel):
    """One thing to do on a day: a lesson to read, the reviews due, a quiz."""

    model_config = ConfigDict(frozen=True)

    kind: ItemKind
    title: str
    lesson_id: str | None = None
    quiz_id: str | None = None
    minutes: int = 0
    reviews: int = 0
    done: bool = False

    @property
    def text(self) -> str:
        """The item in a few words, as a calendar's description lists it."""
        if self.kind is ItemKind.READ:
            return f"Read: {self.title}" + (f" ({self.minutes} min)" if self.minutes else "") + (" (done)" if self.done else "")
        if self.kind is ItemKind.REVIEW:
            return f"Review {count(self.reviews, 'question')} due"
        if self.kind is ItemKind.WEAK_SPOTS:
            return "Practise your weak spots"
        return f"Take the final exam: {self.title}"


class PlanDay(BaseModel):
    """One day of the plan and its items, lessons first."""

    model_config = ConfigDict(frozen=True)

    day: date
    items: list[PlanItem]

    @property
    def lessons(self) -> list[PlanItem]:
        return [item for item in self.items if item.kind is ItemKind.READ]

    @property
    def reading_minutes(self) -> int:
        return sum(item.minutes for item in self.lessons if not item.done)

    @property
    def summary(self) -> str:
        """What the day holds in one line: ``Read 2 lessons (25 min) · 4 reviews · final exam``."""
        parts = []
        todo = [item for item in self.lessons if not item.done]
        if todo:
            minutes = f" ({self.reading_minutes} min)" if self.reading_minutes else ""
            parts.append(f"Read {count(len(todo), 'lesson')}{minutes}")
        elif self.lessons:
            parts.append(f"{count(len(self.lessons), 'lesson')} read")
        for item in self.items:
            if item.kind is ItemKind.REVIEW:
                parts.append(count(item.reviews, "review"))
            elif item.kind is ItemKind.WEAK_SPOTS:
                parts.append("weak-spots quiz")
            elif item.kind is ItemKind.FINAL_EXAM:
                parts.append("final exam")
        return " · ".join(parts) or "Rest, or review what you like"


class PlanStatus(enum.StrEnum):
    NO_DATE = "no date set"
    ON_TRACK = "on track"
    BEHIND = "behind"
    EXAM_TODAY = "exam today"
    PASSED = "exam date passed"


class StudyPlan(BaseModel):
    """The plan from today to the exam, and how the learner stands."""

    model_config = ConfigDict(frozen=True)

    today: date
    exam: date | None
    status: PlanStatus
    behind: int = 0  # lessons behind the even pace (status BEHIND)
    days: list[PlanDay] = []

    @property
    def days_left(self) -> int | None:
        """Whole days from today to the exam day (0 on the day, negative once it has passed)."""
        return None if self.exam is None else (self.exam - self.today).days

    @property
    def today_plan(self) -> PlanDay | None:
        return self.days[0] if self.days and self.days[0].day == self.today else None

    @property
    def status_text(self) -> str:
        """How the learner stands, in a sentence."""
        if self.status is PlanStatus.NO_DATE:
            return "No exam date set."
        if self.status is PlanStatus.PASSED:
            return "Your exam date has passed. Set the next one to plan again."
        if self.status is PlanStatus.EXAM_TODAY:
            return "Your exam is today. Good luck!"
        if self.status is PlanStatus.BEHIND:
            return f"Behind by {count(self.behind, 'lesson')}: the plan fits {'it' if self.behind == 1 else 'them'} into the days left."
        return "On track: keep to today's plan."


def shares(total: int, days: int) -> list[int]:
    """``total`` lessons shared out over ``days`` days as evenly as whole lessons allow, the
    larger shares first: ``shares(10, 4) == [3, 3, 2, 2]``."""
    if days <= 0:
        return []
    base, extra = divmod(max(total, 0), days)
    return [base + (1 if i < extra else 0) for i in range(days)]


def _reading_days(start: date, exam: date) -> int:
    """Days of reading from ``start``: up to the third day before the exam, at least one."""
    return max(1, (exam - start).days - FINAL_DAYS)


def behind_by(*, today: date, exam: date, lessons: Sequence[PlanLesson], started: date | None) -> int:
    """Lessons the learner is behind an even pace from ``started`` (today when unknown or later)."""
    read_now = sum(lesson.read_on is not None for lesson in lessons)
    if (exam - today).days <= FINAL_DAYS:  # the reading days are over
        return len(lessons) - read_now
    start = min(started or today, today)
    at_start = sum(lesson.read_on is not None and lesson.read_on < start for lesson in lessons)
    pace = shares(len(lessons) - at_start, _reading_days(start, exam))
    expected = at_start + sum(pace[: (today - start).days])
    return max(0, expected - read_now)


def study_plan(
    *,
    today: date,
    exam: date | None,
    lessons: Sequence[PlanLesson],
    reviews_due: Sequence[date] = (),
    weak_spots: PlanQuiz | None = None,
    final: PlanQuiz | None = None,
    started: date | None = None,
) -> StudyPlan:
    """The plan from ``today`` to the ``exam``, and how the learner stands.

    Args:
        today: the learner's date today (in their time zone).
        exam: the exam date that counts (:func:`learning.spacing.exam_date_for`), or None.
        lessons: the course's lessons in course order, with the day each was read.
        reviews_due: the day each review card falls due (overdue ones: any day up to today).
        weak_spots: the quiz that practises the learner's weak spots, when they have some.
        final: the final exam and where the learner stands with it (None: the course has none).
        started: the day the plan started (the exam date set or the class joined).
    """
    if exam is None:
        return StudyPlan(today=today, exam=None, status=PlanStatus.NO_DATE)
    if exam < today:
        return StudyPlan(today=today, exam=exam, status=PlanStatus.PASSED)
    if exam == today:
        return StudyPlan(today=today, exam=exam, status=PlanStatus.EXAM_TODAY)

    span = (exam - today).days
    days = [today + timedelta(days=n) for n in range(span)]
    done_today = [lesson for lesson in lessons if lesson.read_on is not None and lesson.read_on >= today]
    unread = [lesson for lesson in lessons if lesson.read_on is None]
    reading = [[_read(lesson, done=True) for lesson in done_today]]
    if unread or done_today:
        first, *_ = shares(len(unread) + len(done_today), _reading_days(today, exam))
        take = max(0, first - len(done_today))
        reading[0] += [_read(lesson) for lesson in unread[:take]]
        rest = unread[take:]
        for share in shares(len(rest), _reading_days(today, exam) - 1):
            reading.append([_read(lesson) for lesson in rest[:share]])
            rest = rest[share:]
    last_reading = max((n for n, items in enumerate(reading) if any(not item.done for item in items)), default=-1)
    # A final exam locked with nothing left to read (a course that lost lessons) cannot be planned.
    final_day: int | None = None
    if final is not None and (final.state is FinalExamState.OPEN or (final.state is FinalExamState.LOCKED and unread)):
        final_day = min(last_reading + 1, span - 1)

    plan = []
    for n, day in enumerate(days):
        items = list(reading[n]) if n < len(reading) else []
        due = sum(d <= day for d in reviews_due) if n == 0 else sum(d == day for d in reviews_due)
        if due:
            items.append(PlanItem(kind=ItemKind.REVIEW, title="Review", reviews=due))
        if weak_spots is not None:
            items.append(PlanItem(kind=ItemKind.WEAK_SPOTS, title=weak_spots.title, quiz_id=weak_spots.id))
        if final is not None and n == final_day:
            items.append(PlanItem(kind=ItemKind.FINAL_EXAM, title=final.title, quiz_id=final.id))
        plan.append(PlanDay(day=day, items=items))
    behind = behind_by(today=today, exam=exam, lessons=lessons, started=started)
    return StudyPlan(today=today, exam=exam, status=PlanStatus.BEHIND if behind else PlanStatus.ON_TRACK, behind=behind, days=plan)


def _read(lesson: PlanLesson, *, done: bool = False) -> PlanItem:
    return PlanItem(kind=ItemKind.READ, title=lesson.title, lesson_id=lesson.id, minutes=lesson.minutes, done=done)
