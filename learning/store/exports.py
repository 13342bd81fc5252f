"""A learner's records in forms a school can move into its own systems.

- the transcript: one CSV row per lesson and per quiz attempt;
- every answer as an xAPI statement (actor, verb, object with its interaction type, result with
  score, success, response and duration, timestamp), as a JSON list.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from learning.course import Course
from learning.questions import QUESTION_ADAPTER, QuestionBase
from learning.store.accounts import Accounts, User
from learning.store.database import Database
from learning.store.tables import AnswerRow, AttemptRow, LessonProgressRow, QuestionSnapshotRow, UserRow

XAPI_NAMESPACE = uuid.UUID("8c2f6a9e-3f57-4b8e-9a57-5d1f4c1e7b21")
INTERACTION = {
    "single_choice": "choice",
    "multiple_response": "choice",
    "true_false": "true-false",
    "matching": "matching",
    "ordering": "sequencing",
    "short_answer": "fill-in",
    "numeric": "numeric",
}
TRANSCRIPT_COLUMNS = ["record", "id", "title", "started", "finished", "status", "score_percent", "passed", "attempt"]


def iso_duration(delta: timedelta) -> str:
    seconds = max(0.0, delta.total_seconds())
    return f"PT{seconds:.2f}S".replace(".00S", "S")


def _iso(moment: datetime | None) -> str:
    return moment.isoformat().replace("+00:00", "Z") if moment else ""


def xapi_response(question: QuestionBase, response: dict) -> str:
    """The learner's response in xAPI's response format for the question's interaction type."""
    match question.type:  # type: ignore[attr-defined]
        case "single_choice":
            return response["option"]
        case "multiple_response":
            return "[,]".join(sorted(response["options"]))
        case "true_false":
            return "true" if response["value"] else "false"
        case "matching":
            return "[,]".join(f"{item}[.]{choice}" for item, choice in sorted(response["placements"].items()))
        case "ordering":
            return "[,]".join(response["order"])
        case "short_answer":
            return response["text"]
        case "numeric":
            value = response["value"]
            return str(int(value)) if float(value).is_integer() else str(value)
    raise ValueError(question.type)  # type: ignore[attr-defined]


def _correct_pattern(question: QuestionBase) -> list[str]:
    match question.type:  # type: ignore[attr-defined]
        case "single_choice":
            return [next(o.id for o in question.options if o.correct)]  # type: ignore[attr-defined]
        case "multiple_response":
            return ["[,]".join(sorted(o.id for o in question.options if o.correct))]  # type: ignore[attr-defined]
        case "true_false":
            return ["true" if question.answer else "false"]  # type: ignore[attr-defined]
        case "matching":
            return ["[,]".join(f"{i.id}[.]{i.answer}" for i in sorted(question.items, key=lambda i: i.id))]  # type: ignore[attr-defined]
        case "ordering":
            return ["[,]".join(i.id for i in question.items)]  # type: ignore[attr-defined]
        case "short_answer":
            return [a.text for a in question.answers if a.credit == 1.0]  # type: ignore[attr-defined]
        case "numeric":
            band = next(a for a in question.answers if a.credit == 1.0)  # type: ignore[attr-defined]
            if band.value is not None:
                return [f"{band.value - band.tolerance:g}[:]{band.value + band.tolerance:g}"]
            return [f"{band.min:g}[:]{band.max:g}"]
    return []


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
        writer = csv.writer(out, lineterminator="\n")
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
        for row in attempts:
            title = titles.get(row.quiz_id) or row.spec.get("title", row.quiz_id)
            score = f"{row.score * 100:.1f}" if row.score is not None else ""
            passed = "" if row.passed is None else ("yes" if row.passed else "no")
            writer.writerow(
                [
                    "quiz",
                    row.quiz_id,
                    title,
                    _iso(row.started_at),
                    _iso(row.submitted_at),
                    row.status.replace("_", " "),
                    score,
                    passed,
                    row.id,
                ]
            )
        return out.getvalue()

    def xapi_statements(self, actor: User, learner_id: int) -> list[dict]:
        """Every answer the learner gave, oldest first, as xAPI statements."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            learner = session.get(UserRow, learner_id)
            rows = list(
                session.execute(
                    select(AnswerRow, AttemptRow.quiz_id, AttemptRow.started_at, QuestionSnapshotRow.content)
                    .join(AttemptRow, AttemptRow.id == AnswerRow.attempt_id)
                    .join(QuestionSnapshotRow, QuestionSnapshotRow.content_hash == AnswerRow.question_hash)
                    .where(AnswerRow.user_id == learner_id)
                    .order_by(AnswerRow.answered_at, AnswerRow.id)
                )
            )
        actor_json = {
            "objectType": "Agent",
            "name": learner.display_name,
            "account": {"homePage": self.site_url, "name": learner.username},
        }
        previous: dict[str, datetime] = {}
        statements = []
        for answer, quiz_id, started_at, content in rows:
            question = QUESTION_ADAPTER.validate_python(content)
            since = previous.get(answer.attempt_id, started_at)
            previous[answer.attempt_id] = answer.answered_at
            grade = answer.grade
            definition = {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": INTERACTION[question.type],  # type: ignore[attr-defined]
                "name": {"en-US": question.prompt[:200]},
                "correctResponsesPattern": _correct_pattern(question),
            }
            if question.type in ("single_choice", "multiple_response"):  # type: ignore[attr-defined]
                definition["choices"] = [{"id": o.id, "description": {"en-US": o.text}} for o in question.options]  # type: ignore[attr-defined]
            statements.append(
                {
                    "id": str(uuid.uuid5(XAPI_NAMESPACE, f"{answer.attempt_id}/{answer.id}")),
                    "actor": actor_json,
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
                    "object": {"objectType": "Activity", "id": f"{self.site_url}/questions/{question.id}", "definition": definition},
                    "result": {
                        "score": {"scaled": answer.score, "raw": grade["points"], "min": 0, "max": grade["max_points"]},
                        "success": answer.correct,
                        "response": xapi_response(question, answer.response),
                        "duration": iso_duration(answer.answered_at - since),
                    },
                    "context": {
                        "contextActivities": {"parent": [{"id": f"{self.site_url}/quizzes/{quiz_id}", "objectType": "Activity"}]},
                        "extensions": {
                            f"{self.site_url}/xapi/attempt": answer.attempt_id,
                            f"{self.site_url}/xapi/question-version": answer.question_version,
                            f"{self.site_url}/xapi/revision": answer.revision,
                        },
                    },
                    "timestamp": _iso(answer.answered_at),
                }
            )
        return statements
