"""What an instructor sees and does in the classes they teach: the roster and gradebook, and the
actions on a class or a learner, each written with its audit log entry.

Every call checks, against the database, that the actor is an active instructor who teaches the
class (its owner or a co-instructor) and, for a learner, that the learner is in that class. The
roster is read with a fixed number of queries whatever the size of the class (aggregated in SQL,
never one query per learner); the rules it applies belong to their own owners: the score that
counts to :func:`learning.store.attempts.standing_of`, attempts allowed to
:meth:`learning.quiz.QuizSpec.attempts_allowed_for`, mastery to :mod:`learning.mastery`, reviews
due to :meth:`learning.store.review.Review.due_cards` and the status to :mod:`learning.gradebook`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from learning.course import Course
from learning.errors import AccessDenied, AccountError, AttemptError
from learning.gradebook import QuizCell, QuizColumn, RosterRow, class_status, gradebook_csv
from learning.mastery import lesson_mastery, objective_mastery
from learning.quiz import AttemptStatus, QuizKind, QuizSpec, Window
from learning.store import audit
from learning.store.accounts import Accounts, Cohort, Role, User, cohort_of, normalise_username, unused_code, user_of
from learning.store.attempts import COUNTED, Attempts, standing_of
from learning.store.audit import Action, AuditEntry
from learning.store.database import Database
from learning.store.progress import counted_answers
from learning.store.review import Review
from learning.store.tables import (
    AnswerRow,
    AttemptGrantRow,
    AttemptRow,
    AuditRow,
    CoInstructorRow,
    LessonProgressRow,
    MembershipRow,
    UserRow,
)

__all__ = ["Classes", "Roster"]


class Roster(BaseModel):
    """A class's roster and gradebook: its quizzes and units as columns, one row per learner."""

    model_config = ConfigDict(frozen=True)

    cohort: Cohort
    units: list[tuple[str, str]]
    quizzes: list[QuizColumn]
    lessons_total: int
    rows: list[RosterRow]

    def csv(self) -> str:
        """The gradebook as CSV, safe to open in a spreadsheet."""
        return gradebook_csv(self.rows, self.quizzes, self.units)


def class_quizzes(course: Course, cohort_id: int) -> list[QuizSpec]:
    """The quizzes a class's gradebook has a column for: every quiz (not lesson checks nor
    reviews) set for everyone or for this class, in the course's order."""
    return [q for q in course.quizzes if q.kind.counts_as_a_quiz and q.visible_to({cohort_id})]


