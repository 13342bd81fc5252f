"""The study plan, worked by hand: days of reading, the final exam, reviews, weak spots, and the
learner's standing against an even pace."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from learning.study_plan import (
    FinalExamState,
    ItemKind,
    PlanLesson,
    PlanQuiz,
    PlanStatus,
    shares,
    study_plan,
)

TODAY = date(2026, 3, 2)
FINAL = PlanQuiz(id="final-exam", title="Final exam")


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def course(read: dict[int, int] | None = None) -> list[PlanLesson]:
    """16 lessons of 10 minutes, ``L01``...; ``read`` maps a lesson number to the day
    (offset from today) it was read."""
    read = read or {}
    return [PlanLesson(id=f"L{n:02d}", title=f"Lesson {n}", minutes=10, read_on=day(read[n]) if n in read else None) for n in range(1, 17)]


def before_today(count: int) -> dict[int, int]:
    """The first ``count`` lessons, read last week."""
    return {n: -7 for n in range(1, count + 1)}


def to_read(plan) -> list[int]:
    """Lessons still to read on each day of the plan."""
    return [sum(not item.done for item in d.lessons) for d in plan.days]


def final_day(plan) -> list[int]:
    return [n for n, d in enumerate(plan.days) if any(item.kind is ItemKind.FINAL_EXAM for item in d.items)]


@pytest.mark.parametrize(
    ("case", "exam", "read", "started", "per_day", "final_on", "status", "behind"),
    [
        # 16 lessons, 10 days: 2 a day for 8 days, then two days for the final exam and reviews.
        ("ten days", 10, {}, 0, [2, 2, 2, 2, 2, 2, 2, 2, 0, 0], [8], PlanStatus.ON_TRACK, 0),
        # Tomorrow: no reading day is left, so everything is today's, with the final exam.
        ("exam tomorrow", 1, {}, -20, [16], [0], PlanStatus.BEHIND, 16),
        ("exam in two days", 2, before_today(13), 0, [3, 0], [1], PlanStatus.BEHIND, 3),
        ("exam in three days", 3, before_today(13), 0, [3, 0, 0], [1], PlanStatus.ON_TRACK, 0),
        ("exam today", 0, {}, -10, [], [], PlanStatus.EXAM_TODAY, 0),
        ("date in the past", -3, {}, -13, [], [], PlanStatus.PASSED, 0),
        ("everything read", 10, before_today(16), -5, [0] * 10, [0], PlanStatus.ON_TRACK, 0),
        # Set 3 days ago for 10 days from then (2 a day): 6 should be read, 2 are. 14 left over 5 days.
        ("behind", 7, {1: -2, 2: -1}, -3, [3, 3, 3, 3, 2, 0, 0], [5], PlanStatus.BEHIND, 4),
        # The 2 read before the plan started count from the start: 14 over 8 days, 6 by now, 8 in all.
        ("read before the plan", 7, before_today(2), -3, [3, 3, 3, 3, 2, 0, 0], [5], PlanStatus.BEHIND, 6),
        # Set yesterday, nothing read: yesterday's 2 are spread over the 7 reading days left.
        ("a missed day", 9, {}, -1, [3, 3, 2, 2, 2, 2, 2, 0, 0], [7], PlanStatus.BEHIND, 2),
        # Set 2 days ago: 4 should be read, 6 are; 10 left over 6 days.
        ("ahead", 8, {n: -1 for n in range(1, 7)}, -2, [2, 2, 2, 2, 1, 1, 0, 0], [6], PlanStatus.ON_TRACK, 0),
        # A month away: one a day, the larger shares first, and the final exam the day after the last.
        ("a month away", 30, {}, 0, [1] * 16 + [0] * 14, [16], PlanStatus.ON_TRACK, 0),
        # No day known for the start (a date set before plans existed): measured from today.
        ("start unknown", 10, {}, None, [2, 2, 2, 2, 2, 2, 2, 2, 0, 0], [8], PlanStatus.ON_TRACK, 0),
    ],
)
def test_the_plan_by_hand(case, exam, read, started, per_day, final_on, status, behind) -> None:
    plan = study_plan(
        today=TODAY,
        exam=day(exam),
        lessons=course(read),
        final=FINAL,
        started=None if started is None else day(started),
    )
    assert (to_read(plan), final_day(plan), plan.status, plan.behind) == (per_day, final_on, status, behind), case
    assert [d.day for d in plan.days] == [day(n) for n in range(max(exam, 0))]
    planned = [item.lesson_id for d in plan.days for item in d.lessons if not item.done]
    unread = [lesson.id for lesson in course(read) if lesson.read_on is None] if plan.days else []
    assert planned == unread, "each unread lesson once, in course order"


def test_no_date_no_plan() -> None:
    plan = study_plan(today=TODAY, exam=None, lessons=course())
    assert (plan.status, plan.days, plan.days_left, plan.status_text) == (PlanStatus.NO_DATE, [], None, "No exam date set.")


def test_lessons_read_today_stay_ticked_in_todays_plan() -> None:
    one = study_plan(today=TODAY, exam=day(10), lessons=course({1: 0}), started=TODAY)
    assert [(i.lesson_id, i.done) for i in one.days[0].lessons] == [("L01", True), ("L02", False)]
    assert to_read(one)[1:8] == [2] * 7  # the next days are not asked for more
    three = study_plan(today=TODAY, exam=day(10), lessons=course({1: 0, 2: 0, 3: 0}), started=TODAY)
    assert [(i.lesson_id, i.done) for i in three.days[0].lessons] == [("L01", True), ("L02", True), ("L03", True)]
    assert to_read(three) == [0, 2, 2, 2, 2, 2, 2, 1, 0, 0]  # a day ahead lightens the next ones
    assert three.days[0].summary == "3 lessons read"


def test_yesterdays_reading_drops_out() -> None:
    plan = study_plan(today=TODAY, exam=day(9), lessons=course({1: -1, 2: -1}), started=day(-1))
    assert plan.days[0].lessons[0].lesson_id == "L03" and plan.status is PlanStatus.ON_TRACK
    assert to_read(plan) == [2] * 7 + [0, 0]


def test_reviews_fall_on_their_day_and_overdue_ones_today() -> None:
    due = [day(-3), day(0), day(2), day(2), day(30)]
    plan = study_plan(today=TODAY, exam=day(4), lessons=course(before_today(16)), reviews_due=due)
    reviews = [next((i.reviews for i in d.items if i.kind is ItemKind.REVIEW), 0) for d in plan.days]
    assert reviews == [2, 0, 2, 0]


def test_a_weak_spots_quiz_every_day_while_there_are_weak_spots() -> None:
    quiz = PlanQuiz(id="practice-goals", title="Practice: goals")
    plan = study_plan(today=TODAY, exam=day(3), lessons=course(before_today(16)), weak_spots=quiz, final=FINAL, reviews_due=[day(0)])
    assert [[i.kind for i in d.items] for d in plan.days] == [
        [ItemKind.REVIEW, ItemKind.WEAK_SPOTS, ItemKind.FINAL_EXAM],
        [ItemKind.WEAK_SPOTS],
        [ItemKind.WEAK_SPOTS],
    ]
    assert plan.days[0].items[1].quiz_id == "practice-goals"
    assert plan.days[0].summary == "1 review · weak-spots quiz · final exam"


@pytest.mark.parametrize(
    ("state", "read", "final_on"),
    [
        (FinalExamState.PASSED, 16, []),  # passed: no final exam in the plan
        (FinalExamState.OPEN, 16, [0]),  # everything read: take it today
        (FinalExamState.LOCKED, 10, [5]),  # the day after the last reading day (6 lessons over 5 days: 2, 1, 1, 1, 1)
        (FinalExamState.LOCKED, 0, [5]),
    ],
)
def test_the_final_exam_until_it_is_passed(state, read, final_on) -> None:
    final = PlanQuiz(id="final-exam", title="Final exam", state=state)
    plan = study_plan(today=TODAY, exam=day(7), lessons=course(before_today(read)), final=final)
    assert final_day(plan) == final_on


def test_a_locked_final_exam_with_nothing_to_read_is_not_planned() -> None:
    """A course that lost its lessons never unlocks the final exam: the plan does not set it."""
    final = PlanQuiz(id="final-exam", title="Final exam", state=FinalExamState.LOCKED)
    plan = study_plan(today=TODAY, exam=day(5), lessons=[], final=final)
    assert final_day(plan) == [] and plan.status is PlanStatus.ON_TRACK


def test_a_days_summary_and_the_status_sentences() -> None:
    plan = study_plan(today=TODAY, exam=day(7), lessons=course({1: -2, 2: -1}), started=day(-3), reviews_due=[day(0)] * 4)
    assert plan.days[0].summary == "Read 3 lessons (30 min) · 4 reviews"
    assert plan.days_left == 7
    assert plan.status_text == "Behind by 4 lessons: the plan fits them into the days left."
    assert plan.today_plan == plan.days[0]
    assert study_plan(today=TODAY, exam=day(0), lessons=course()).status_text == "Your exam is today. Good luck!"
    assert study_plan(today=TODAY, exam=day(-1), lessons=course()).days_left == -1


@pytest.mark.parametrize(
    ("total", "days", "expected"),
    [(16, 8, [2] * 8), (10, 4, [3, 3, 2, 2]), (3, 5, [1, 1, 1, 0, 0]), (0, 2, [0, 0]), (5, 0, [])],
)
def test_shares(total, days, expected) -> None:
    assert shares(total, days) == expected
