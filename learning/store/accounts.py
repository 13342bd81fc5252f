"""Accounts, sign-in, cohorts, password reset codes and who may read what.

Passwords are hashed with argon2id (``argon2-cffi``). There are no default accounts: the first
instructor is made with ``python -m learning users add NAME --role instructor``. Repeated failed
sign-ins lock an account for a while. An instructor sees only the learners of the cohorts they
teach (their own, and those whose owner added them as a co-instructor); a learner sees only their
own records. Every check here runs on the server, against the database.
"""

from __future__ import annotations

import contextlib
import enum
import os
import re
import secrets
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from learning.errors import AccessDenied, AccountError, SignInError
from learning.store import audit
from learning.store.audit import Action
from learning.store.database import Database
from learning.store.tables import CohortRow, CoInstructorRow, MembershipRow, PasswordResetRow, UserRow
from learning.wording import count

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
HASH_WAIT_SECONDS = 10
MIN_PASSWORD = 10
MAX_PASSWORD = 256
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "password1234",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "iloveyou123",
        "letmein1234",
        "massage123",
        "massagetherapy",
        "welcome123",
        "changeme123",
    }
)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RESET_HOURS = 48
RESET_TRIES = 5
CLOSED = "this class is closed to new learners; ask your instructor"
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("a password nobody has, for timing")


class Role(enum.StrEnum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"


class User(BaseModel):
    """A signed-in person as the rest of the app sees them; never carries the password hash."""

    model_config = ConfigDict(frozen=True)

    id: int
    username: str
    display_name: str
    role: Role
    email: str | None = None
    disabled: bool = False
    exam_date: date | None = None

    @property
    def is_instructor(self) -> bool:
        return self.role is Role.INSTRUCTOR


class Cohort(BaseModel):
    """A class: its enrolment code, owner, exam date and whether learners may still join."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    code: str
    instructor_id: int
    members: int = 0
    exam_date: date | None = None
    enrolment_open: bool = True


def cohort_of(row: CohortRow, members: int = 0) -> Cohort:
    return Cohort(
        id=row.id,
        name=row.name,
        code=row.code,
        instructor_id=row.instructor_id,
        members=members,
        exam_date=row.exam_date,
        enrolment_open=row.enrolment_open,
    )


def taught_by(instructor_id: int) -> ColumnElement[bool]:
    """The condition on :class:`CohortRow` that an instructor teaches the class: they made it, or
    its owner added them as a co-instructor."""
    co_taught = select(CoInstructorRow.cohort_id).where(CoInstructorRow.user_id == instructor_id)
    return or_(CohortRow.instructor_id == instructor_id, CohortRow.id.in_(co_taught))


def user_of(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        email=row.email,
        disabled=row.disabled,
        exam_date=row.exam_date,
    )


def password_problems(password: str, *, username: str) -> list[str]:
    """Everything wrong with a new password, in words a person can act on (empty when fine)."""
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(f"use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        problems.append(f"use at most {MAX_PASSWORD} characters")
    lowered = password.casefold()
    if username and username.casefold() in lowered:
        problems.append("do not include your username")
    if lowered in COMMON_PASSWORDS or len(set(password)) <= 2:
        problems.append("choose something less common")
    return problems


def normalise_username(username: str) -> str:
    return username.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def new_enrolment_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def unused_code(session: Session) -> str:
    """An enrolment code no class has."""
    while True:
        code = new_enrolment_code()
        if session.scalar(select(CohortRow.id).where(CohortRow.code == code)) is None:
            return code


def new_reset_code() -> str:
    """Twelve characters in three groups (``ABCD-EFGH-JKMN``), from an alphabet without look-alikes."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normal_reset(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", code).upper()


def _normal_code(code: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9]", "", code).upper()
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else cleaned