class Classes:
    """Rosters, gradebooks and instructors' actions on their classes."""

    def __init__(self, database: Database, accounts: Accounts, attempts: Attempts, review: Review, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.attempts = attempts
        self.review = review
        self.course = course

    # --- reading ------------------------------------------------------------------------

    def roster(self, actor: User, cohort_id: int, *, now: datetime) -> Roster:
        """Every learner of the class with last active, lessons read, mastery by unit, reviews
        due, each quiz's counted score and attempts, the final exam's result and a status.

        Raises:
            AccessDenied: the actor does not teach the class.
        """
        course = self.course()
        quizzes = class_quizzes(course, cohort_id)
        specs = {q.id: q for q in quizzes}
        with self.db.read() as session:
            cohort_row = self.accounts.require_teacher(actor, cohort_id, session=session)
            members = select(MembershipRow.user_id).where(MembershipRow.cohort_id == cohort_id)
            learners = session.execute(
                select(UserRow.id, UserRow.username, UserRow.display_name)
                .join(MembershipRow, MembershipRow.user_id == UserRow.id)
                .where(MembershipRow.cohort_id == cohort_id, UserRow.role == Role.LEARNER.value)
                .order_by(UserRow.display_name, UserRow.id)
            ).all()
            cohort = cohort_of(cohort_row, len(learners))
            ids = [r.id for r in learners]
            lessons = {
                r.user_id: r
                for r in session.execute(
                    select(
                        LessonProgressRow.user_id,
                        func.count(LessonProgressRow.completed_at).label("read"),
                        func.max(LessonProgressRow.opened_at).label("opened"),
                        func.max(LessonProgressRow.completed_at).label("completed"),
                    )
                    .where(LessonProgressRow.user_id.in_(members))
                    .group_by(LessonProgressRow.user_id)
                )
            }
            last_answer = select(AnswerRow.user_id, func.max(AnswerRow.answered_at)).where(AnswerRow.user_id.in_(members))
            answered = dict(session.execute(last_answer.group_by(AnswerRow.user_id)).all())
            last_attempt = select(AttemptRow.user_id, func.max(AttemptRow.started_at), func.max(AttemptRow.submitted_at))
            attempted = {
                u: (a, b) for u, a, b in session.execute(last_attempt.where(AttemptRow.user_id.in_(members)).group_by(AttemptRow.user_id))
            }
            attempts: dict[tuple[int, str], list[Any]] = defaultdict(list)
            if specs:
                for row in session.execute(
                    select(AttemptRow.user_id, AttemptRow.quiz_id, AttemptRow.id, AttemptRow.status, AttemptRow.score, AttemptRow.passed)
                    .where(AttemptRow.user_id.in_(members), AttemptRow.quiz_id.in_(list(specs)), COUNTED)
                    .order_by(AttemptRow.started_at, AttemptRow.id)
                ):
                    attempts[(row.user_id, row.quiz_id)].append(row)
            grants = {
                (user_id, quiz_id): n
                for user_id, quiz_id, n in session.execute(
                    select(AttemptGrantRow.user_id, AttemptGrantRow.quiz_id, func.count())
                    .where(AttemptGrantRow.user_id.in_(members))
                    .group_by(AttemptGrantRow.user_id, AttemptGrantRow.quiz_id)
                )
            }
            counted = counted_answers(session, ids) if ids else []
            due = self.review.due_cards(session, ids, now=now) if ids else {}

        objective_ids = [o.id for o in course.syllabus.objectives] if course.syllabus else []
        unit_objectives = {
            unit.id: list(dict.fromkeys(o for lesson in course.lessons_in(unit.id) for o in lesson.objectives)) for unit in course.units
        }
        scored: dict[int, list[tuple[Sequence[str], float]]] = defaultdict(list)
        for user_id, _question, objectives, score in counted:
            scored[user_id].append((objectives, score))
        finals = [q.id for q in quizzes if q.kind is QuizKind.FINAL_EXAM]
        rows = []
        for learner in learners:
            by_objective = {m.objective: m for m in objective_mastery(scored.get(learner.id, []), objective_ids)}
            mastery = {unit: lesson_mastery([by_objective[o] for o in of if o in by_objective]) for unit, of in unit_objectives.items()}
            cells: dict[str, QuizCell] = {}
            missed, failed = [], []
            for spec in quizzes:
                taken = attempts.get((learner.id, spec.id), [])
                allowed = spec.attempts_allowed_for(extra=grants.get((learner.id, spec.id), 0))
                standing = standing_of(spec, taken, used=len(taken), allowed=allowed)
                cells[spec.id] = QuizCell.model_construct(
                    counted=standing.counted, attempts_used=standing.attempts_used, attempts_allowed=allowed, passed=standing.passed
                )
                if standing.counted is None and standing.in_progress is None and spec.window(now) is Window.CLOSED:
                    missed.append(spec.title)
                elif standing.attempts_left == 0 and not standing.passed and standing.in_progress is None:
                    failed.append(spec.title)
            progress = lessons.get(learner.id)
            moments = [m for m in (answered.get(learner.id), *attempted.get(learner.id, ())) if m is not None]
            if progress is not None:
                moments += [m for m in (progress.opened, progress.completed) if m is not None]
            last_active = max(moments) if moments else None
            read = progress.read if progress is not None else 0
            final = cells.get(finals[0]) if finals else None
            rows.append(
                RosterRow(
                    learner_id=learner.id,
                    username=learner.username,
                    display_name=learner.display_name,
                    last_active=last_active,
                    lessons_read=read,
                    mastery_by_unit=mastery,
                    reviews_due=len(due.get(learner.id, [])),
                    quizzes=cells,
                    final_exam=final,
                    standing=class_status(
                        now=now,
                        last_active=last_active,
                        final_passed=any(cells[f].passed for f in finals),
                        missed=missed,
                        failed=failed,
                        lessons_read=read,
                        lessons_total=len(course.lessons),
                        exam_date=cohort.exam_date,
                    ),
                )
            )
        return Roster(
            cohort=cohort,
            units=[(u.id, u.title) for u in course.units],
            quizzes=[QuizColumn(id=q.id, title=q.title, final=q.kind is QuizKind.FINAL_EXAM) for q in quizzes],
            lessons_total=len(course.lessons),
            rows=rows,
        )

    def learner(self, actor: User, cohort_id: int, learner_id: int) -> User:
        """A learner of a class the actor teaches.

        Raises:
            AccessDenied: the actor does not teach that class, or the learner is not in it.
        """
        with self.db.read() as session:
            self.accounts.require_teaches_learner(actor, learner_id, session=session, cohort_id=cohort_id)
            return user_of(session.get_one(UserRow, learner_id))

    def audit_log(self, actor: User, cohort_id: int, *, learner_id: int | None = None, limit: int = 500) -> list[AuditEntry]:
        """What the class's instructors did to it and its learners, newest first (``learner_id``: about one learner)."""
        with self.db.read() as session:
            self.accounts.require_teacher(actor, cohort_id, session=session)
            query = (
                select(AuditRow, UserRow.display_name)
                .outerjoin(UserRow, UserRow.id == AuditRow.learner_id)
                .where(AuditRow.cohort_id == cohort_id)
                .order_by(AuditRow.at.desc(), AuditRow.id.desc())
                .limit(limit)
            )
            if learner_id is not None:
                query = query.where(AuditRow.learner_id == learner_id)
            return [
                AuditEntry(
                    at=row.at,
                    actor=row.actor_label,
                    action=Action(row.action),
                    cohort_id=row.cohort_id,
                    learner_id=row.learner_id,
                    learner=name,
                    subject=row.subject,
                    reason=row.reason,
                    details=dict(row.details or {}),
                )
                for row, name in session.execute(query)
            ]

    def extra_attempts(self, actor: User, cohort_id: int, learner_id: int) -> dict[str, int]:
        """The extra attempts granted to a learner, by quiz id."""
        with self.db.read() as session:
            self.accounts.require_teaches_learner(actor, learner_id, session=session, cohort_id=cohort_id)
            rows = session.execute(
                select(AttemptGrantRow.quiz_id, func.count()).where(AttemptGrantRow.user_id == learner_id).group_by(AttemptGrantRow.quiz_id)
            )
            return {quiz_id: n for quiz_id, n in rows}

    # --- actions on a learner -----------------------------------------------------------

    def grant_attempt(self, actor: User, cohort_id: int, learner_id: int, quiz_id: str, *, reason: str, now: datetime) -> None:
        """Let a learner start one more attempt at a quiz than it allows.

        Raises:
            AccessDenied: the actor does not teach the learner in that class.
            AttemptError: ``no_limit`` for a quiz without an attempt limit or not in the course.
            AccountError: no reason given.
        """
        spec = self.course().quiz(quiz_id)
        if spec is None or spec.attempts_allowed is None:
            raise AttemptError("that quiz has no limit on attempts, so there is nothing to grant", reason="no_limit")
        why = _reason(reason)

        def work(session: Session) -> None:
            self.accounts.require_teaches_learner(actor, learner_id, session=session, cohort_id=cohort_id)
            session.add(AttemptGrantRow(user_id=learner_id, quiz_id=quiz_id, granted_by=actor.id, granted_at=now))
            audit.record(
                session, actor.id, Action.EXTRA_ATTEMPT, now=now, cohort_id=cohort_id, learner_id=learner_id, subject=quiz_id, reason=why
            )

        self.db.run_write(work)

    def void_attempt(self, actor: User, cohort_id: int, attempt_id: str, *, reason: str, now: datetime) -> None:
        """Void an attempt: it no longer counts for the score, the attempts used or mastery (an
        attempt still open is submitted first, with the answers it has).

        Raises:
            AccessDenied: the attempt is not of a learner of a class the actor teaches.
            AttemptError: ``voided`` if it already is.
            AccountError: no reason given.
        """
        why = _reason(reason)

        def work(session: Session) -> None:
            row = self._attempt_to_change(session, actor, cohort_id, attempt_id)
            if row.voided:
                raise AttemptError("that attempt is already void", reason="voided")
            if row.status != AttemptStatus.SUBMITTED.value:
                self.attempts._finish(session, row, now=now)
            row.voided = True
            session.flush()
            self.attempts.counted_changed(session, row.user_id, row.quiz_id, now=now)
            audit.record(
                session,
                actor.id,
                Action.ATTEMPT_VOIDED,
                now=now,
                cohort_id=cohort_id,
                learner_id=row.user_id,
                subject=attempt_id,
                reason=why,
                details={"quiz": row.quiz_id, "score": row.score},
            )

        self.db.run_write(work)

    def reopen_attempt(self, actor: User, cohort_id: int, attempt_id: str, *, reason: str, now: datetime) -> None:
        """Reopen a submitted attempt so the learner can carry on with the answers they gave; a
        timed quiz gives them its whole time limit again, from now. Submitting it again scores it anew.

        Raises:
            AccessDenied: the attempt is not of a learner of a class the actor teaches.
            AttemptError: ``not_submitted`` (still open), ``voided``, or ``open`` when the learner
                has another attempt at the quiz open.
            AccountError: no reason given.
        """
        why = _reason(reason)

        def work(session: Session) -> None:
            row = self._attempt_to_change(session, actor, cohort_id, attempt_id)
            if row.voided:
                raise AttemptError("a void attempt cannot be reopened", reason="voided")
            if row.status != AttemptStatus.SUBMITTED.value:
                raise AttemptError("that attempt is still open", reason="not_submitted")
            other = session.scalar(
                select(AttemptRow.id).where(
                    AttemptRow.user_id == row.user_id,
                    AttemptRow.quiz_id == row.quiz_id,
                    AttemptRow.status == AttemptStatus.IN_PROGRESS.value,
                    AttemptRow.id != row.id,
                )
            )
            if other is not None:
                raise AttemptError("the learner has another attempt at this quiz open; it must be submitted first", reason="open")
            spec = QuizSpec.model_validate(row.spec)
            details = {"quiz": row.quiz_id, "score": row.score}
            row.status = AttemptStatus.IN_PROGRESS.value
            row.submitted_at = None
            row.score = None
            row.passed = None
            row.result = None
            row.deadline = now + spec.time_limit if spec.time_limit else None
            audit.record(
                session,
                actor.id,
                Action.ATTEMPT_REOPENED,
                now=now,
                cohort_id=cohort_id,
                learner_id=row.user_id,
                subject=attempt_id,
                reason=why,
                details=details,
            )

        self.db.run_write(work)

    def _attempt_to_change(self, session: Session, actor: User, cohort_id: int, attempt_id: str) -> AttemptRow:
        row = self.db.for_update(session, select(AttemptRow).where(AttemptRow.id == attempt_id))
        if row is None:
            raise AccessDenied("no such attempt")
        self.accounts.require_teaches_learner(actor, row.user_id, session=session, cohort_id=cohort_id)
        return row

    def remove_learner(self, actor: User, cohort_id: int, learner_id: int, *, reason: str, now: datetime) -> None:
        """Take a learner out of the class; their account and records stay.

        Raises:
            AccessDenied: the actor does not teach the class, or the learner is not in it.
        """
        why = _reason(reason)

        def work(session: Session) -> None:
            self.accounts.require_teaches_learner(actor, learner_id, session=session, cohort_id=cohort_id)
            session.execute(delete(MembershipRow).where(MembershipRow.cohort_id == cohort_id, MembershipRow.user_id == learner_id))
            audit.record(session, actor.id, Action.LEARNER_REMOVED, now=now, cohort_id=cohort_id, learner_id=learner_id, reason=why)

        self.db.run_write(work)

    def reset_code(self, actor: User, cohort_id: int, learner_id: int, *, now: datetime) -> str:
        """A one-time password reset code for a learner of the class (see :meth:`Accounts.issue_reset_code`)."""
        return self.accounts.issue_reset_code(actor, learner_id, now=now, cohort_id=cohort_id)

    # --- actions on a class -------------------------------------------------------------

    def set_exam_date(self, actor: User, cohort_id: int, exam_date: date | None, *, now: datetime) -> Cohort:
        """Set (or clear) the class exam date: the study plan of every learner without a date of
        their own aims at it from ``now`` on, and their reviews due on or after it are brought
        forward, as with a learner's own exam date (:mod:`learning.spacing`)."""

        def work(session: Session) -> Cohort:
            row = self.accounts.require_teacher(actor, cohort_id, session=session)
            before = row.exam_date
            row.exam_date = exam_date
            row.exam_date_set_at = now if exam_date is not None else None
            audit.record(
                session,
                actor.id,
                Action.EXAM_DATE,
                now=now,
                cohort_id=cohort_id,
                subject=exam_date.isoformat() if exam_date else "none",
                details={"before": before.isoformat() if before else None},
            )
            return cohort_of(row)

        return self.db.run_write(work)

    def rotate_code(self, actor: User, cohort_id: int, *, now: datetime) -> Cohort:
        """Give the class a new enrolment code; the old one stops working (learners already in stay)."""

        def work(session: Session) -> Cohort:
            row = self.accounts.require_teacher(actor, cohort_id, session=session)
            old = row.code
            row.code = unused_code(session)
            audit.record(session, actor.id, Action.CODE_ROTATED, now=now, cohort_id=cohort_id, details={"old": old, "new": row.code})
            return cohort_of(row)

        return self.db.run_write(work)

    def set_enrolment(self, actor: User, cohort_id: int, *, open: bool, now: datetime) -> Cohort:
        """Close the class to new learners (its code then admits nobody), or open it again."""

        def work(session: Session) -> Cohort:
            row = self.accounts.require_teacher(actor, cohort_id, session=session)
            if row.enrolment_open != open:
                row.enrolment_open = open
                audit.record(session, actor.id, Action.ENROLMENT_OPENED if open else Action.ENROLMENT_CLOSED, now=now, cohort_id=cohort_id)
            return cohort_of(row)

        return self.db.run_write(work)

    def add_co_instructor(self, actor: User, cohort_id: int, username: str, *, now: datetime) -> User:
        """Let another instructor teach the class too: they see its roster and act on it alike.

        Raises:
            AccessDenied: the actor does not teach the class.
            AccountError: no active instructor has that username, or they already teach it.
        """
        name = normalise_username(username)

        def work(session: Session) -> User:
            row = self.accounts.require_teacher(actor, cohort_id, session=session)
            other = session.scalar(select(UserRow).where(UserRow.username == name))
            if other is None or other.role != Role.INSTRUCTOR.value or other.disabled:
                raise AccountError(f"no instructor has the username {name!r}")
            if other.id == row.instructor_id or session.get(CoInstructorRow, (cohort_id, other.id)) is not None:
                raise AccountError(f"{other.display_name} already teaches this class")
            session.add(CoInstructorRow(cohort_id=cohort_id, user_id=other.id, added_at=now))
            audit.record(session, actor.id, Action.CO_INSTRUCTOR_ADDED, now=now, cohort_id=cohort_id, subject=other.username)
            return user_of(other)

        return self.db.run_write(work)


def _reason(reason: str) -> str:
    return audit.required_reason(reason)
