"""Study plans from the records: the exam date that counts and when the plan started, lessons read,
reviews due, weak spots and the final exam, and who may read a plan."""

from __future__ import annotations

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from learning.errors import AccessDenied
from learning.quiz import WEAK_SPOTS_ID
from learning.store import Role
from learning.study_plan import ItemKind, PlanStatus
from learning.weak_spots import OFFER_AFTER
from tests.conftest import NOW, write_course
from tests.store.conftest import PASSWORD
from tests.store.test_progress import TF, TF_WRONG, answer_practice

UTC_ZONE = ZoneInfo("UTC")
TODAY = NOW.date()
FINAL = "final-exam"


@pytest.fixture
def course_dirs(tmp_path):
    """The two-lesson sample course with a final exam (every lesson read first) and the goals
    lesson's practice quiz."""
    lessons, bank = write_course(tmp_path)
    quizzes = {
        FINAL: {
            "title": "Final exam",
            "kind": "final_exam",
            "lessons": ["techniques"],
            "question_count": 1,
            "feedback_mode": "exam",
            "requires_lessons_read": True,
        },
        "practice-goals": {"title": "Practice: Goals", "lessons": ["goals"]},
    }
    for quiz_id, body in quizzes.items():
        (bank / "quizzes" / f"{quiz_id}.json").write_text(json.dumps({"id": quiz_id, **body}))
    return lessons, bank


def kinds(day) -> list[ItemKind]:
    return [item.kind for item in day.items]


def test_no_date_then_the_learners_own(store, learner) -> None:
    assert store.plans.plan(learner, learner.id, now=NOW, zone=UTC_ZONE).status is PlanStatus.NO_DATE
    store.accounts.set_exam_date(learner, TODAY + timedelta(days=10), now=NOW)
    exam = store.plans.exam(learner, learner.id, today=TODAY)
    assert (exam.day, exam.own, exam.class_name, exam.started) == (TODAY + timedelta(days=10), True, None, NOW)
    plan = store.plans.plan(learner, learner.id, now=NOW, zone=UTC_ZONE)
    assert (plan.status, len(plan.days), plan.days_left) == (PlanStatus.ON_TRACK, 10, 10)
    # 2 lessons over 8 reading days: one today, one tomorrow, then the final exam (locked until then).
    assert [item.lesson_id for item in plan.days[0].lessons] == ["goals"]
    assert [item.lesson_id for item in plan.days[1].lessons] == ["techniques"]
    assert kinds(plan.days[2]) == [ItemKind.FINAL_EXAM]
    store.accounts.set_exam_date(learner, None, now=NOW)
    assert store.plans.exam(learner, learner.id, today=TODAY) is None


def test_the_plan_follows_what_the_learner_did(store, learner) -> None:
    store.accounts.set_exam_date(learner, TODAY + timedelta(days=10), now=NOW)
    store.progress.complete_lesson(learner, "goals", now=NOW + timedelta(hours=1))
    today = store.plans.plan(learner, learner.id, now=NOW + timedelta(hours=2), zone=UTC_ZONE)
    assert [(i.lesson_id, i.done) for i in today.days[0].lessons] == [("goals", True)]  # ticked, not replaced
    # Two days later, the second lesson unread: it is today's, and the learner is behind by it.
    later = store.plans.plan(learner, learner.id, now=NOW + timedelta(days=2), zone=UTC_ZONE)
    assert [i.lesson_id for i in later.days[0].lessons] == ["techniques"]
    assert (later.status, later.behind) == (PlanStatus.BEHIND, 1)
    store.progress.complete_lesson(learner, "techniques", now=NOW + timedelta(days=2, hours=1))
    done = store.plans.plan(learner, learner.id, now=NOW + timedelta(days=2, hours=2), zone=UTC_ZONE)
    assert done.status is PlanStatus.ON_TRACK
    assert kinds(done.days[0]) == [ItemKind.READ, ItemKind.FINAL_EXAM]  # every lesson read: the final exam is open today


def test_a_passed_final_exam_leaves_the_plan(store, learner) -> None:
    store.accounts.set_exam_date(learner, TODAY + timedelta(days=5), now=NOW)
    for lesson in ("goals", "techniques"):
        store.progress.complete_lesson(learner, lesson, now=NOW - timedelta(days=1))
    attempt = store.attempts.start(learner, store.attempts.course().quiz(FINAL), now=NOW)
    store.attempts.answer(learner, attempt.id, "tech-tf", TF, now=NOW)
    store.attempts.submit(learner, attempt.id, now=NOW + timedelta(minutes=1))
    plan = store.plans.plan(learner, learner.id, now=NOW + timedelta(hours=1), zone=UTC_ZONE)
    assert not any(item.kind is ItemKind.FINAL_EXAM for day in plan.days for item in day.items)


