"""Answer latency with many learners answering at once, with and without a sign-in flood.

    python bench/concurrent_learners.py                   # SQLite in a temporary folder
    LEARNING_TEST_DATABASE_URL=postgresql+psycopg://... python bench/concurrent_learners.py   # and PostgreSQL (wiped!)

Each learner is a thread that starts a practice attempt and answers its questions through the
real API (grading, checks, one transaction each), all released together: flat out (the next
answer the moment the last is stored, which measures how many answers a second the store takes)
and at a pace (a random pause averaging ``--pace`` seconds before each answer, still far quicker
than a person reads a question, which measures what a learner waits for).
The flood adds threads that sign in without pause with real argon2 hashing, as a tab
re-submitting the sign-in form would. Prints the median, p95 and slowest answer in ms; it is
not a pass/fail test (the goal is p95 under 50 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import contextlib

from learning import load_course
from learning.errors import SignInError
from learning.grading import correct_response
from learning.quiz import QuizSpec
from learning.settings import PROJECT_ROOT
from learning.store import Role, Store
from tests.store.conftest import reset_postgres

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
PASSWORD = "a long enough password"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(store: Store, *, learners: int, answers: int, flooders: int, round_: int, pace: float) -> tuple[list[float], int]:
    """Milliseconds of every answer written by ``learners`` threads at once (plus ``flooders``
    threads signing in meanwhile), and how many answers failed."""
    people = [store.accounts.create(f"r{round_}-learner-{n:03d}", PASSWORD, role=Role.LEARNER, now=NOW) for n in range(learners)]
    spec = QuizSpec(id=f"concurrency-{round_}", title="Concurrency", question_count=answers, shuffle_questions=False)
    attempts = [store.attempts.start(person, spec, now=NOW, seed=person.username) for person in people]
    target = store.accounts.create(f"r{round_}-flooded", PASSWORD, role=Role.LEARNER, now=NOW)
    latencies: list[float] = []
    failed: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(learners + flooders)
    done = threading.Event()

    def learner(n: int) -> None:
        person, attempt = people[n], attempts[n]
        barrier.wait()
        mine = []
        pauses = random.Random(n)
        for k, drawn in enumerate(attempt.attempt.questions):
            if pace:
                time.sleep(pauses.uniform(0, 2 * pace))
            response = correct_response(attempt.questions[drawn.id]).model_dump(mode="json")
            started = time.perf_counter()
            try:
                store.attempts.answer(person, attempt.id, drawn.id, response, now=NOW + timedelta(seconds=k))
            except Exception as error:  # counted and reported: a failed answer is the worst outcome
                with lock:
                    failed.append(error)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    def flooder() -> None:
        barrier.wait()
        while not done.is_set():
            with contextlib.suppress(SignInError):
                store.accounts.sign_in(target.username, PASSWORD, now=NOW)

    learner_threads = [threading.Thread(target=learner, args=(n,)) for n in range(learners)]
    flood_threads = [threading.Thread(target=flooder) for _ in range(flooders)]
    for thread in learner_threads + flood_threads:
        thread.start()
    for thread in learner_threads:
        thread.join()
    done.set()
    for thread in flood_threads:
        thread.join()
    return latencies, len(failed)


def bench(url: str, label: str, *, sizes: list[int], answers: int, flooders: int, pace: float) -> None:
    course = load_course(lessons_dir=PROJECT_ROOT / "lessons", bank_dir=PROJECT_ROOT / "quiz_bank")
    store = Store.open(url, course=lambda: course)
    print(f"\n== {label}: {answers} answers per learner ==")
    round_ = 0
    for mode, pause in (("flat out", 0.0), (f"one answer per ~{pace:g} s", pace)):
        for flood in (0, flooders):
            for size in sizes:
                round_ += 1
                started = time.perf_counter()
                latencies, failed = run(store, learners=size, answers=answers, flooders=flood, round_=round_, pace=pause)
                wall = time.perf_counter() - started
                what = f"{mode}, {size:>2} learners" + (f" + {flood} sign-in flooders" if flood else "")
                print(
                    f"{what:<52} {len(latencies):>5} answers in {wall:5.1f} s: median {statistics.median(latencies):6.1f} ms, "
                    f"p95 {percentile(latencies, 0.95):6.1f} ms, slowest {max(latencies):7.1f} ms"
                    + (f", {failed} FAILED" if failed else "")
                )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="10,25,50", help="comma-separated counts of simultaneous learners")
    parser.add_argument("--answers", type=int, default=20, help="answers each learner writes")
    parser.add_argument("--flooders", type=int, default=4, help="threads signing in without pause (0 for none)")
    parser.add_argument("--pace", type=float, default=1.0, help="mean seconds before each answer in the paced rounds")
    args = parser.parse_args()
    sizes = [int(n) for n in args.learners.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        bench(
            f"sqlite:///{folder}/bench.db",
            "SQLite (WAL, synchronous=FULL)",
            sizes=sizes,
            answers=args.answers,
            flooders=args.flooders,
            pace=args.pace,
        )
    url = os.environ.get("LEARNING_TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        bench(url, "PostgreSQL", sizes=sizes, answers=args.answers, flooders=args.flooders, pace=args.pace)
    else:
        print("\n(PostgreSQL skipped: set LEARNING_TEST_DATABASE_URL to a database this may wipe)")


if __name__ == "__main__":
    main()
