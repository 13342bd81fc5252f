"""xAPI statements: a learner's answers as "answered" statements, pure (no database, no clock).

The store reads the answers and hands them here as :class:`AnswerRecord` rows, oldest first;
:func:`statements` turns them into xAPI statements (actor, verb, object with its interaction
type, result with score, success, response and duration, context, timestamp). What is particular
to a question type, its ``interactionType``, ``correctResponsesPattern``, interaction components
and response string, comes from the question and response classes in :mod:`learning.questions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from learning.questions import RESPONSE_ADAPTER, QuestionBase

NAMESPACE = uuid.UUID("8c2f6a9e-3f57-4b8e-9a57-5d1f4c1e7b21")
"""Statement ids are UUID 5 in this namespace, so exporting twice gives the same ids."""
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
INTERACTION_ACTIVITY = "http://adlnet.gov/expapi/activities/cmi.interaction"
INTERACTION_TYPES = frozenset(
    {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other"}
)
"""The ``interactionType`` values the xAPI specification allows; each question class names one."""
NAME_LENGTH = 200
"""An activity's name is the question's prompt, cut to this many characters."""


@dataclass(frozen=True, kw_only=True)
class AnswerRecord:
    """One stored answer with what its statement needs, as the store reads it."""

    answer_id: int
    attempt_id: str
    quiz_id: str
    attempt_started_at: datetime
    question: QuestionBase
    """The question as the learner saw it (its snapshot)."""
    question_version: int
    revision: int
    response: Mapping[str, Any]
    """The stored response JSON."""
    score: float
    correct: bool
    points: float
    max_points: float
    answered_at: datetime


def iso_duration(delta: timedelta) -> str:
    """An ISO 8601 duration in seconds (``PT40S``, ``PT2.50S``); a negative span counts as zero."""
    seconds = max(0.0, delta.total_seconds())
    return f"PT{seconds:.2f}S".replace(".00S", "S")


def timestamp(moment: datetime) -> str:
    """An ISO 8601 time, UTC written as ``Z`` (``2026-03-02T09:30:40Z``)."""
    return moment.isoformat().replace("+00:00", "Z")


def actor(*, name: str, username: str, site_url: str) -> dict[str, Any]:
    """The learner as an xAPI agent identified by their account on this site."""
    return {"objectType": "Agent", "name": name, "account": {"homePage": site_url, "name": username}}


def definition(question: QuestionBase) -> dict[str, Any]:
    """The question as an xAPI interaction activity definition."""
    return {
        "type": INTERACTION_ACTIVITY,
        "interactionType": question.XAPI_INTERACTION,
        "name": {"en-US": question.prompt[:NAME_LENGTH]},
        "correctResponsesPattern": question.xapi_correct_responses(),
        **question.xapi_components(),
    }


def response_text(question: QuestionBase, response: Mapping[str, Any]) -> str:
    """A stored response (JSON, its ``type`` optional) in xAPI's response format for the question's interaction type."""
    return RESPONSE_ADAPTER.validate_python({"type": question.type, **response}).xapi()


def statement(record: AnswerRecord, *, agent: dict[str, Any], since: datetime, site_url: str) -> dict[str, Any]:
    """One answer as an xAPI statement; ``since`` is when the learner started on it."""
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"{record.attempt_id}/{record.answer_id}")),
        "actor": agent,
        "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": f"{site_url}/questions/{record.question.id}", "definition": definition(record.question)},
        "result": {
            "score": {"scaled": record.score, "raw": record.points, "min": 0, "max": record.max_points},
            "success": record.correct,
            "response": response_text(record.question, record.response),
            "duration": iso_duration(record.answered_at - since),
        },
        "context": {
            "contextActivities": {"parent": [{"id": f"{site_url}/quizzes/{record.quiz_id}", "objectType": "Activity"}]},
            "extensions": {
                f"{site_url}/xapi/attempt": record.attempt_id,
                f"{site_url}/xapi/question-version": record.question_version,
                f"{site_url}/xapi/revision": record.revision,
            },
        },
        "timestamp": timestamp(record.answered_at),
    }


def statements(records: Iterable[AnswerRecord], *, agent: dict[str, Any], site_url: str) -> list[dict[str, Any]]:
    """Every answer as a statement, in the order given (oldest first).

    An answer's duration runs from the learner's previous answer in the same attempt, or from
    the start of the attempt for its first answer.
    """
    previous: dict[str, datetime] = {}
    result = []
    for record in records:
        since = previous.get(record.attempt_id, record.attempt_started_at)
        previous[record.attempt_id] = record.answered_at
        result.append(statement(record, agent=agent, since=since, site_url=site_url))
    return result