class Accounts:
    """Creating accounts, signing in, cohorts and the access rules."""

    def __init__(
        self,
        database: Database,
        *,
        max_failed: int = 5,
        lockout: timedelta = timedelta(minutes=15),
        hashing_slots: int | None = None,
        hash_wait: float = HASH_WAIT_SECONDS,
    ) -> None:
        self.db = database
        self.max_failed = max_failed
        self.lockout = lockout
        # argon2 is meant to be slow and uses a core while it runs: a flood of sign-ins would take
        # every core from the learners' answers. At most half the cores hash at once; a sign-in
        # that cannot get a turn within ``hash_wait`` is told the server is busy instead of piling up.
        self._hashing = threading.BoundedSemaphore(hashing_slots or max(1, (os.cpu_count() or 2) // 2))
        self._hash_wait = hash_wait

    @contextlib.contextmanager
    def _turn_to_hash(self, *, signing_in: bool = True) -> Iterator[None]:
        if not self._hashing.acquire(timeout=self._hash_wait):
            message = "the server is busy signing people in; try again in a moment"
            raise SignInError(message, reason="busy") if signing_in else AccountError(message)
        try:
            yield
        finally:
            self._hashing.release()

    # --- accounts -----------------------------------------------------------------------

    def create(
        self,
        username: str,
        password: str | None,
        *,
        role: Role,
        now: datetime,
        display_name: str | None = None,
        email: str | None = None,
        enrolment_code: str | None = None,
    ) -> User:
        """Create an account; a learner with an enrolment code joins that cohort.

        Raises:
            AccountError: the username is taken or malformed, the password breaks the policy,
                or the enrolment code matches no cohort.
        """
        name = normalise_username(username)
        if not USERNAME.match(name):
            raise AccountError("a username is 3 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit")
        if password is not None:
            problems = password_problems(password, username=name)
            if problems:
                raise AccountError("password: " + "; ".join(problems))
        with self._turn_to_hash(signing_in=False):  # outside the write: it is slow
            password_hash = hash_password(password) if password is not None else None

        def work(session: Session) -> User:
            if session.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
                raise AccountError(f"the username {name!r} is taken; choose another")
            cohort = None
            if enrolment_code:
                cohort = session.scalar(select(CohortRow).where(CohortRow.code == _normal_code(enrolment_code)))
                if cohort is None:
                    raise AccountError("no class has that enrolment code; check it with your instructor")
                if not cohort.enrolment_open:
                    raise AccountError(CLOSED)
            row = UserRow(
                username=name,
                display_name=(display_name or name).strip()[:120] or name,
                email=email.strip().lower() if email else None,
                role=role.value,
                password_hash=password_hash,
                disabled=False,
                failed_sign_ins=0,
                created_at=now,
            )
            session.add(row)
            session.flush()
            if cohort is not None:
                session.add(MembershipRow(cohort_id=cohort.id, user_id=row.id, joined_at=now))
            return user_of(row)

        try:
            return self.db.run_write(work)
        except IntegrityError:
            raise AccountError(f"the username {name!r} is taken; choose another") from None

    def get(self, user_id: int) -> User | None:
        with self.db.read() as session:
            row = session.get(UserRow, user_id)
            return user_of(row) if row else None

    def by_username(self, username: str) -> User | None:
        with self.db.read() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == normalise_username(username)))
            return user_of(row) if row else None

    def all(self) -> list[User]:
        with self.db.read() as session:
            return [user_of(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]

    def set_password(self, username: str, password: str) -> None:
        name = normalise_username(username)
        problems = password_problems(password, username=name)
        if problems:
            raise AccountError("password: " + "; ".join(problems))
        with self._turn_to_hash(signing_in=False):  # outside the write: it is slow
            password_hash = hash_password(password)

        def work(session: Session) -> None:
            row = session.scalar(select(UserRow).where(UserRow.username == name))
            if row is None:
                raise AccountError(f"no account {name!r}")
            row.password_hash = password_hash
            row.failed_sign_ins = 0
            row.locked_until = None

        self.db.run_write(work)

    def set_disabled(self, username: str, disabled: bool = True) -> None:
        name = normalise_username(username)

        def work(session: Session) -> None:
            row = session.scalar(select(UserRow).where(UserRow.username == name))
            if row is None:
                raise AccountError(f"no account {name!r}")
            row.disabled = disabled

        self.db.run_write(work)

    def set_exam_date(self, actor: User, exam_date: date | None) -> User:
        def work(session: Session) -> User:
            row = session.get_one(UserRow, actor.id)
            row.exam_date = exam_date
            return user_of(row)

        return self.db.run_write(work)

    # --- signing in ---------------------------------------------------------------------

    def sign_in(self, username: str, password: str, *, now: datetime) -> User:
        """Check a username and password.

        Raises:
            SignInError: ``wrong_password`` (also for an unknown username, so names cannot be
                probed), ``locked`` after too many failures in a row, or ``disabled``.
        """
        name = normalise_username(username)
        # argon2 takes 100 ms or more: it runs outside every transaction, so a sign-in never holds
        # the write lock that learners' answers wait on. The account is read first, the password
        # checked, then one short write records the outcome against the row as it is by then.
        with self.db.read() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == name))
            seen = (
                None
                if row is None or row.password_hash is None
                else (row.id, row.password_hash, row.disabled, row.locked_until, row.failed_sign_ins > 0)
            )
        if seen is None:
            with self._turn_to_hash():
                _verify(_DUMMY_HASH, password)
            raise SignInError("wrong username or password", reason="wrong_password")
        user_id, stored_hash, disabled, locked_until, failed_before = seen
        if disabled:
            raise SignInError("this account is disabled; ask your instructor", reason="disabled")
        if locked_until is not None and now < locked_until:
            raise self._locked(locked_until - now)
        with self._turn_to_hash():
            matches = _verify(stored_hash, password)
            rehashed = hash_password(password) if matches and _hasher.check_needs_rehash(stored_hash) else None
        if matches and rehashed is None and not failed_before:
            # The usual case has nothing to record: confirm the account is as it was, without a write.
            with self.db.read() as session:
                row = session.get(UserRow, user_id)
                if row is not None and row.password_hash == stored_hash and not row.disabled and not row.failed_sign_ins:
                    return user_of(row)

        def work(session: Session) -> User | SignInError:
            row = self.db.for_update(session, select(UserRow).where(UserRow.id == user_id))
            if row is None or row.password_hash != stored_hash:  # deleted, or the password changed meanwhile
                return SignInError("wrong username or password", reason="wrong_password")
            if row.disabled:
                return SignInError("this account is disabled; ask your instructor", reason="disabled")
            if row.locked_until is not None and now < row.locked_until:
                return self._locked(row.locked_until - now)
            if not matches:
                row.failed_sign_ins += 1
                if row.failed_sign_ins >= self.max_failed:
                    row.failed_sign_ins = 0
                    row.locked_until = now + self.lockout
                    return self._locked(self.lockout, just_now=True)
                return SignInError("wrong username or password", reason="wrong_password")
            row.failed_sign_ins = 0
            row.locked_until = None
            if rehashed is not None:
                row.password_hash = rehashed
            return user_of(row)

        outcome = self.db.run_write(work)  # failures are counted even though sign-in is refused
        if isinstance(outcome, SignInError):
            raise outcome
        return outcome

    @staticmethod
    def _locked(left: timedelta, *, just_now: bool = False) -> SignInError:
        minutes = max(1, round(left.total_seconds() / 60))
        span = count(minutes, "minute") if just_now else count(minutes, "more minute")
        return SignInError(f"too many wrong passwords: this account is locked for {span}", reason="locked")

    def sign_in_sso(self, email: str, *, name: str | None, now: datetime, create: bool = True) -> User:
        """Map a single sign-on identity (a verified email) to an account.

        An account whose email matches is used; otherwise, when ``create`` is on, a learner
        account is made for that email (instructor roles are only ever given on the command line).

        Raises:
            SignInError: the account is disabled, or no account matches and none may be created.
        """
        address = email.strip().lower()
        with self.db.read() as session:
            row = session.scalar(select(UserRow).where(UserRow.email == address))
            found = user_of(row) if row else None
        if found is not None:
            if found.disabled:
                raise SignInError("this account is disabled; ask your instructor", reason="disabled")
            return found
        if not create:
            raise SignInError("no account uses this email; ask your instructor", reason="wrong_password")
        base = re.sub(r"[^a-z0-9._-]", "", address.split("@")[0])[:24] or "learner"
        base = base if len(base) >= 3 else f"{base}-learner"
        for suffix in ["", *(f"-{n}" for n in range(2, 100))]:
            try:
                return self.create(base + suffix, None, role=Role.LEARNER, now=now, display_name=name, email=address)
            except AccountError as error:
                if "taken" not in str(error):
                    raise
        raise SignInError("could not make an account for this email", reason="wrong_password")

    # --- cohorts ------------------------------------------------------------------------

    def create_cohort(self, actor: User, name: str, *, now: datetime) -> Cohort:
        _require_instructor(actor)
        if not name.strip():
            raise AccountError("a class needs a name")

        def work(session: Session) -> Cohort:
            code = unused_code(session)
            row = CohortRow(name=name.strip()[:120], code=code, instructor_id=actor.id, created_at=now, enrolment_open=True)
            session.add(row)
            session.flush()
            audit.record(session, actor.id, Action.CLASS_CREATED, now=now, cohort_id=row.id, subject=row.name)
            return cohort_of(row)

        return self.db.run_write(work)

    def cohorts(self, actor: User) -> list[Cohort]:
        """The cohorts an instructor teaches (their own and those they co-teach), or the cohorts a learner belongs to."""
        with self.db.read() as session:
            members = select(func.count()).where(MembershipRow.cohort_id == CohortRow.id).scalar_subquery()
            query = select(CohortRow, members)
            if actor.is_instructor:
                query = query.where(taught_by(actor.id))
            else:
                mine = aliased(MembershipRow)  # apart from the members count's own MembershipRow
                query = query.join(mine, mine.cohort_id == CohortRow.id).where(mine.user_id == actor.id)
            return [cohort_of(r, n) for r, n in session.execute(query.order_by(CohortRow.name, CohortRow.id))]

    def join_cohort(self, actor: User, code: str, *, now: datetime) -> Cohort:
        """Join a class by its enrolment code; only learners join classes, and only while enrolment is open."""
        if actor.is_instructor:
            raise AccessDenied("instructors make classes; only learners join one")

        def work(session: Session) -> Cohort:
            row = session.scalar(select(CohortRow).where(CohortRow.code == _normal_code(code)))
            if row is None:
                raise AccountError("no class has that enrolment code; check it with your instructor")
            if session.get(MembershipRow, (row.id, actor.id)) is None:
                if not row.enrolment_open:
                    raise AccountError(CLOSED)
                session.add(MembershipRow(cohort_id=row.id, user_id=actor.id, joined_at=now))
            return cohort_of(row)

        return self.db.run_write(work)

    def cohort_learners(self, actor: User, cohort_id: int) -> list[User]:
        """The learners of a cohort; only an instructor who teaches it may ask."""
        with self.db.read() as session:
            self.require_teacher(actor, cohort_id, session=session)
            rows = session.scalars(
                select(UserRow)
                .join(MembershipRow, MembershipRow.user_id == UserRow.id)
                .where(MembershipRow.cohort_id == cohort_id, UserRow.role == Role.LEARNER.value)
                .order_by(UserRow.display_name, UserRow.id)
            )
            return [user_of(r) for r in rows]

    def cohort(self, actor: User, cohort_id: int) -> Cohort:
        """One class an instructor teaches, with its members counted.

        Raises:
            AccessDenied: the actor does not teach it (or it does not exist).
        """
        with self.db.read() as session:
            row = self.require_teacher(actor, cohort_id, session=session)
            members = session.scalar(select(func.count()).where(MembershipRow.cohort_id == cohort_id)) or 0
            return cohort_of(row, members)

    def instructors(self, actor: User, cohort_id: int) -> list[User]:
        """Who teaches a class: its owner first, then its co-instructors by name."""
        with self.db.read() as session:
            row = self.require_teacher(actor, cohort_id, session=session)
            owner = session.get_one(UserRow, row.instructor_id)
            others = session.scalars(
                select(UserRow)
                .join(CoInstructorRow, CoInstructorRow.user_id == UserRow.id)
                .where(CoInstructorRow.cohort_id == cohort_id)
                .order_by(UserRow.display_name, UserRow.id)
            )
            return [user_of(owner), *(user_of(r) for r in others)]

    def require_teacher(self, actor: User, cohort_id: int, *, session: Session) -> CohortRow:
        """The class, when the actor teaches it (owner or co-instructor) and their account, as the
        database says now, is an active instructor's.

        Raises:
            AccessDenied: anyone else, or no such class.
        """
        account = session.execute(select(UserRow.role, UserRow.disabled).where(UserRow.id == actor.id)).one_or_none()
        if account is None or account.disabled or account.role != Role.INSTRUCTOR.value:
            raise AccessDenied("you can only see the learners of your own classes")
        row = session.scalar(select(CohortRow).where(CohortRow.id == cohort_id, taught_by(actor.id)))
        if row is None:
            raise AccessDenied("you can only see the learners of your own classes")
        return row

    def require_teaches_learner(self, actor: User, learner_id: int, *, session: Session, cohort_id: int | None = None) -> None:
        """The actor is an active instructor who teaches a class the learner is in (``cohort_id``: that class).

        Raises:
            AccessDenied: anyone else; a learner is never let in.
        """
        account = session.execute(select(UserRow.role, UserRow.disabled).where(UserRow.id == actor.id)).one_or_none()
        if account is None or account.disabled or account.role != Role.INSTRUCTOR.value:
            raise AccessDenied("only the instructors of a learner's class can do this")
        query = (
            select(MembershipRow.user_id)
            .join(CohortRow, CohortRow.id == MembershipRow.cohort_id)
            .where(MembershipRow.user_id == learner_id, taught_by(actor.id))
        )
        if cohort_id is not None:
            query = query.where(CohortRow.id == cohort_id)
        if session.scalar(query.limit(1)) is None:
            raise AccessDenied("only the instructors of a learner's class can do this")

    # --- password reset codes -----------------------------------------------------------

    def issue_reset_code(self, actor: User, learner_id: int, *, now: datetime, cohort_id: int | None = None) -> str:
        """A one-time password reset code for a learner of the actor's classes, shown once.

        Learners have no email here: the instructor hands the code over, and the learner signs
        in with it under "I have a reset code". The code is stored hashed, expires after
        :data:`RESET_HOURS` hours, works once, and replaces any earlier code not yet used.

        Raises:
            AccessDenied: the actor does not teach the learner (in ``cohort_id``, when given).
        """
        code = new_reset_code()
        with self._turn_to_hash(signing_in=False):
            code_hash = hash_password(_normal_reset(code))

        def work(session: Session) -> None:
            self.require_teaches_learner(actor, learner_id, session=session, cohort_id=cohort_id)
            session.execute(
                update(PasswordResetRow)
                .where(PasswordResetRow.user_id == learner_id, PasswordResetRow.used_at.is_(None))
                .values(expires_at=now)  # an earlier code stops working
            )
            session.add(
                PasswordResetRow(
                    user_id=learner_id,
                    code_hash=code_hash,
                    issued_by=actor.id,
                    issued_at=now,
                    expires_at=now + timedelta(hours=RESET_HOURS),
                    failed_tries=0,
                )
            )
            audit.record(
                session, actor.id, Action.RESET_CODE, now=now, cohort_id=cohort_id, learner_id=learner_id, details={"hours": RESET_HOURS}
            )

        self.db.run_write(work)
        return code

    def reset_password(self, username: str, code: str, new_password: str, *, now: datetime) -> User:
        """Choose a new password with a reset code: the code must be the learner's newest, unused,
        unexpired and tried wrongly fewer than :data:`RESET_TRIES` times. The account is unlocked.

        Raises:
            AccountError: the code is wrong, used or expired (one message for all, so codes cannot
                be probed), or the new password breaks the policy.
        """
        name = normalise_username(username)
        problems = password_problems(new_password, username=name)
        if problems:
            raise AccountError("password: " + "; ".join(problems))
        refused = AccountError("that reset code is not valid: it may be mistyped, used or expired; ask your instructor for a new one")
        with self.db.read() as session:
            found = session.execute(
                select(PasswordResetRow.id, PasswordResetRow.code_hash, UserRow.id.label("user_id"))
                .join(UserRow, UserRow.id == PasswordResetRow.user_id)
                .where(
                    UserRow.username == name,
                    UserRow.disabled.is_(False),
                    PasswordResetRow.used_at.is_(None),
                    PasswordResetRow.expires_at > now,
                    PasswordResetRow.failed_tries < RESET_TRIES,
                )
                .order_by(PasswordResetRow.issued_at.desc(), PasswordResetRow.id.desc())
                .limit(1)
            ).one_or_none()
        with self._turn_to_hash(signing_in=False):
            matches = _verify(found.code_hash if found else _DUMMY_HASH, _normal_reset(code))
            password_hash = hash_password(new_password) if matches else None

        def work(session: Session) -> User | None:
            assert found is not None
            row = self.db.for_update(session, select(PasswordResetRow).where(PasswordResetRow.id == found.id))
            if row is None:
                return None
            if not matches:
                row.failed_tries += 1
                return None
            if row.used_at is not None or row.expires_at <= now or row.failed_tries >= RESET_TRIES:
                return None
            row.used_at = now
            user = session.get_one(UserRow, found.user_id)
            user.password_hash = password_hash
            user.failed_sign_ins = 0
            user.locked_until = None
            return user_of(user)

        if found is None:
            raise refused
        user = self.db.run_write(work)
        if user is None:
            raise refused
        return user

    # --- access -------------------------------------------------------------------------

    def can_read(self, actor: User, learner_id: int, *, session: Session | None = None) -> bool:
        """A learner's records are readable by that learner and by the instructors (and co-instructors) of their cohorts."""
        if actor.disabled:
            return False
        if actor.id == learner_id:
            return True
        if not actor.is_instructor:
            return False
        query = (
            select(MembershipRow.user_id)
            .join(CohortRow, CohortRow.id == MembershipRow.cohort_id)
            .where(taught_by(actor.id), MembershipRow.user_id == learner_id)
            .limit(1)
        )
        if session is not None:
            return session.scalar(query) is not None
        with self.db.read() as fresh:
            return fresh.scalar(query) is not None

    def require_writer(self, actor: User, learner_id: int, *, session: Session, lock: bool = False) -> None:
        """Only the learner may change their own records, and only while their account is active,
        as the database says inside this write (an account disabled since the request began writes
        nothing).

        With ``lock``, the learner's row stays locked until the transaction ends, so this learner's
        other locking writes wait for it: a counter that read-then-write rules (attempts used, one
        open attempt) can rely on.
        """
        require_self(actor, learner_id)
        query = select(UserRow.disabled).where(UserRow.id == actor.id)
        disabled = self.db.for_update(session, query) if lock else session.scalar(query)
        if disabled is not False:
            raise AccessDenied("only the learner can change their own records")

    def require_read(self, actor: User, learner_id: int, *, session: Session | None = None) -> None:
        if not self.can_read(actor, learner_id, session=session):
            raise AccessDenied("you may only see your own records, or those of learners in your classes")


def require_self(actor: User, learner_id: int) -> None:
    """Only the learner may change their own records (answers, progress, reviews)."""
    if actor.disabled or actor.id != learner_id:
        raise AccessDenied("only the learner can change their own records")


def _require_instructor(actor: User) -> None:
    if actor.disabled or not actor.is_instructor:
        raise AccessDenied("only instructors can do this")


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
