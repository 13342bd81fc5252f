"""The LTI 1.3 records: registered platforms, one-time launch states, who and what a launch maps
to here, and the queue of scores to post to platforms' gradebooks.

A verified launch (:func:`learning.lti.launch.verify_id_token`) is entered in one transaction:
its state is marked used (a second use is refused: that is the replay check), the platform's
person is found by subject id or given a new account (the email is only a hint for the new
account's username and name; it never links an existing account), the course (LTI context)
becomes a class the first time an instructor launches from it (learners who came earlier join
it then), and the link's quiz or lesson and gradebook column are remembered.

When a learner's counted score at a quiz changes (an attempt submitted or voided), the score
goes into ``lti_scores`` in that same transaction, for every gradebook column the learner
launched that quiz from; :mod:`learning.lti.passback` posts it. A pending score for the same
column and learner is updated rather than queued twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learning.course import Course
from learning.errors import LaunchRefused, LtiError
from learning.lti.models import SCORE_SCOPE, Launch, Platform, Presence, Target
from learning.quiz import QuizSpec
from learning.store import audit
from learning.store.accounts import USERNAME, Accounts, Role, User, unused_code, user_of
from learning.store.attempts import COUNTED, standing_of
from learning.store.audit import Action
from learning.store.database import Database
from learning.store.tables import (
    AttemptRow,
    CohortRow,
    CoInstructorRow,
    LtiContextLearnerRow,
    LtiContextRow,
    LtiDeploymentRow,
    LtiLaunchStateRow,
    LtiLineItemLearnerRow,
    LtiLineItemRow,
    LtiPlatformRow,
    LtiResourceLinkRow,
    LtiScoreRow,
    LtiUserRow,
    MembershipRow,
    UserRow,
)

STATE_MINUTES = 10
"""How long a login's state waits for its launch."""
SCORE_MAXIMUM = 100.0
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
REPLAYED = "this launch was already used once (its nonce was seen before): it looks replayed"
LEASE = timedelta(minutes=5)
"""A score claimed this long ago by a sender that never said how it went (the server stopped
mid-post) is taken as not sent and tried again, with the same timestamp."""


def account_role(presence: Presence) -> Role:
    """The role of a new account made for a platform's person."""
    return Role.INSTRUCTOR if presence is Presence.INSTRUCTOR else Role.LEARNER


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


class Entry(BaseModel):
    """Where a verified launch lands: the account, its class, and what to open."""

    model_config = ConfigDict(frozen=True)

    user: User
    presence: Presence
    cohort_id: int | None
    target: Target


class LoginState(BaseModel):
    """A login waiting for its launch: the platform it was started for, the nonce, and the
    login request's parameters (to start it again in a new window)."""

    model_config = ConfigDict(frozen=True)

    platform: Platform
    nonce: str
    login: dict[str, str]


class Member(BaseModel):
    """One person of a platform course's roster (NRPS)."""

    model_config = ConfigDict(frozen=True)

    subject: str
    presence: Presence
    name: str | None = None
    email: str | None = None
    active: bool = True


class RosterSync(BaseModel):
    """What a roster sync did: accounts made, learners added to the class, instructors added."""

    model_config = ConfigDict(frozen=True)

    accounts_made: int
    learners_added: int
    instructors_added: int
    skipped: int


class ScoreJob(BaseModel):
    """A queued score claimed by a sender: what to post, where."""

    model_config = ConfigDict(frozen=True)

    id: int
    platform: Platform
    line_item_url: str
    subject: str
    score_given: float
    score_maximum: float
    scored_at: datetime
    tries: int


class QueuedScore(BaseModel):
    """A row of the score queue as the command line lists it."""

    model_config = ConfigDict(frozen=True)

    id: int
    username: str
    quiz_id: str
    line_item_url: str
    score_given: float
    state: str
    tries: int
    next_try_at: datetime
    last_error: str


def platform_of(row: LtiPlatformRow, deployments: Iterable[str]) -> Platform:
    return Platform(
        id=row.id,
        issuer=row.issuer,
        client_id=row.client_id,
        name=row.name,
        deployment_ids=tuple(sorted(deployments)),
        auth_login_url=row.auth_login_url,
        token_url=row.token_url,
        keyset_url=row.keyset_url,
    )


