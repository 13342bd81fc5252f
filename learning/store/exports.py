"""A learner's records in forms a school can move into its own systems.

- the transcript: one CSV row per lesson and per quiz attempt;
- every answer as an xAPI statement, as a JSON list: the store reads the answers, and
  :mod:`learning.xapi` builds the statements.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from learning import xapi
from learning.course import Course
from learning.questions import QUESTION_ADAPTER
from learning.quiz import QuizKind
from learning.spreadsheet import SafeWriter
from learning.store.accounts import Accounts, User
from learning.store.database import Database
from learning.store.tables import AnswerRow, AttemptRow, LessonProgressRow, QuestionSnapshotRow, UserRow

TRANSCRIPT_COLUMNS = ["record", "id", "title", "started", "finished", "status", "score_percent", "passed", "attempt"]


# The xAPI helpers' earlier names here, for callers that import them from the store.
iso_duration = xapi.iso_duration
xapi_response = xapi.response_text


def _iso(moment: datetime | None) -> str:
    return xapi.timestamp(moment) if moment else ""


class Exports:
    def __init__(self, database: Database, accounts: Accounts, course: Callable[[], Course], *, site_url: str) -> None:
        self.db = database
        self.accounts = accounts
        self.course = course
        self.site_url = site_url.rstrip("/")

    def transcript_csv(self, actor: User, learner_id: int) -> str:
        """The learner's lessons and quiz attempts as CSV text."""
        course = self.course()
        titles = {q.id: q.title for q in course.quizzes}
        lesson_titles = {lesson.id: lesson.title for lesson in course.lessons}
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            lessons = list(
                session.scalars(
                    select(LessonProgressRow).where(LessonProgressRow.user_id == learner_id).order_by(LessonProgressRow.opened_at)
                )
            )
            attempts = list(session.scalars(select(AttemptRow).where(AttemptRow.user_id == learner_id).order_by(AttemptRow.started_at)))
        out = io.StringIO()
        writer = SafeWriter(csv.writer(out, lineterminator="\n"))
        writer.writerow(TRANSCRIPT_COLUMNS)
        for row in lessons:
            status = "read" if row.completed_at else "opened"
            writer.writerow(
                [
                    "lesson",
                    row.lesson_id,
                    lesson_titles.get(row.lesson_id, row.lesson_id),
                    _iso(row.opened_at),
                    _iso(row.completed_at),
                    status,
                    "",
                    "",
                    "",
                ]
            )
        for attempt in attempts:
            if not QuizKind(attempt.spec.get("kind", QuizKind.PRACTICE.value)).counts_as_a_quiz:
                continue  # lesson checks and review sessions are not quizzes a transcript lists
            title = titles.get(attempt.quiz_id) or attempt.spec.get("title", attempt.quiz_id)
            score = f"{attempt.score * 100:.1f}" if attempt.score is not None else ""
            passed = "" if attempt.passed is None else ("yes" if attempt.passed else "no")
            writer.writerow(
                [
                    "quiz",
                    attempt.quiz_id,
                    title,
                    _iso(attempt.started_at),
                    _iso(attempt.submitted_at),
                    attempt.status.replace("_", " "),
                    score,
                    passed,
                    attempt.id,
                ]
            )
        return out.getvalue()

    def xapi_statements(self, actor: User, learner_id: int) -> list[dict[str, Any]]:
        """Every answer the learner gave, oldest first, as xAPI statements."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            learner = session.get_one(UserRow, learner_id)
            rows = list(
                session.execute(
                    select(AnswerRow, AttemptRow.quiz_id, AttemptRow.started_at, QuestionSnapshotRow.content)
                    .join(AttemptRow, AttemptRow.id == AnswerRow.attempt_id)
                    .join(QuestionSnapshotRow, QuestionSnapshotRow.content_hash == AnswerRow.question_hash)
                    .where(AnswerRow.user_id == learner_id)
                    .order_by(AnswerRow.answered_at, AnswerRow.id)
                )
            )
        agent = xapi.actor(name=learner.display_name, username=learner.username, site_url=self.site_url)
        records = (
            xapi.AnswerRecord(
                answer_id=answer.id,
                attempt_id=answer.attempt_id,
                quiz_id=quiz_id,
                attempt_started_at=started_at,
                question=QUESTION_ADAPTER.validate_python(content),
                question_version=answer.question_version,
                revision=answer.revision,
                response=answer.response,
                score=answer.score,
                correct=answer.correct,
                points=answer.grade["points"],
                max_points=answer.grade["max_points"],
                answered_at=answer.answered_at,
            )
            for answer, quiz_id, started_at, content in rows
        )
        return xapi.statements(records, agent=agent, site_url=self.site_url)
