"""Store benchmarks: answer write latency, a learner's dashboard, a cohort's mastery.

    python bench/store_bench.py                      # SQLite in a temporary folder
    LEARNING_TEST_DATABASE_URL=postgresql+psycopg://... python bench/store_bench.py   # and PostgreSQL (wiped!)

Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from argon2 import PasswordHasher
from sqlalchemy import insert

import learning.store.accounts as accounts
from bench.seeding import answer_write_latencies, on_both_databases, seed_answers, seed_learners
from learning import load_course
from learning.settings import PROJECT_ROOT
from learning.store import Role, Store
from learning.store.tables import MembershipRow

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # account set-up is not what we measure


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench(url: str, label: str) -> None:
    course = load_course(lessons_dir=PROJECT_ROOT / "lessons", bank_dir=PROJECT_ROOT / "quiz_bank")
    store = Store.open(url, course=lambda: course)
    print(f"\n== {label} ==")

    # 1. Answer write latency through the real API (grading, checks, one transaction each).
    latencies = answer_write_latencies(store, name="bench-writer", now=NOW)
    print(
        f"answer write latency over {len(latencies)} answers: median {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms"
    )

    # 2. Dashboard for a learner with 10,000 answers.
    heavy = store.accounts.create("bench-heavy", "a long enough password", role=Role.LEARNER, now=NOW)
    seed_answers(store, course, [heavy.id], 10_000)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        board = store.progress.dashboard(heavy, heavy.id)
        timings.append((time.perf_counter() - started) * 1000)
    assert board.answers == 10_000
    print(f"dashboard for a learner with {board.answers:,} answers: median {statistics.median(timings):.0f} ms (5 runs)")

    # 3. Mastery for a cohort of 200 learners with 100 answers each.
    teacher = store.accounts.create("bench-teacher", "a long enough password", role=Role.INSTRUCTOR, now=NOW)
    cohort = store.accounts.create_cohort(teacher, "Bench class", now=NOW)
    ids = seed_learners(store, 200, prefix="cohort")
    with store.db.write() as session:
        session.execute(insert(MembershipRow), [{"cohort_id": cohort.id, "user_id": i, "joined_at": NOW} for i in ids])
    seed_answers(store, course, ids, 100)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        overview = store.progress.cohort_mastery(teacher, cohort.id)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"mastery for a cohort of {len(overview)} learners ({len(overview) * 100:,} answers): "
        f"median {statistics.median(timings):.0f} ms (3 runs)"
    )
    store.close()


def main() -> None:
    on_both_databases(bench)


if __name__ == "__main__":
    main()
