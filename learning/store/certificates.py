"""Certificates of completion: issuing one to a learner who has earned it, the public lookup by
verification code, and the instructors' list and revocation.

The rules are their owners': every lesson read and a final exam passed, :func:`learning.certificate.eligible`
(which asks :func:`learning.quiz.read_every_lesson`), with "passed" from
:func:`learning.store.attempts.standing_of` and "read" from the lessons the learner marked as read;
time on task from :func:`learning.store.progress.time_studied`. A learner has at most one
certificate: issuing again returns the one they have, with the same code. What it prints is
frozen when it is issued, from the first passing attempt (its day and score).

The public lookup (:meth:`Certificates.verify`) counts every code looked up against the client's
address *before* it looks, under a row lock (:mod:`learning.store.throttles`), so nobody can try
codes faster than the ``verify`` rule of :class:`~learning.throttle.Limits` allows; it says only
what :class:`~learning.certificate.Verification` holds. Only an instructor of a class the learner
is in may list or revoke their certificate, checked here against the database; a revocation is
written with its audit log entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learning.certificate import (
    Certificate,
    UnitObjectives,
    Verification,
    eligible,
    new_code,
    normal_code,
    objectives_by_unit,
    shown_code,
)
from learning.course import Course
from learning.errors import AccessDenied, CertificateError, LearningError
from learning.quiz import AttemptStatus
from learning.store import audit
from learning.store.accounts import Accounts, User, _too_many, require_self
from learning.store.attempts import COUNTED, Attempts, standing_of
from learning.store.audit import Action
from learning.store.database import Database
from learning.store.progress import time_studied
from learning.store.tables import AttemptRow, CertificateRow, MembershipRow, UserRow
from learning.store.throttles import Key, Scope
from learning.wording import join

__all__ = ["Certificates", "ClassCertificate", "Eligibility"]

NOT_YET = "a certificate comes once you have read every lesson and passed the final exam"


class Eligibility(BaseModel):
    """Where a learner stands towards a certificate."""

    model_config = ConfigDict(frozen=True)

    lessons_read: int
    lessons_total: int
    passed_final: bool
    eligible: bool


class ClassCertificate(BaseModel):
    """A certificate issued to a learner of a class, as the instructor's list shows it."""

    model_config = ConfigDict(frozen=True)

    learner_id: int
    learner: str
    username: str
    code: str
    certificate: Certificate

    @property
    def status(self) -> str:
        return "revoked" if self.certificate.revoked else "valid"


class _Passing(BaseModel):
    attempt_id: str
    submitted_at: datetime
    score: float


def certificate_of(row: CertificateRow) -> Certificate:
    return Certificate(
        code=row.code,
        learner_id=row.user_id,
        learner_name=row.learner_name,
        course_title=row.course_title,
        passed_on=row.passed_on,
        score=row.score,
        minutes_studied=row.minutes_studied,
        objectives=[UnitObjectives.model_validate(u) for u in row.objectives],
        issued_at=row.issued_at,
        revoked_at=row.revoked_at,
        revoked_reason=row.revoked_reason,
    )


