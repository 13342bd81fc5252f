"""The audit log: what instructors did to a class or a learner's records, who, when and why.

Every instructor action (an extra attempt, a voided or reopened attempt, an exam date, a learner
removed, an enrolment code rotated, enrolment closed or opened, a co-instructor added, a password
reset code given, a certificate revoked) writes its entry with :func:`record`, inside the same transaction as the change,
so there is never a change without its entry nor an entry without its change. The app only adds
entries: nothing here or elsewhere updates or deletes one.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from learning.errors import AccountError
from learning.store.tables import AuditRow, UserRow

MAX_REASON = 500


class Action(enum.StrEnum):
    CLASS_CREATED = "class created"
    EXTRA_ATTEMPT = "extra attempt granted"
    ATTEMPT_VOIDED = "attempt voided"
    ATTEMPT_REOPENED = "attempt reopened"
    EXAM_DATE = "class exam date set"
    LEARNER_REMOVED = "learner removed"
    CODE_ROTATED = "enrolment code rotated"
    ENROLMENT_CLOSED = "enrolment closed"
    ENROLMENT_OPENED = "enrolment opened"
    CO_INSTRUCTOR_ADDED = "co-instructor added"
    RESET_CODE = "password reset code given"
    CERTIFICATE_REVOKED = "certificate revoked"


class AuditEntry(BaseModel):
    """One line of the audit log as the classes page shows it."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    actor: str
    action: Action
    cohort_id: int | None
    learner_id: int | None
    learner: str | None
    subject: str
    reason: str
    details: dict[str, Any]


def required_reason(reason: str) -> str:
    """The reason an instructor gave for an action, in one line, at most :data:`MAX_REASON` characters.

    Raises:
        AccountError: no reason given.
    """
    why = " ".join(reason.split())
    if not why:
        raise AccountError("say why, in a few words: the reason is kept in the audit log")
    return why[:MAX_REASON]


def record(
    session: Session,
    actor_id: int,
    action: Action,
    *,
    now: datetime,
    cohort_id: int | None = None,
    learner_id: int | None = None,
    subject: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Add an entry inside the caller's transaction (it commits or fails with the change)."""
    actor = session.get_one(UserRow, actor_id)
    session.add(
        AuditRow(
            at=now,
            actor_id=actor_id,
            actor_label=actor.display_name,
            action=action.value,
            cohort_id=cohort_id,
            learner_id=learner_id,
            subject=subject[:120],
            reason=reason.strip()[:MAX_REASON],
            details=details or {},
        )
    )
