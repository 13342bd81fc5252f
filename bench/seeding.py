"""Bulk-seeding learner records for benchmarks (not through the API: that is what is measured)."""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from learning.bank import SCHEMA_FILE, SCHEMA_VERSION, bank_files
from learning.grading import correct_response, grade
from learning.questions import dump_question
from learning.quiz import QuizSpec
from learning.store import Role, Store
from learning.store.attempts import content_hash
from learning.store.tables import AnswerRow, AttemptRow, QuestionSnapshotRow, UserRow

__all__ = ["NOW", "BulkAnswers", "answer_write_latencies", "on_both_databases", "seed_answers", "seed_learners", "write_bank"]

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def write_bank(source: Path, target: Path, *, questions: int = 10_000, per_file: int = 500) -> Path:
    """Write a bank of ``questions`` questions in files of ``per_file`` into ``target``.

    The shipped questions (from the bank folder ``source``) come first under their own ids, so
    the lessons' check questions exist; then copies of them under new ids, so the bank is as
    varied as the real one and every question passes the course's cross-checks. The shipped
    quizzes are copied too, so the course load assembles them against the big bank.
    """
    shipped = [entry for path in bank_files(source) for entry in json.loads(path.read_text(encoding="utf-8"))["questions"]]
    target.mkdir(parents=True, exist_ok=True)
    for number, start in enumerate(range(0, questions, per_file)):
        entries = [_copy(shipped, n) for n in range(start, min(questions, start + per_file))]
        document = {"$schema": SCHEMA_FILE, "schema_version": SCHEMA_VERSION, "questions": entries}
        (target / f"bench-{number:03d}.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if (source / "quizzes").is_dir():
        shutil.copytree(source / "quizzes", target / "quizzes", dirs_exist_ok=True)
    return target


def _copy(shipped: list[dict], n: int) -> dict:
    """The ``n``-th question of the big bank; each round of copies has its own exclusion groups."""
    entry = shipped[n % len(shipped)]
    if n < len(shipped):
        return entry
    copy = {**entry, "id": f"{entry['id']}-x{n:07d}"}
    if entry.get("exclusion_group"):
        copy["exclusion_group"] = f"{entry['exclusion_group']}-c{n // len(shipped)}"
    return copy


def seed_answers(store: Store, course, user_ids: list[int], per_user: int) -> None:
    """Bulk-insert submitted practice attempts with ``per_user`` graded answers for each learner."""
    BulkAnswers(store, course).add(dict.fromkeys(user_ids, per_user))


def seed_learners(store: Store, count: int, *, prefix: str) -> list[int]:
    """Bulk-insert ``count`` learners named ``{prefix}-00000`` and up (no password); returns their ids."""
    rows = [
        {
            "username": f"{prefix}-{n:05d}",
            "display_name": f"Learner {n}",
            "role": "learner",
            "password_hash": None,
            "disabled": False,
            "created_at": NOW,
        }
        for n in range(count)
    ]
    with store.db.write() as session:
        session.execute(insert(UserRow), rows)
    with store.db.read() as session:
        return list(session.scalars(select(UserRow.id).where(UserRow.username.like(f"{prefix}-%")).order_by(UserRow.id)))


def answer_write_latencies(store: Store, *, name: str, now: datetime, count: int = 150) -> list[float]:
    """Milliseconds for each of ``count`` answers written through the real API (grading, checks,
    one transaction each) by a new learner called ``name``."""
    learner = store.accounts.create(name, "a long enough password", role=Role.LEARNER, now=now)
    spec = QuizSpec(id=f"{name}-practice", title="Bench", question_count=count, shuffle_questions=False)
    attempt = store.attempts.start(learner, spec, now=now, seed=name)
    latencies = []
    for n, drawn in enumerate(attempt.attempt.questions):
        response = correct_response(attempt.questions[drawn.id]).model_dump(mode="json")
        started = time.perf_counter()
        store.attempts.answer(learner, attempt.id, drawn.id, response, now=now + timedelta(seconds=n))
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


class BulkAnswers:
    """Bulk-insert submitted practice attempts of 100 graded answers each, drawn from the whole course.

    Answers are written in transactions of ``batch`` rows, so a million take minutes; the same
    seed gives the same records. Each learner's answers are a minute apart, older first.
    """

    def __init__(self, store: Store, course, *, seed: int = 7, batch: int = 20_000) -> None:
        self.store = store
        self.questions = list(course.active_questions())
        self.rng = random.Random(seed)
        self.batch = batch
        self.hashes = {q.id: content_hash(q) for q in self.questions}
        self.graded = {q.id: grade(q, correct_response(q)).model_dump(mode="json") for q in self.questions}
        self.written: dict[int, int] = {}  # answers so far per learner
        with store.db.read() as session:
            stored = set(session.scalars(select(QuestionSnapshotRow.content_hash)))
        snapshots = [
            {"content_hash": self.hashes[q.id], "question_id": q.id, "version": q.version, "content": dump_question(q)}
            for q in self.questions
            if self.hashes[q.id] not in stored
        ]
        for start in range(0, len(snapshots), batch):
            with store.db.write() as session:
                session.execute(insert(QuestionSnapshotRow), snapshots[start : start + batch])

    def add(self, per_user: dict[int, int]) -> int:
        """Give each learner in ``per_user`` that many more answers; returns how many were written."""
        attempts: list[dict] = []
        answers: list[dict] = []
        total = 0
        for user_id, count in per_user.items():
            done = self.written.get(user_id, 0)
            for start in range(0, count, 100):
                attempt_id = str(uuid.uuid4())
                size = min(100, count - start)
                first = NOW - timedelta(days=365) + timedelta(minutes=done + start)
                attempts.append(
                    {
                        "id": attempt_id,
                        "user_id": user_id,
                        "quiz_id": "bench",
                        "spec": {"id": "bench", "title": "Bench"},
                        "seed": "1",
                        "feedback_mode": "practice",
                        "drawn": [],
                        "started_at": first,
                        "deadline": None,
                        "status": "submitted",
                        "submitted_at": first + timedelta(minutes=size),
                        "score": 1.0,
                        "passed": True,
                        "result": None,
                        "flagged": [],
                    }
                )
                for n, q in enumerate(self.rng.sample(self.questions, size)):
                    right = self.rng.random() < 0.7
                    answers.append(
                        {
                            "attempt_id": attempt_id,
                            "user_id": user_id,
                            "question_id": q.id,
                            "question_version": q.version,
                            "question_hash": self.hashes[q.id],
                            "objectives": list(q.objectives),
                            "revision": 1,
                            "current": True,
                            "response": {"type": q.type},
                            "grade": self.graded[q.id],
                            "score": 1.0 if right else 0.0,
                            "correct": right,
                            "confidence": None,
                            "answered_at": first + timedelta(minutes=n),
                        }
                    )
                if len(answers) >= self.batch:
                    total += self._write(attempts, answers)
                    attempts, answers = [], []
            self.written[user_id] = done + count
        total += self._write(attempts, answers)
        self._analyze()
        return total

    def _analyze(self) -> None:
        """Refresh the planner's statistics, as the database's own maintenance (PostgreSQL's
        autovacuum) would soon after a real school's records grew: a bulk load measured at once
        would otherwise be planned as if the tables were empty (on PostgreSQL, a nested loop that
        made a 10,000-answer dashboard five times slower)."""
        with self.store.db.write() as session:
            session.execute(text("ANALYZE"))

    def _write(self, attempts: list[dict], answers: list[dict]) -> int:
        if attempts:
            with self.store.db.write() as session:
                session.execute(insert(AttemptRow), attempts)
                session.execute(insert(AnswerRow), answers)
        return len(answers)


def on_both_databases(bench: Callable[[str, str], None], *, postgres: str | None = None) -> None:
    """Run ``bench(url, label)`` on a fresh SQLite file, then on PostgreSQL when a URL is given
    (``postgres``, else ``LEARNING_TEST_DATABASE_URL``): that database is wiped first."""
    with tempfile.TemporaryDirectory() as folder:
        bench(f"sqlite:///{folder}/bench.db", "SQLite (WAL, synchronous=FULL)")
    url = postgres or os.environ.get("LEARNING_TEST_DATABASE_URL")
    if url:
        from tests.store.conftest import reset_postgres

        reset_postgres(url)
        bench(url, "PostgreSQL")
    else:
        print("\n(PostgreSQL skipped: set LEARNING_TEST_DATABASE_URL to a database this may wipe)")
