"""Roster benchmark: a 200-learner class's roster and gradebook, as an instructor opens it.

    python bench/roster_bench.py                      # SQLite in a temporary folder
    LEARNING_TEST_DATABASE_URL=postgresql+psycopg://... python bench/roster_bench.py   # and PostgreSQL (wiped!)

Each learner has 100 practice answers, the lessons read so far, review cards, and three submitted
attempts at every quiz of the class (unit tests and the final exam), so every column of the
roster has something to read. The target is 300 ms. Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from argon2 import PasswordHasher
from sqlalchemy import insert, text

import learning.store.accounts as accounts
from bench.seeding import on_both_databases, seed_answers, seed_learners
from learning import load_course
from learning.settings import PROJECT_ROOT
from learning.store import Role, Store
from learning.store.classes import class_quizzes
from learning.store.tables import AttemptRow, LessonProgressRow, MembershipRow, ReviewCardRow

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
LEARNERS = 200
RUNS = 5
accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # account set-up is not what we measure


def seed_class(store: Store, course, ids: list[int], cohort_id: int) -> None:
    """Bulk-insert memberships, lesson progress, review cards and quiz attempts for the class."""
    rng = random.Random(13)
    lessons = [lesson.id for lesson in course.lessons]
    questions = [q.id for q in course.active_questions()]
    quizzes = class_quizzes(course, cohort_id)
    members, progress, cards, attempts = [], [], [], []
    for n, user_id in enumerate(ids):
        members.append({"cohort_id": cohort_id, "user_id": user_id, "joined_at": NOW - timedelta(days=90)})
        for k, lesson_id in enumerate(lessons[: rng.randrange(len(lessons) + 1)]):
            opened = NOW - timedelta(days=60 - k, minutes=n)
            read = opened + timedelta(minutes=12)
            progress.append({"user_id": user_id, "lesson_id": lesson_id, "opened_at": opened, "completed_at": read})
        for question_id in rng.sample(questions, 40):
            due = NOW + timedelta(hours=rng.randrange(-72, 240))
            cards.append({"user_id": user_id, "question_id": question_id, "card": {}, "due": due, "reviews": 1})
        for spec in quizzes:
            if spec.attempts_allowed is None:
                continue
            for a in range(3):
                score = rng.random()
                started = NOW - timedelta(days=30 - a, minutes=n)
                attempts.append(
                    {
                        "id": str(uuid.uuid4()),
                        "user_id": user_id,
                        "quiz_id": spec.id,
                        "spec": spec.model_dump(mode="json"),
                        "seed": "1",
                        "feedback_mode": spec.feedback_mode.value,
                        "drawn": [],
                        "started_at": started,
                        "deadline": None,
                        "status": "submitted",
                        "submitted_at": started + timedelta(minutes=40),
                        "score": score,
                        "passed": score >= spec.pass_mark,
                        "result": None,
                        "flagged": [],
                        "voided": False,
                    }
                )
    with store.db.write() as session:
        session.execute(insert(MembershipRow), members)
        session.execute(insert(LessonProgressRow), progress)
        session.execute(insert(ReviewCardRow), cards)
        session.execute(insert(AttemptRow), attempts)
        session.execute(text("ANALYZE"))


def bench(url: str, label: str) -> None:
    course = load_course(lessons_dir=PROJECT_ROOT / "lessons", bank_dir=PROJECT_ROOT / "quiz_bank")
    store = Store.open(url, course=lambda: course)
    print(f"\n== {label} ==")
    teacher = store.accounts.create("bench-teacher", "a long enough password", role=Role.INSTRUCTOR, now=NOW)
    cohort = store.accounts.create_cohort(teacher, "Bench class", now=NOW)
    ids = seed_learners(store, LEARNERS, prefix="roster")
    seed_class(store, course, ids, cohort.id)
    seed_answers(store, course, ids, 100)
    store.classes.roster(teacher, cohort.id, now=NOW)  # warm: the course's question snapshots and query plans
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        roster = store.classes.roster(teacher, cohort.id, now=NOW)
        timings.append((time.perf_counter() - started) * 1000)
    assert len(roster.rows) == LEARNERS
    started = time.perf_counter()
    csv_text = roster.csv()
    csv_ms = (time.perf_counter() - started) * 1000
    print(
        f"roster of a {len(roster.rows)}-learner class ({len(roster.quizzes)} quizzes, {LEARNERS * 100:,} answers): "
        f"median {statistics.median(timings):.0f} ms, slowest {max(timings):.0f} ms ({RUNS} runs; target 300 ms)"
    )
    print(f"gradebook CSV of it: {csv_ms:.1f} ms, {len(csv_text):,} characters")
    store.close()


def main() -> None:
    on_both_databases(bench)


if __name__ == "__main__":
    main()
