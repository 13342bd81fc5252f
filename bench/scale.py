"""Speed at ten times the size: a course of 10,000 questions and a database of 1,000 learners.

    python bench/scale.py                                 # 10k, 100k and 1M answers on SQLite
    python bench/scale.py --answers 10000,100000          # pick the database sizes
    LEARNING_TEST_DATABASE_URL=postgresql+psycopg://... python bench/scale.py   # PostgreSQL too (wiped!)

The course figures come first: loading and validating the bank against bare
``TypeAdapter(BankFile).validate_json`` on the same bytes (in process CPU time, the best of
several interleaved runs, so other work on the machine skews the ratio less), the course load with
its cross-checks, lookups by id, and the course stamp a page run checks. Then, for each database
size in turn (the database grows; nothing is rebuilt), a learner's dashboard with 10,000 answers,
a typical learner's dashboard and the latency of writing an answer through the store. Seeding is
bulk inserts; a million answers take a few minutes on SQLite.

Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from argon2 import PasswordHasher
from pydantic import TypeAdapter
from sqlalchemy import text

import learning.store.accounts as accounts
from bench.seeding import NOW, BulkAnswers, answer_write_latencies, seed_learners, write_bank
from learning.bank import BankFile, bank_files, load_bank
from learning.course import Course, load_course
from learning.settings import PROJECT_ROOT
from learning.store import Role, Store
from tests.store.conftest import reset_postgres

accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # account set-up is not what we measure
LEARNERS = 1_000
HEAVY = 10_000  # answers of the learner whose dashboard is the target
TARGETS = {"ratio": 1.3, "dashboard": 50.0}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and process CPU time of one call, in milliseconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def verdict(value: float, target: float) -> str:
    return "meets" if value <= target else "MISSES"


# --- the course ------------------------------------------------------------------------------


def course_figures(folder: Path, questions: int) -> Course:
    lessons = PROJECT_ROOT / "lessons"
    bank = write_bank(PROJECT_ROOT / "quiz_bank", folder / "quiz_bank", questions=questions)
    files = bank_files(bank)
    print(f"\n== Course: {questions:,} questions in {len(files)} files, the shipped lessons ==")

    data = [path.read_bytes() for path in files]
    adapter = TypeAdapter(BankFile)

    def validate_only() -> None:
        for document in data:
            adapter.validate_json(document)

    def validate_only_paused() -> None:
        gc.disable()  # as load_bank pauses the collector; only the validation itself is left to compare
        try:
            validate_only()
        finally:
            gc.enable()

    runs: dict[str, list[tuple[float, float]]] = {"bare": [], "paused": [], "load": []}
    for _ in range(7):  # interleaved, so a busy moment hits all alike
        runs["bare"].append(timed(validate_only))
        runs["paused"].append(timed(validate_only_paused))
        runs["load"].append(timed(lambda: load_bank(bank)))
    cpu = {name: min(c for _, c in times) for name, times in runs.items()}
    wall = {name: min(w for w, _ in times) for name, times in runs.items()}
    load_cpu = cpu["load"]
    ratio = load_cpu / cpu["bare"]
    print(
        f"bank load and validate: load_bank {load_cpu:.0f} ms, bare validate_json {cpu['bare']:.0f} ms (CPU, best of 7): "
        f"ratio {ratio:.2f}x (wall {wall['load'] / wall['bare']:.2f}x), target {TARGETS['ratio']}x: {verdict(ratio, TARGETS['ratio'])}"
    )
    print(
        f"  for reference, bare validate_json with the collector paused as load_bank pauses it: {cpu['paused']:.0f} ms "
        f"({load_cpu / cpu['paused']:.2f}x; the rest is reading the files, bookkeeping and one collection of what the load keeps)"
    )

    course_times = [timed(lambda: load_course(lessons_dir=lessons, bank_dir=bank)) for _ in range(3)]
    course_cpu = min(c for _, c in course_times)
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    print(
        f"course load with cross-checks: {course_cpu:.0f} ms CPU ({min(w for w, _ in course_times):.0f} ms wall); "
        f"beyond the bank: {course_cpu - load_cpu:.0f} ms; {len(course.problems)} problems"
    )

    loaded = load_bank(bank)
    rng = random.Random(1)
    picks = {
        "Course.question": (course.question, [q.id for q in rng.choices(course.questions, k=2000)]),
        "Course.lesson": (course.lesson, [lesson.id for lesson in rng.choices(course.lessons, k=2000)]),
        "Course.quiz": (course.quiz, [quiz.id for quiz in rng.choices(course.quizzes, k=2000)]),
        "Bank.get": (loaded.get, [q.id for q in rng.choices(loaded.questions, k=2000)]),
    }
    for name, (lookup, ids) in picks.items():
        wall, _ = min((timed(lambda lookup=lookup, ids=ids: [lookup(i) for i in ids]) for _ in range(5)), key=lambda t: t[0])
        print(f"{name}: 2,000 lookups in {wall:.2f} ms ({wall * 1000 / 2000:.2f} µs each)")

    stamp_figures(lessons, bank)
    return course


def stamp_figures(lessons: Path, bank: Path) -> None:
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # no Streamlit runtime here: "bare mode"
    os.environ["LEARNING_LESSONS_DIR"], os.environ["LEARNING_BANK_DIR"] = str(lessons), str(bank)
    from learning.ui import services

    services.course()  # load once; what follows is what each page run pays
    calls = 2000
    started = time.perf_counter()
    for _ in range(calls):
        services.course()
    per_call = (time.perf_counter() - started) * 1e6 / calls
    started = time.perf_counter()
    for _ in range(100):
        services._stamp(lessons, bank)
    per_stamp = (time.perf_counter() - started) * 1e6 / 100
    print(
        f"course stamp: services.course() {per_call:.0f} µs a call once loaded; "
        f"a full stat of the course files {per_stamp:.0f} µs (at most once a second)"
    )


# --- the store -------------------------------------------------------------------------------


def store_figures(url: str, label: str, course: Course, sizes: list[int]) -> list[tuple]:
    print(f"\n== {label}: {LEARNERS:,} learners, growing to {sizes[-1]:,} answers ==")
    store = Store.open(url, course=lambda: course)
    heavy = store.accounts.create("scale-heavy", "a long enough password", role=Role.LEARNER, now=NOW)
    others = seed_learners(store, LEARNERS - 1, prefix="learner")
    typical = store.accounts.get(others[0])
    assert typical is not None
    seeder = BulkAnswers(store, course)
    rows = []
    total = 0
    for size in sizes:
        heavy_more = max(0, min(HEAVY, size) - seeder.written.get(heavy.id, 0))
        rest = size - total - heavy_more
        per_user = {heavy.id: heavy_more} if heavy_more else {}
        for n, user_id in enumerate(others):
            per_user[user_id] = rest // len(others) + (1 if n < rest % len(others) else 0)
        started = time.perf_counter()
        total += seeder.add(per_user)
        seeding = time.perf_counter() - started
        if not store.db.is_sqlite:  # PostgreSQL's autovacuum would soon do this after a bulk load; do it now
            with store.db.writer.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        print(f"-- {total:,} answers (seeded in {seeding:.0f} s)")

        board = store.progress.dashboard(heavy, heavy.id)
        board_wall, board_cpu = zip(*(timed(lambda: store.progress.dashboard(heavy, heavy.id)) for _ in range(9)), strict=True)
        small = store.progress.dashboard(typical, typical.id)
        typical_wall = [timed(lambda: store.progress.dashboard(typical, typical.id))[0] for _ in range(9)]
        dashboard = statistics.median(board_wall)
        meets = verdict(dashboard, TARGETS["dashboard"])
        print(
            f"dashboard, learner with {board.answers:,} answers: median {dashboard:.1f} ms of 9, best {min(board_wall):.1f} ms "
            f"({statistics.median(board_cpu):.1f} ms CPU in this process), target {TARGETS['dashboard']:.0f} ms: {meets}; "
            f"typical learner ({small.answers:,} answers): median {statistics.median(typical_wall):.1f} ms"
        )

        latencies = answer_write_latencies(store, name=f"scale-writer-{size}", now=NOW)
        write_median, write_p95 = statistics.median(latencies), percentile(latencies, 0.95)
        print(f"answer write over {len(latencies)} answers: median {write_median:.1f} ms, p95 {write_p95:.1f} ms")
        rows.append((total, dashboard, statistics.median(typical_wall), write_median, write_p95))
    store.close()
    return rows


def summary(label: str, rows: list[tuple]) -> None:
    print(f"\n{label}: growth with size")
    print(f"{'answers':>10}  {'dashboard 10k':>13}  {'typical':>8}  {'write median':>12}  {'write p95':>9}")
    for total, dashboard, typical, median, p95 in rows:
        print(f"{total:>10,}  {dashboard:>10.1f} ms  {typical:>5.1f} ms  {median:>9.1f} ms  {p95:>6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", default="10000,100000,1000000", help="database sizes in answers, comma-separated, growing")
    parser.add_argument("--questions", type=int, default=10_000, help="questions in the generated bank")
    args = parser.parse_args()
    sizes = sorted(int(size.replace("_", "")) for size in args.answers.split(",") if size.strip())
    if sizes and sizes[0] < HEAVY:
        parser.error(f"the smallest size must hold the dashboard learner's {HEAVY:,} answers")
    results = {}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        course = course_figures(folder, args.questions)
        if sizes:
            results["SQLite"] = store_figures(f"sqlite:///{folder / 'scale.db'}", "SQLite (WAL, synchronous=FULL)", course, sizes)
            url = os.environ.get("LEARNING_TEST_DATABASE_URL")
            if url:
                reset_postgres(url)
                results["PostgreSQL"] = store_figures(url, "PostgreSQL", course, sizes)
            else:
                print("\n(PostgreSQL skipped: set LEARNING_TEST_DATABASE_URL to a database this may wipe)")
    for label, rows in results.items():
        summary(label, rows)


if __name__ == "__main__":
    main()