def test_reviews_due_and_weak_spots_come_from_the_records(store, learner) -> None:
    store.accounts.set_exam_date(learner, TODAY + timedelta(days=5), now=NOW)
    store.progress.complete_lesson(learner, "goals", now=NOW - timedelta(days=1))
    for minute in range(10):
        answer_practice(store, learner, "sample-true-false", TF_WRONG, minute=minute)  # obj-goals, wrong ten times
    plan = store.plans.plan(learner, learner.id, now=NOW + timedelta(hours=1), zone=UTC_ZONE)
    review = next(i for i in plan.days[0].items if i.kind is ItemKind.REVIEW)
    assert review.reviews == 1  # one card, answered wrong: due again today
    weak = next(i for i in plan.days[0].items if i.kind is ItemKind.WEAK_SPOTS)
    assert weak.quiz_id == WEAK_SPOTS_ID  # the engine's weak-spots quiz, offered by the course map's own rule
    assert store.weak_spots.offered(learner, learner.id, now=NOW + timedelta(hours=1))
    assert all(ItemKind.WEAK_SPOTS in kinds(day) for day in plan.days)


def test_fewer_than_five_answers_are_no_weak_spots_yet(store, learner) -> None:
    store.accounts.set_exam_date(learner, TODAY + timedelta(days=5), now=NOW)
    store.progress.complete_lesson(learner, "goals", now=NOW - timedelta(days=1))
    for minute in range(OFFER_AFTER - 1):
        answer_practice(store, learner, "sample-true-false", TF_WRONG, minute=minute)
    plan = store.plans.plan(learner, learner.id, now=NOW + timedelta(hours=1), zone=UTC_ZONE)
    assert ItemKind.WEAK_SPOTS not in kinds(plan.days[0])


def test_a_class_date_counts_for_a_learner_without_their_own(store, learner, instructor) -> None:
    cohort = store.accounts.create_cohort(instructor, "Monday class", now=NOW)
    store.classes.set_exam_date(instructor, cohort.id, TODAY + timedelta(days=20), now=NOW)
    store.accounts.join_cohort(learner, cohort.code, now=NOW + timedelta(days=3))
    exam = store.plans.exam(learner, learner.id, today=TODAY + timedelta(days=3))
    # The plan starts when the learner joined, not when the date was set: nobody is behind on day one.
    assert (exam.day, exam.own, exam.class_name, exam.started) == (
        TODAY + timedelta(days=20),
        False,
        "Monday class",
        NOW + timedelta(days=3),
    )
    assert store.plans.plan(learner, learner.id, now=NOW + timedelta(days=3), zone=UTC_ZONE).status is PlanStatus.ON_TRACK
    store.accounts.set_exam_date(learner, TODAY + timedelta(days=30), now=NOW + timedelta(days=3))
    assert store.plans.exam(learner, learner.id, today=TODAY + timedelta(days=3)).day == TODAY + timedelta(days=30)  # their own wins
    store.accounts.set_exam_date(learner, None, now=NOW + timedelta(days=3))
    assert store.plans.exam(learner, learner.id, today=TODAY + timedelta(days=3)).own is False
    # The instructor reads the learner's plan; another learner cannot.
    assert store.plans.plan(instructor, learner.id, now=NOW + timedelta(days=3), zone=UTC_ZONE).exam == TODAY + timedelta(days=20)
    other = store.accounts.create("ana", PASSWORD, role=Role.LEARNER, now=NOW, display_name="Ana Diaz")
    with pytest.raises(AccessDenied):
        store.plans.plan(other, learner.id, now=NOW, zone=UTC_ZONE)


def test_today_is_the_learners_own_date(store, learner) -> None:
    store.accounts.set_exam_date(learner, date(2026, 3, 12), now=NOW)
    evening = NOW.replace(hour=21)  # 21:00 UTC is already the next morning in Auckland
    assert store.plans.plan(learner, learner.id, now=evening, zone=UTC_ZONE).today == date(2026, 3, 2)
    assert store.plans.plan(learner, learner.id, now=evening, zone=ZoneInfo("Pacific/Auckland")).today == date(2026, 3, 3)


def test_past_and_today(store, learner) -> None:
    store.accounts.set_exam_date(learner, TODAY, now=NOW - timedelta(days=9))
    assert store.plans.plan(learner, learner.id, now=NOW, zone=UTC_ZONE).status is PlanStatus.EXAM_TODAY
    passed = store.plans.plan(learner, learner.id, now=NOW + timedelta(days=1), zone=UTC_ZONE)
    assert (passed.status, passed.days) == (PlanStatus.PASSED, [])
