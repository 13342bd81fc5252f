"""Bulk-seeding learner records for benchmarks (not through the API: that is what is measured)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from learning.grading import correct_response, grade
from learning.questions import dump_question
from learning.store import Store
from learning.store.attempts import content_hash
from learning.store.tables import AnswerRow, AttemptRow, QuestionSnapshotRow

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def seed_answers(store: Store, course, user_ids: list[int], per_user: int) -> None:
    """Bulk-insert submitted practice attempts with ``per_user`` graded answers for each learner."""
    questions = course.active_questions()
    rng = random.Random(7)
    with store.db.write() as session:
        for q in questions:
            session.merge(QuestionSnapshotRow(content_hash=content_hash(q), question_id=q.id, version=q.version, content=dump_question(q)))
    graded = {q.id: grade(q, correct_response(q)).model_dump(mode="json") for q in questions}
    for user_id in user_ids:
        attempts, answers = [], []
        for start in range(0, per_user, 100):
            attempt_id = str(uuid.uuid4())
            drawn = questions[:100]
            attempts.append(
                {
                    "id": attempt_id,
                    "user_id": user_id,
                    "quiz_id": "bench",
                    "spec": {"id": "bench", "title": "Bench"},
                    "seed": "1",
                    "feedback_mode": "practice",
                    "drawn": [],
                    "started_at": NOW,
                    "deadline": None,
                    "status": "submitted",
                    "submitted_at": NOW,
                    "score": 1.0,
                    "passed": True,
                    "result": None,
                    "flagged": [],
                }
            )
            for n in range(min(100, per_user - start)):
                q = rng.choice(drawn)
                right = rng.random() < 0.7
                answers.append(
                    {
                        "attempt_id": attempt_id,
                        "user_id": user_id,
                        "question_id": f"{q.id}",
                        "question_version": q.version,
                        "question_hash": content_hash(q),
                        "objectives": list(q.objectives),
                        "revision": n + 1,
                        "current": True,
                        "response": {"type": q.type},
                        "grade": graded[q.id],
                        "score": 1.0 if right else 0.0,
                        "correct": right,
                        "confidence": None,
                        "answered_at": NOW - timedelta(minutes=per_user - start - n),
                    }
                )
        with store.db.write() as session:
            session.execute(insert(AttemptRow), attempts)
            session.execute(insert(AnswerRow), answers)
