"""The database tables of the learner records (SQLAlchemy 2 declarative models).

Every time is stored as UTC and read back timezone-aware, on SQLite and PostgreSQL alike.
Changing a table means adding an Alembic migration in ``migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NotRequired, TypedDict

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JsonObject = dict[str, Any]
"""A JSON column holding an object: a pydantic model's ``model_dump(mode="json")``."""


class DrawnRow(TypedDict):
    """One drawn question of an attempt, as stored: :class:`learning.quiz.DrawnQuestion` plus the
    hash of the snapshot shown."""

    id: str
    version: int
    points: float
    critical: bool
    objectives: list[str]
    option_order: list[str]
    item_order: list[str]
    reason: NotRequired[str]
    hash: str


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone, so we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes stored must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    exam_date: Mapped[date | None] = mapped_column(Date)
    exam_date_set_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when the study plan to it starts
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CohortRow(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    exam_date: Mapped[date | None] = mapped_column(Date)
    exam_date_set_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when its learners' study plans start
    enrolment_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class CoInstructorRow(Base):
    """Another instructor who teaches a class with its owner: they see and act on it alike."""

    __tablename__ = "cohort_instructors"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MembershipRow(Base):
    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QuestionSnapshotRow(Base):
    """A question exactly as it was shown, once per distinct content (keyed by its hash)."""

    __tablename__ = "question_snapshots"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[JsonObject] = mapped_column(JSON)


class AttemptRow(Base):
    __tablename__ = "attempts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quiz_id: Mapped[str] = mapped_column(String(80))
    spec: Mapped[JsonObject] = mapped_column(JSON)
    seed: Mapped[str] = mapped_column(String(64))
    feedback_mode: Mapped[str] = mapped_column(String(16))
    drawn: Mapped[list[DrawnRow]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[JsonObject | None] = mapped_column(JSON)
    flagged: Mapped[list[str]] = mapped_column(JSON, default=list)
    voided: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """An instructor voided it: it no longer counts for the score, the attempts used or mastery."""

    __table_args__ = (Index("ix_attempts_user_quiz", "user_id", "quiz_id"),)


class AttemptGrantRow(Base):
    """One extra attempt at a quiz, granted to one learner by an instructor."""

    __tablename__ = "attempt_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(80))
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_attempt_grants_user_quiz", "user_id", "quiz_id"),)


class PasswordResetRow(Base):
    """A one-time password reset code an instructor gave a learner: stored hashed, it expires,
    works once, and dies after a few wrong tries."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_tries: Mapped[int] = mapped_column(Integer, default=0)


class ThrottleRow(Base):
    """How many tries were counted against one key (a username, a client address, both) and when
    the last was: what :mod:`learning.throttle` needs to say how long the next try waits.

    The key is stored only as a SHA-256 digest of its kind and value, so usernames and addresses
    typed by anyone take a fixed room. Rows unused for a day are deleted as new tries come in.
    """

    __tablename__ = "throttles"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    tries: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SessionRow(Base):
    """A browser signed in: the account, when it signed in and was last seen, when the session ends
    at the latest, and the browser's user agent (to list a person's devices).

    The session id itself is never stored: only its SHA-256 digest, so a copy of the table signs
    nobody in. A session also ends after a time without use (see :class:`learning.store.sessions.SessionRules`).
    """

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    persistent: Mapped[bool] = mapped_column(Boolean)
    """"Keep me signed in": the cookie outlives the browser (up to ``expires_at``)."""
    user_agent: Mapped[str | None] = mapped_column(String(255))


class SessionHandoffRow(Base):
    """A one-time token that hands a new session from the app's run to the browser's cookie.

    Found by the token's digest; it carries the session id sealed with a key only the token gives
    (so the table alone yields no session id), expires within a minute and is deleted when used.
    """

    __tablename__ = "session_handoffs"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_hash: Mapped[str] = mapped_column(ForeignKey("sessions.id_hash", ondelete="CASCADE"), index=True)
    sealed_id: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AuditRow(Base):
    """One thing an instructor did to a class or a learner's records: who, what, when and why.

    The app only ever adds rows here. ``actor_label`` keeps the instructor's name as it was, so
    the entry still reads right if the account is renamed or gone.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[JsonObject] = mapped_column(JSON, default=dict)


class CertificateRow(Base):
    """A learner's certificate of completion, as it was issued: what it prints, frozen at issue,
    and its verification code. One per learner. Revoked, it stays, with when, why and by whom.

    ``code`` is the verification code without its dashes (20 characters of a 32-letter alphabet,
    100 random bits); its unique index is what a lookup by code uses.
    """

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    attempt_id: Mapped[str | None] = mapped_column(ForeignKey("attempts.id", ondelete="SET NULL"))
    learner_name: Mapped[str] = mapped_column(String(120))
    course_title: Mapped[str] = mapped_column(String(200))
    passed_on: Mapped[date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)
    minutes_studied: Mapped[int] = mapped_column(Integer)
    objectives: Mapped[list[JsonObject]] = mapped_column(JSON)
    """The objectives covered, by unit: ``[{"unit": title, "objectives": [text, ...]}, ...]``."""
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class AnswerRow(Base):
    """One submitted answer. An exam answer changed later gets a new revision; the last is current."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question_id: Mapped[str] = mapped_column(String(80))
    question_version: Mapped[int] = mapped_column(Integer)
    question_hash: Mapped[str] = mapped_column(ForeignKey("question_snapshots.content_hash"))
    objectives: Mapped[list[str]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    response: Mapped[JsonObject] = mapped_column(JSON)
    grade: Mapped[JsonObject] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    correct: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[str | None] = mapped_column(String(8))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", "revision", name="uq_answers_attempt_question_revision"),
        Index("ix_answers_user_answered", "user_id", "answered_at"),
    )


class QuestionHistoryRow(Base):
    """One saved version of a question: its whole content, who saved it, when and why.

    ``author_id`` is the instructor who saved it in the app (None for the command line or when
    the account is gone); ``author_label`` is the name to show then ("command line", or the
    author's display name at the time).
    """

    __tablename__ = "question_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[JsonObject] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(120))
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (Index("ix_question_history_question_version", "question_id", "version"),)


class LessonProgressRow(Base):
    __tablename__ = "lesson_progress"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReviewCardRow(Base):
    """A spaced-review card (FSRS) for one learner and one question."""

    __tablename__ = "review_cards"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    card: Mapped[JsonObject] = mapped_column(JSON)
    due: Mapped[datetime] = mapped_column(UtcDateTime)
    reviews: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_review_cards_user_due", "user_id", "due"),)


class ReviewLogRow(Base):
    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="SET NULL"), unique=True)
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    log: Mapped[JsonObject] = mapped_column(JSON)


class LtiPlatformRow(Base):
    """An LMS registered to launch the app over LTI 1.3: its issuer, the client id it gave the
    app, and where its sign-in, token and key set endpoints are."""

    __tablename__ = "lti_platforms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120), default="")
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    token_url: Mapped[str] = mapped_column(String(1000))
    keyset_url: Mapped[str] = mapped_column(String(1000))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),)


class LtiDeploymentRow(Base):
    """One deployment of the app on a platform (a platform may deploy it several times)."""

    __tablename__ = "lti_deployments"

    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True)
    deployment_id: Mapped[str] = mapped_column(String(255), primary_key=True)


class LtiLaunchStateRow(Base):
    """One sign-in started by a platform: the state (kept only as its SHA-256) and the nonce the
    platform must sign back. A launch uses it once (``used_at``); that is what makes a replayed
    launch fail."""

    __tablename__ = "lti_launch_states"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    login: Mapped[JsonObject] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LtiUserRow(Base):
    """A person of a platform (its ``sub``, the subject id) and the account they use here."""

    __tablename__ = "lti_users"

    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LtiContextRow(Base):
    """A course of a platform (an LTI context) and the class it is here (None until an
    instructor launches from it), with its roster service's address."""

    __tablename__ = "lti_contexts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    memberships_url: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (UniqueConstraint("platform_id", "context_id", name="uq_lti_contexts_platform_context"),)


class LtiContextLearnerRow(Base):
    """A learner launched from a course before it had a class: they join the class when it is made."""

    __tablename__ = "lti_context_learners"

    context_row_id: Mapped[int] = mapped_column(ForeignKey("lti_contexts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class LtiResourceLinkRow(Base):
    """A link placed in a platform's course, and the quiz or lesson it opens here."""

    __tablename__ = "lti_resource_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_row_id: Mapped[int | None] = mapped_column(ForeignKey("lti_contexts.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(255), default="")
    quiz_id: Mapped[str | None] = mapped_column(String(80))
    lesson_id: Mapped[str | None] = mapped_column(String(80))

    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id", name="uq_lti_resource_links_platform_link"),)


class LtiLineItemRow(Base):
    """A column of a platform's gradebook (an AGS line item) that a quiz's counted score goes to."""

    __tablename__ = "lti_line_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(1000))
    quiz_id: Mapped[str] = mapped_column(String(80), index=True)
    resource_link_row_id: Mapped[int | None] = mapped_column(ForeignKey("lti_resource_links.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("platform_id", "url", name="uq_lti_line_items_platform_url"),)


class LtiLineItemLearnerRow(Base):
    """A learner who launched a quiz from a line item's link: their scores at that quiz go there."""

    __tablename__ = "lti_line_item_learners"

    line_item_id: Mapped[int] = mapped_column(ForeignKey("lti_line_items.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    subject: Mapped[str] = mapped_column(String(255))


class LtiScoreRow(Base):
    """A score waiting to be posted to a platform's gradebook, or posted.

    ``state`` moves one way: ``pending`` (``next_try_at`` says when), ``sending`` (one sender
    claimed it at ``claimed_at``), then ``sent`` or ``failed`` (the platform refused it for good).
    A row is claimed by an update that only succeeds while it is pending, so two senders never
    post the same row.
    """

    __tablename__ = "lti_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_item_id: Mapped[int] = mapped_column(ForeignKey("lti_line_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(80))
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16))
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (Index("ix_lti_scores_state_next", "state", "next_try_at"),)


__all__ = [
    "AnswerRow",
    "AttemptGrantRow",
    "AttemptRow",
    "AuditRow",
    "Base",
    "CertificateRow",
    "CoInstructorRow",
    "CohortRow",
    "LessonProgressRow",
    "LtiContextLearnerRow",
    "LtiContextRow",
    "LtiDeploymentRow",
    "LtiLaunchStateRow",
    "LtiLineItemLearnerRow",
    "LtiLineItemRow",
    "LtiPlatformRow",
    "LtiResourceLinkRow",
    "LtiScoreRow",
    "LtiUserRow",
    "MembershipRow",
    "PasswordResetRow",
    "QuestionHistoryRow",
    "QuestionSnapshotRow",
    "ReviewCardRow",
    "ReviewLogRow",
    "ThrottleRow",
    "UserRow",
]