class Certificates:
    """Issuing, looking up and revoking certificates of completion."""

    def __init__(self, database: Database, accounts: Accounts, attempts: Attempts, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.attempts = attempts
        self.course = course

    # --- the learner ----------------------------------------------------------------------

    def _passing(self, session: Session, learner_id: int) -> _Passing | None:
        """The learner's first passing attempt at a final exam that counts (None: none passed)."""
        course = self.course()
        finals = course.final_exam_ids()
        if not finals:
            return None
        rows = session.execute(
            select(AttemptRow.id, AttemptRow.quiz_id, AttemptRow.status, AttemptRow.score, AttemptRow.passed, AttemptRow.submitted_at)
            .where(AttemptRow.user_id == learner_id, AttemptRow.quiz_id.in_(finals), COUNTED)
            .order_by(AttemptRow.started_at)
        ).all()
        passing = []
        for quiz_id in sorted(finals):
            spec = course.quiz(quiz_id)
            mine = [r for r in rows if r.quiz_id == quiz_id]
            if spec is None or not standing_of(spec, mine, used=len(mine), allowed=spec.attempts_allowed).passed:
                continue
            passing += [r for r in mine if r.passed and r.status == AttemptStatus.SUBMITTED.value and r.submitted_at is not None]
        if not passing:
            return None
        first = min(passing, key=lambda r: r.submitted_at)
        return _Passing(attempt_id=first.id, submitted_at=first.submitted_at, score=first.score or 0.0)

    def _eligibility(self, session: Session, learner_id: int) -> tuple[Eligibility, _Passing | None]:
        lessons = self.course().required_reading
        read = self.attempts._lessons_read(session, learner_id)  # the lessons marked as read: the store's one query for them
        passing = self._passing(session, learner_id)
        return (
            Eligibility(
                lessons_read=len(read & lessons),
                lessons_total=len(lessons),
                passed_final=passing is not None,
                eligible=eligible(lessons=lessons, read=read, passed_final=passing is not None),
            ),
            passing,
        )

    def eligibility(self, actor: User, learner_id: int) -> Eligibility:
        """How far the learner is from a certificate: lessons read of the course's, and whether
        they passed a final exam (the learner and their instructors may ask)."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            return self._eligibility(session, learner_id)[0]

    def get(self, actor: User, learner_id: int) -> Certificate | None:
        """The learner's certificate, valid or revoked (None: none issued)."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            row = session.scalar(select(CertificateRow).where(CertificateRow.user_id == learner_id))
            return certificate_of(row) if row is not None else None

    def issue(self, actor: User, *, now: datetime, zone: tzinfo = UTC) -> Certificate:
        """The learner's certificate: the one they have (the same code every time, revoked or
        not), or a new one when they have earned it.

        Args:
            actor: the learner (only a learner is issued their own certificate).
            now: the time of issue.
            zone: the learner's time zone, for the day they passed.

        Raises:
            CertificateError: ``not_eligible`` until every lesson is read and a final exam passed.
            AccessDenied: the account is disabled, or an instructor's.
        """
        require_self(actor, actor.id)
        if actor.is_instructor:
            raise AccessDenied("certificates of completion are for learners")
        course = self.course()
        covered = [u.model_dump() for u in objectives_by_unit(course)]
        title = (course.syllabus.title if course.syllabus else None) or join([u.title for u in course.units]) or "The course"

        def work(session: Session) -> Certificate | LearningError:
            # The learner's row stays locked to the end: two tabs asking at once get one certificate.
            self.accounts.require_writer(actor, actor.id, session=session, lock=True)
            row = session.scalar(select(CertificateRow).where(CertificateRow.user_id == actor.id))
            if row is not None:
                return certificate_of(row)
            standing, passing = self._eligibility(session, actor.id)
            if not standing.eligible or passing is None:
                return CertificateError(NOT_YET, reason="not_eligible")
            name = session.get_one(UserRow, actor.id).display_name
            code = new_code()
            while session.scalar(select(CertificateRow.id).where(CertificateRow.code == code)) is not None:
                code = new_code()  # 100 random bits: never in practice, but a code names one certificate
            row = CertificateRow(
                user_id=actor.id,
                code=code,
                attempt_id=passing.attempt_id,
                learner_name=name,
                course_title=title[:200],
                passed_on=passing.submitted_at.astimezone(zone).date(),
                score=passing.score,
                minutes_studied=int(time_studied(session, actor.id).total_seconds() // 60),
                objectives=covered,
                issued_at=now,
                revoked_at=None,
                revoked_reason="",
            )
            session.add(row)
            session.flush()
            return certificate_of(row)

        try:
            issued = self.db.run_write(work)
        except IntegrityError:  # issued meanwhile by another server: read the one that won
            found = self.get(actor, actor.id)
            if found is None:
                raise
            return found
        if isinstance(issued, LearningError):
            raise issued
        return issued

    # --- the public -----------------------------------------------------------------------

    def verify(self, code: str, *, client: str, now: datetime) -> Verification:
        """What the public may know of a certificate by its code: name, course, date and score
        when it is valid; only that it is revoked, or that no certificate has the code.

        Every lookup counts against ``client`` (the address it came from) before the code is
        looked up, found or not.

        Raises:
            TooManyTries: too many codes looked up from this address lately; nothing was looked up.
        """
        key = Key(Scope.VERIFY, client)
        wanted = normal_code(code)
        rule = self.accounts.limits.verify

        def work(session: Session) -> Verification | LearningError:
            locked = self.accounts.throttles.lock(session, [key], now=now)
            wait = rule.wait(locked.counts[key].tries, locked.counts[key].last, now)
            if wait:
                return _too_many("verify", wait)
            locked.count_try()
            row = session.scalar(select(CertificateRow).where(CertificateRow.code == wanted)) if wanted else None
            return Verification.of(certificate_of(row) if row is not None else None)

        found = self.db.run_write(work)
        if isinstance(found, LearningError):
            raise found
        return found

    # --- instructors ----------------------------------------------------------------------

    def for_class(self, actor: User, cohort_id: int) -> list[ClassCertificate]:
        """The certificates issued to a class's learners, newest first (the class's instructors only).

        Raises:
            AccessDenied: the actor does not teach the class.
        """
        with self.db.read() as session:
            self.accounts.require_teacher(actor, cohort_id, session=session)
            rows = session.execute(
                select(CertificateRow, UserRow.display_name, UserRow.username)
                .join(UserRow, UserRow.id == CertificateRow.user_id)
                .join(MembershipRow, MembershipRow.user_id == CertificateRow.user_id)
                .where(MembershipRow.cohort_id == cohort_id)
                .order_by(CertificateRow.issued_at.desc(), CertificateRow.id.desc())
            ).all()
            return [
                ClassCertificate(
                    learner_id=row.user_id, learner=name, username=username, code=shown_code(row.code), certificate=certificate_of(row)
                )
                for row, name, username in rows
            ]

    def revoke(self, actor: User, cohort_id: int, learner_id: int, *, reason: str, now: datetime) -> Certificate:
        """Revoke a learner's certificate, with a reason kept in the audit log: the verification
        page then says it is revoked (never why).

        Raises:
            AccessDenied: the actor does not teach the learner in that class.
            AccountError: no reason given.
            CertificateError: ``none`` when the learner has no certificate, ``revoked`` when it is revoked already.
        """
        why = audit.required_reason(reason)

        def work(session: Session) -> Certificate | LearningError:
            self.accounts.require_teaches_learner(actor, learner_id, session=session, cohort_id=cohort_id)
            row = self.db.for_update(session, select(CertificateRow).where(CertificateRow.user_id == learner_id))
            if row is None:
                return CertificateError("this learner has no certificate", reason="none")
            if row.revoked_at is not None:
                return CertificateError("this certificate is revoked already", reason="revoked")
            row.revoked_at = now
            row.revoked_reason = why
            row.revoked_by = actor.id
            audit.record(
                session,
                actor.id,
                Action.CERTIFICATE_REVOKED,
                now=now,
                cohort_id=cohort_id,
                learner_id=learner_id,
                subject=shown_code(row.code),
                reason=why,
            )
            return certificate_of(row)

        revoked = self.db.run_write(work)
        if isinstance(revoked, LearningError):
            raise revoked
        return revoked