class Lti:
    """Platforms, launches, links and the grade passback queue (``store.lti``)."""

    def __init__(self, database: Database, accounts: Accounts, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.course = course

    # --- registrations ------------------------------------------------------------------

    def add_platform(self, platform: Platform, *, now: datetime) -> Platform:
        """Register a platform, or, for an issuer and client id already registered, update its
        addresses and add the deployment ids given (none is removed)."""

        def work(session: Session) -> Platform:
            row = session.scalar(
                select(LtiPlatformRow).where(LtiPlatformRow.issuer == platform.issuer, LtiPlatformRow.client_id == platform.client_id)
            )
            if row is None:
                row = LtiPlatformRow(issuer=platform.issuer, client_id=platform.client_id, added_at=now)
                session.add(row)
            row.name = platform.name or row.name or ""
            row.auth_login_url = platform.auth_login_url
            row.token_url = platform.token_url
            row.keyset_url = platform.keyset_url
            session.flush()
            for deployment in platform.deployment_ids:
                self.db.insert_if_absent(
                    session, LtiDeploymentRow, {"platform_id": row.id, "deployment_id": deployment}, key=["platform_id", "deployment_id"]
                )
            return platform_of(row, self._deployments(session, row.id))

        return self.db.run_write(work)

    def platforms(self) -> list[Platform]:
        with self.db.read() as session:
            rows = session.scalars(select(LtiPlatformRow).order_by(LtiPlatformRow.issuer, LtiPlatformRow.client_id))
            return [platform_of(row, self._deployments(session, row.id)) for row in rows]

    def platform(self, platform_id: int) -> Platform | None:
        with self.db.read() as session:
            row = session.get(LtiPlatformRow, platform_id)
            return platform_of(row, self._deployments(session, row.id)) if row else None

    def remove_platform(self, platform_id: int) -> Platform:
        """Forget a platform: its launches stop working, its queued scores are dropped; the
        accounts and classes made from it stay.

        Raises:
            LtiError: no platform has that id.
        """

        def work(session: Session) -> Platform:
            row = session.get(LtiPlatformRow, platform_id)
            if row is None:
                raise LtiError(f"no platform is registered with the id {platform_id} (python -m learning lti list)")
            gone = platform_of(row, self._deployments(session, row.id))
            items = select(LtiLineItemRow.id).where(LtiLineItemRow.platform_id == platform_id)
            contexts = select(LtiContextRow.id).where(LtiContextRow.platform_id == platform_id)
            # Deleted child first: SQLite enforces the cascades, but this keeps both databases alike.
            session.execute(delete(LtiScoreRow).where(LtiScoreRow.line_item_id.in_(items)))
            session.execute(delete(LtiLineItemLearnerRow).where(LtiLineItemLearnerRow.line_item_id.in_(items)))
            session.execute(delete(LtiLineItemRow).where(LtiLineItemRow.platform_id == platform_id))
            session.execute(delete(LtiResourceLinkRow).where(LtiResourceLinkRow.platform_id == platform_id))
            session.execute(delete(LtiContextLearnerRow).where(LtiContextLearnerRow.context_row_id.in_(contexts)))
            for table in (LtiContextRow, LtiUserRow, LtiLaunchStateRow, LtiDeploymentRow):
                session.execute(delete(table).where(table.platform_id == platform_id))
            session.delete(row)
            return gone

        return self.db.run_write(work)

    def _deployments(self, session: Session, platform_id: int) -> list[str]:
        return list(session.scalars(select(LtiDeploymentRow.deployment_id).where(LtiDeploymentRow.platform_id == platform_id)))

    def platform_for_login(self, issuer: str, *, client_id: str | None, deployment_id: str | None) -> Platform:
        """The registered platform a login initiation names.

        Raises:
            LaunchRefused: no such registration, or several for the issuer and no client id to choose.
        """
        with self.db.read() as session:
            query = select(LtiPlatformRow).where(LtiPlatformRow.issuer == issuer)
            if client_id:
                query = query.where(LtiPlatformRow.client_id == client_id)
            rows = list(session.scalars(query))
            found = [platform_of(r, self._deployments(session, r.id)) for r in rows]
        if deployment_id and len(found) > 1:
            found = [p for p in found if deployment_id in p.deployment_ids]
        if not found:
            named = f"{issuer!r} with client id {client_id!r}" if client_id else repr(issuer)
            raise LaunchRefused(
                f"no platform {named} is registered with this tool (python -m learning lti add-platform)", reason="unknown_platform"
            )
        if len(found) > 1:
            raise LaunchRefused(f"{issuer!r} is registered several times; the platform must send its client_id", reason="unknown_platform")
        return found[0]

    # --- the login and launch ---------------------------------------------------------------

    def begin_login(self, platform: Platform, *, state: str, nonce: str, login: dict[str, str], now: datetime) -> None:
        """Remember a login's state (as its hash) and nonce for :data:`STATE_MINUTES`; states
        older than a day are cleared on the way."""

        def work(session: Session) -> None:
            session.execute(delete(LtiLaunchStateRow).where(LtiLaunchStateRow.created_at < now - timedelta(days=1)))
            session.add(
                LtiLaunchStateRow(
                    state_hash=state_hash(state),
                    nonce=nonce,
                    platform_id=platform.id,
                    login=login,
                    created_at=now,
                    expires_at=now + timedelta(minutes=STATE_MINUTES),
                )
            )

        self.db.run_write(work)

    def login_state(self, state: str, *, now: datetime) -> LoginState:
        """The login a launch's ``state`` belongs to.

        Raises:
            LaunchRefused: no login made that state, it was used already, or it expired.
        """
        with self.db.read() as session:
            row = session.get(LtiLaunchStateRow, state_hash(state))
            if row is None:
                raise LaunchRefused(
                    "this launch was not started here (its state is unknown): open the link in the LMS again", reason="state"
                )
            if row.used_at is not None:
                raise LaunchRefused(REPLAYED, reason="replayed")
            if row.expires_at <= now:
                raise LaunchRefused("this launch took too long to come back from the LMS: open the link again", reason="expired")
            platform_row = session.get_one(LtiPlatformRow, row.platform_id)
            platform = platform_of(platform_row, self._deployments(session, platform_row.id))
            return LoginState(platform=platform, nonce=row.nonce, login={str(k): str(v) for k, v in (row.login or {}).items()})

    def enter(self, launch: Launch, *, state: str, now: datetime) -> Entry:
        """Use the login ``state`` once and map the verified ``launch`` to an account, a class
        and a quiz or lesson, all in one transaction.

        Raises:
            LaunchRefused: the state was used meanwhile (a replay), the account is disabled, the
                link names a quiz or lesson the course does not have, or the person has no role
                the app knows.
        """
        target = self._target(launch)
        presence = launch.presence
        if presence is Presence.OTHER:
            raise LaunchRefused(
                "the LMS gave you no learner or instructor role in this course, so the module cannot tell what to show",
                reason="role",
                status=403,
            )

        def work(session: Session) -> Entry:
            used = session.execute(
                update(LtiLaunchStateRow)
                .where(LtiLaunchStateRow.state_hash == state_hash(state), LtiLaunchStateRow.used_at.is_(None))
                .values(used_at=now)
            )
            if used.rowcount != 1:  # type: ignore[attr-defined]
                raise LaunchRefused(REPLAYED, reason="replayed")
            user = self._account(
                session, launch.platform.id, launch.subject, presence, now=now, name=launch.display_name, email=launch.email
            )
            context = self._context(session, launch, user, presence, now=now)
            chosen = self._link(session, launch, context, target)
            if presence is Presence.LEARNER and chosen.quiz_id and launch.ags and launch.ags.lineitem and SCORE_SCOPE in launch.ags.scope:
                self._line_item(session, launch, user, chosen.quiz_id, launch.ags.lineitem)
            return Entry(user=user_of(user), presence=presence, cohort_id=context.cohort_id if context else None, target=chosen)

        return self._retrying(work)

    def _retrying(self, work: Callable[[Session], Entry]) -> Entry:
        """Run ``work``; a first launch racing another for the same person, course or link (a
        unique key taken meanwhile) runs again and finds the other's rows."""
        try:
            return self.db.run_write(work)
        except IntegrityError:
            return self.db.run_write(work)

    def _target(self, launch: Launch) -> Target:
        target = launch.target
        course = self.course()
        if target.quiz_id and course.quiz(target.quiz_id) is None:
            raise LaunchRefused(f"the link opens the quiz {target.quiz_id!r}, which this course does not have", reason="target", status=400)
        if target.lesson_id and course.lesson(target.lesson_id) is None:
            raise LaunchRefused(
                f"the link opens the lesson {target.lesson_id!r}, which this course does not have", reason="target", status=400
            )
        return target

    def _account(
        self, session: Session, platform_id: int, subject: str, presence: Presence, *, now: datetime, name: str | None, email: str | None
    ) -> UserRow:
        """The account of a platform's person: the one linked to their subject id, else a new
        one. An instructor launch makes a linked learner account an instructor's (the platform
        says who teaches its course); nothing makes an instructor a learner."""
        link = session.get(LtiUserRow, (platform_id, subject))
        if link is not None:
            row = session.get_one(UserRow, link.user_id)
            if row.disabled:
                raise LaunchRefused("this account is disabled in the module; ask your instructor", reason="disabled", status=403)
            if presence is Presence.INSTRUCTOR and row.role != Role.INSTRUCTOR.value:
                row.role = Role.INSTRUCTOR.value
            if name and row.display_name != name[:120]:
                row.display_name = name[:120]
            return row
        row = UserRow(
            username=_free_username(session, _username_hint(email, name, subject)),
            display_name=(name or "").strip()[:120] or "LMS user",
            email=None,  # never stored: an email from a platform must not become a way into an account
            role=account_role(presence).value,
            password_hash=None,
            disabled=False,
            created_at=now,
        )
        session.add(row)
        session.flush()
        session.add(LtiUserRow(platform_id=platform_id, subject=subject, user_id=row.id, linked_at=now))
        session.flush()
        return row

    def _context(self, session: Session, launch: Launch, user: UserRow, presence: Presence, *, now: datetime) -> LtiContextRow | None:
        if launch.context_id is None:
            return None
        row = session.scalar(
            select(LtiContextRow).where(LtiContextRow.platform_id == launch.platform.id, LtiContextRow.context_id == launch.context_id)
        )
        if row is None:
            row = LtiContextRow(platform_id=launch.platform.id, context_id=launch.context_id, title=launch.context_title or "")
            session.add(row)
            session.flush()
        if launch.context_title:
            row.title = launch.context_title[:255]
        if launch.memberships_url:
            row.memberships_url = launch.memberships_url
        self._seat(session, row, user, presence, now=now)
        return row

    def _seat(self, session: Session, context: LtiContextRow, user: UserRow, presence: Presence, *, now: datetime) -> bool:
        """Put a person in the course's class: an instructor teaches it (making it if it has no
        class yet), a learner joins it (or waits for it to be made). True when something changed."""
        if context.cohort_id is None:
            if presence is Presence.INSTRUCTOR:
                cohort = CohortRow(
                    name=(context.title or "Course from the LMS")[:120],
                    code=unused_code(session),
                    instructor_id=user.id,
                    created_at=now,
                    enrolment_open=False,  # learners come through the LMS
                )
                session.add(cohort)
                session.flush()
                context.cohort_id = cohort.id
                waiting = session.scalars(select(LtiContextLearnerRow.user_id).where(LtiContextLearnerRow.context_row_id == context.id))
                for learner_id in list(waiting):
                    session.add(MembershipRow(cohort_id=cohort.id, user_id=learner_id, joined_at=now))
                session.execute(delete(LtiContextLearnerRow).where(LtiContextLearnerRow.context_row_id == context.id))
                audit.record(session, user.id, Action.CLASS_CREATED, now=now, cohort_id=cohort.id, subject="from the LMS")
                return True
            if user.role == Role.LEARNER.value:
                before = session.get(LtiContextLearnerRow, (context.id, user.id))
                self.db.insert_if_absent(
                    session, LtiContextLearnerRow, {"context_row_id": context.id, "user_id": user.id}, key=["context_row_id", "user_id"]
                )
                return before is None
            return False
        cohort_id = context.cohort_id
        if presence is Presence.INSTRUCTOR:
            owner = session.scalar(select(CohortRow.instructor_id).where(CohortRow.id == cohort_id))
            if owner != user.id and session.get(CoInstructorRow, (cohort_id, user.id)) is None:
                session.add(CoInstructorRow(cohort_id=cohort_id, user_id=user.id, added_at=now))
                return True
            return False
        if user.role == Role.LEARNER.value and session.get(MembershipRow, (cohort_id, user.id)) is None:
            session.add(MembershipRow(cohort_id=cohort_id, user_id=user.id, joined_at=now))
            return True
        return False

    def _link(self, session: Session, launch: Launch, context: LtiContextRow | None, target: Target) -> Target:
        """Remember the resource link and what it opens; a launch that names nothing opens what
        the link opened before."""
        if launch.resource_link_id is None:
            return target
        row = session.scalar(
            select(LtiResourceLinkRow).where(
                LtiResourceLinkRow.platform_id == launch.platform.id, LtiResourceLinkRow.resource_link_id == launch.resource_link_id
            )
        )
        if row is None:
            row = LtiResourceLinkRow(platform_id=launch.platform.id, resource_link_id=launch.resource_link_id)
            session.add(row)
        row.context_row_id = context.id if context else row.context_row_id
        row.title = (launch.resource_link_title or row.title or "")[:255]
        if target.quiz_id or target.lesson_id:
            row.quiz_id, row.lesson_id = target.quiz_id, target.lesson_id
        session.flush()
        return Target(quiz_id=row.quiz_id, lesson_id=row.lesson_id)

    def _line_item(self, session: Session, launch: Launch, user: UserRow, quiz_id: str, url: str) -> None:
        link_id = session.scalar(
            select(LtiResourceLinkRow.id).where(
                LtiResourceLinkRow.platform_id == launch.platform.id, LtiResourceLinkRow.resource_link_id == launch.resource_link_id
            )
        )
        row = session.scalar(select(LtiLineItemRow).where(LtiLineItemRow.platform_id == launch.platform.id, LtiLineItemRow.url == url))
        if row is None:
            row = LtiLineItemRow(platform_id=launch.platform.id, url=url, quiz_id=quiz_id, resource_link_row_id=link_id)
            session.add(row)
            session.flush()
        row.quiz_id = quiz_id
        self.db.insert_if_absent(
            session,
            LtiLineItemLearnerRow,
            {"line_item_id": row.id, "user_id": user.id, "subject": launch.subject},
            key=["line_item_id", "user_id"],
        )

    # --- grade passback -----------------------------------------------------------------

    def score_changed(self, session: Session, user_id: int, quiz_id: str, *, now: datetime) -> None:
        """Queue the learner's counted score at ``quiz_id`` for every gradebook column they
        launched it from, inside the caller's transaction (the submit or the void that changed
        it). Nothing is queued when no attempt counts."""
        items = list(
            session.scalars(
                select(LtiLineItemRow.id)
                .join(LtiLineItemLearnerRow, LtiLineItemLearnerRow.line_item_id == LtiLineItemRow.id)
                .where(LtiLineItemLearnerRow.user_id == user_id, LtiLineItemRow.quiz_id == quiz_id)
            )
        )
        if not items:
            return
        session.flush()
        rows = list(
            session.execute(
                select(AttemptRow.id, AttemptRow.status, AttemptRow.score, AttemptRow.passed, AttemptRow.spec)
                .where(AttemptRow.user_id == user_id, AttemptRow.quiz_id == quiz_id, COUNTED)
                .order_by(AttemptRow.started_at, AttemptRow.id)
            )
        )
        spec = self.course().quiz(quiz_id) or (QuizSpec.model_validate(rows[-1].spec) if rows else None)
        counted = standing_of(spec, rows, used=len(rows), allowed=None).counted if spec is not None else None
        if counted is None:  # every attempt voided: a score not posted yet is no longer the learner's
            session.execute(
                delete(LtiScoreRow).where(LtiScoreRow.line_item_id.in_(items), LtiScoreRow.user_id == user_id, LtiScoreRow.state == PENDING)
            )
            return
        given = round(counted * SCORE_MAXIMUM, 4)
        for line_item_id in items:
            pending = session.scalar(
                select(LtiScoreRow).where(
                    LtiScoreRow.line_item_id == line_item_id, LtiScoreRow.user_id == user_id, LtiScoreRow.state == PENDING
                )
            )
            if pending is not None:  # not posted yet: post the newest score once, not each one
                pending.score_given = given
                pending.scored_at = max(now, pending.scored_at)
                continue
            session.add(
                LtiScoreRow(
                    line_item_id=line_item_id,
                    user_id=user_id,
                    quiz_id=quiz_id,
                    score_given=given,
                    score_maximum=SCORE_MAXIMUM,
                    scored_at=now,
                    state=PENDING,
                    tries=0,
                    next_try_at=now,
                    last_error="",
                )
            )

    def due_scores(self, *, now: datetime, limit: int = 100) -> list[int]:
        """The ids of queued scores due to be sent: pending ones whose time has come, and ones a
        sender claimed longer than :data:`LEASE` ago and never finished."""
        with self.db.read() as session:
            query = (
                select(LtiScoreRow.id)
                .where(
                    or_(
                        (LtiScoreRow.state == PENDING) & (LtiScoreRow.next_try_at <= now),
                        (LtiScoreRow.state == SENDING) & (LtiScoreRow.claimed_at < now - LEASE),
                    )
                )
                .order_by(LtiScoreRow.next_try_at, LtiScoreRow.id)
                .limit(limit)
            )
            return list(session.scalars(query))

    def claim(self, score_id: int, *, now: datetime) -> ScoreJob | None:
        """Take a queued score to send it: only one sender can (the update succeeds while it is
        still due); None when another sender has it or it is no longer due."""

        def work(session: Session) -> ScoreJob | None:
            taken = session.execute(
                update(LtiScoreRow)
                .where(
                    LtiScoreRow.id == score_id,
                    or_(
                        (LtiScoreRow.state == PENDING) & (LtiScoreRow.next_try_at <= now),
                        (LtiScoreRow.state == SENDING) & (LtiScoreRow.claimed_at < now - LEASE),
                    ),
                )
                .values(state=SENDING, claimed_at=now)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None
            row = session.get_one(LtiScoreRow, score_id)
            item = session.get_one(LtiLineItemRow, row.line_item_id)
            learner = session.get_one(LtiLineItemLearnerRow, (item.id, row.user_id))
            platform_row = session.get_one(LtiPlatformRow, item.platform_id)
            return ScoreJob(
                id=row.id,
                platform=platform_of(platform_row, self._deployments(session, platform_row.id)),
                line_item_url=item.url,
                subject=learner.subject,
                score_given=row.score_given,
                score_maximum=row.score_maximum,
                scored_at=row.scored_at,
                tries=row.tries,
            )

        return self.db.run_write(work)

    def sent(self, score_id: int, *, now: datetime) -> None:
        self._finish(score_id, state=SENT, sent_at=now, last_error="")

    def retry(self, score_id: int, *, at: datetime, error: str) -> None:
        """Put a claimed score back in the queue, to be tried again at ``at``."""

        def work(session: Session) -> None:
            session.execute(
                update(LtiScoreRow)
                .where(LtiScoreRow.id == score_id, LtiScoreRow.state == SENDING)
                .values(state=PENDING, tries=LtiScoreRow.tries + 1, next_try_at=at, claimed_at=None, last_error=error[:500])
            )

        self.db.run_write(work)

    def failed(self, score_id: int, *, error: str) -> None:
        """The platform refused the score for good (it stays in the queue, listed, not retried)."""
        self._finish(score_id, state=FAILED, last_error=error[:500])

    def _finish(self, score_id: int, *, state: str, **values: object) -> None:
        def work(session: Session) -> None:
            session.execute(
                update(LtiScoreRow)
                .where(LtiScoreRow.id == score_id, LtiScoreRow.state == SENDING)
                .values(state=state, tries=LtiScoreRow.tries + 1, claimed_at=None, **values)
            )

        self.db.run_write(work)

    def queued(self, *, include_sent: bool = False) -> list[QueuedScore]:
        """The score queue, oldest first (sent scores only when asked)."""
        with self.db.read() as session:
            query = (
                select(LtiScoreRow, UserRow.username, LtiLineItemRow.url)
                .join(UserRow, UserRow.id == LtiScoreRow.user_id)
                .join(LtiLineItemRow, LtiLineItemRow.id == LtiScoreRow.line_item_id)
                .order_by(LtiScoreRow.id)
            )
            if not include_sent:
                query = query.where(LtiScoreRow.state != SENT)
            return [
                QueuedScore(
                    id=row.id,
                    username=username,
                    quiz_id=row.quiz_id,
                    line_item_url=url,
                    score_given=row.score_given,
                    state=row.state,
                    tries=row.tries,
                    next_try_at=row.next_try_at,
                    last_error=row.last_error,
                )
                for row, username, url in session.execute(query)
            ]

    # --- rosters ------------------------------------------------------------------------

    def roster_source(self, cohort_id: int) -> tuple[Platform, str]:
        """The platform and the roster (NRPS) address of the course a class was made from.

        Raises:
            LtiError: the class was not made from an LMS course, or the platform offered no roster service.
        """
        with self.db.read() as session:
            row = session.scalar(select(LtiContextRow).where(LtiContextRow.cohort_id == cohort_id).limit(1))
            if row is None:
                raise LtiError("this class was not made from an LMS course: an instructor makes it by launching the module from the course")
            if not row.memberships_url:
                raise LtiError(
                    "the LMS did not offer its roster service (Names and Role Provisioning) for this course; turn it on for the tool"
                )
            platform_row = session.get_one(LtiPlatformRow, row.platform_id)
            return platform_of(platform_row, self._deployments(session, row.platform_id)), row.memberships_url

    def add_roster(self, cohort_id: int, members: Iterable[Member], *, now: datetime) -> RosterSync:
        """Bring a course's roster into its class: each active member gets their account (made
        like a first launch's) and a seat, as a learner or an instructor. Nobody is removed."""
        listed = list(members)

        def work(session: Session) -> RosterSync:
            context = session.scalar(select(LtiContextRow).where(LtiContextRow.cohort_id == cohort_id).limit(1))
            if context is None:
                raise LtiError("this class was not made from an LMS course")
            made = learners = instructors = skipped = 0
            for member in listed:
                if not member.active or member.presence is Presence.OTHER:
                    skipped += 1
                    continue
                known = session.get(LtiUserRow, (context.platform_id, member.subject)) is not None
                user = self._account(
                    session, context.platform_id, member.subject, member.presence, now=now, name=member.name, email=member.email
                )
                made += not known
                if self._seat(session, context, user, member.presence, now=now):
                    if member.presence is Presence.INSTRUCTOR:
                        instructors += 1
                    else:
                        learners += 1
            return RosterSync(accounts_made=made, learners_added=learners, instructors_added=instructors, skipped=skipped)

        try:
            return self.db.run_write(work)
        except IntegrityError:
            return self.db.run_write(work)

    def class_id(self, name_or_id: str) -> int:
        """A class by its id or its exact name.

        Raises:
            LtiError: no class, or several classes, have that name.
        """
        with self.db.read() as session:
            if name_or_id.isdigit() and session.get(CohortRow, int(name_or_id)) is not None:
                return int(name_or_id)
            ids = list(session.scalars(select(CohortRow.id).where(CohortRow.name == name_or_id)))
        if len(ids) != 1:
            raise LtiError(f"{'no class' if not ids else 'several classes'} named {name_or_id!r}; give its id")
        return ids[0]


def _username_hint(email: str | None, name: str | None, subject: str) -> str:
    """A username for a new account: the email's local part, else the name, else ``lms-`` and a
    digest of the subject id; made of the characters usernames allow."""
    for hint in (email.split("@")[0] if email else None, name):
        if hint:
            cleaned = re.sub(r"[^a-z0-9._-]", "", hint.strip().lower().replace(" ", "."))[:24].strip("._-")
            if len(cleaned) >= 3 and USERNAME.match(cleaned):
                return cleaned
    return "lms-" + hashlib.sha256(subject.encode("utf-8")).hexdigest()[:10]


def _free_username(session: Session, base: str) -> str:
    for suffix in ["", *(f"-{n}" for n in range(2, 1000))]:
        name = base + suffix
        if session.scalar(select(UserRow.id).where(UserRow.username == name)) is None:
            return name
    return "lms-" + hashlib.sha256(base.encode("utf-8")).hexdigest()[:16]


__all__ = ["Entry", "LoginState", "Lti", "Member", "QueuedScore", "RosterSync", "ScoreJob", "platform_of", "state_hash"]
