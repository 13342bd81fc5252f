"""Accounts, sign-in, cohorts and who may read what.

Passwords are hashed with argon2id (``argon2-cffi``). There are no default accounts: the first
instructor is made with ``python -m learning users add NAME --role instructor``. Repeated failed
sign-ins lock an account for a while. An instructor sees only the learners of their own
cohorts; a learner sees only their own records. Every check here runs on the server.
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
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from learning.errors import AccessDenied, AccountError, SignInError
from learning.store.database import Database
from learning.store.tables import CohortRow, MembershipRow, UserRow
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
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    code: str
    instructor_id: int
    members: int = 0


def _user(row: UserRow) -> User:
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
            return _user(row)

        try:
            return self.db.run_write(work)
        except IntegrityError:
            raise AccountError(f"the username {name!r} is taken; choose another") from None

    def get(self, user_id: int) -> User | None:
        with self.db.read() as session:
            row = session.get(UserRow, user_id)
            return _user(row) if row else None

    def by_username(self, username: str) -> User | None:
        with self.db.read() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == normalise_username(username)))
            return _user(row) if row else None

    def all(self) -> list[User]:
        with self.db.read() as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]

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
            return _user(row)

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
                    return _user(row)

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
            return _user(row)

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
            found = _user(row) if row else None
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
            while True:
                code = new_enrolment_code()
                if session.scalar(select(CohortRow.id).where(CohortRow.code == code)) is None:
                    break
            row = CohortRow(name=name.strip()[:120], code=code, instructor_id=actor.id, created_at=now)
            session.add(row)
            session.flush()
            return Cohort(id=row.id, name=row.name, code=row.code, instructor_id=actor.id)

        return self.db.run_write(work)

    def cohorts(self, actor: User) -> list[Cohort]:
        """An instructor's own cohorts, or the cohorts a learner belongs to."""
        with self.db.read() as session:
            members = select(func.count()).where(MembershipRow.cohort_id == CohortRow.id).scalar_subquery()
            query = select(CohortRow, members)
            if actor.is_instructor:
                query = query.where(CohortRow.instructor_id == actor.id)
            else:
                mine = aliased(MembershipRow)  # apart from the members count's own MembershipRow
                query = query.join(mine, mine.cohort_id == CohortRow.id).where(mine.user_id == actor.id)
            return [
                Cohort(id=r.id, name=r.name, code=r.code, instructor_id=r.instructor_id, members=n)
                for r, n in session.execute(query.order_by(CohortRow.name))
            ]

    def join_cohort(self, actor: User, code: str, *, now: datetime) -> Cohort:
        """Join a class by its enrolment code; only learners join classes."""
        if actor.is_instructor:
            raise AccessDenied("instructors make classes; only learners join one")

        def work(session: Session) -> Cohort:
            row = session.scalar(select(CohortRow).where(CohortRow.code == _normal_code(code)))
            if row is None:
                raise AccountError("no class has that enrolment code; check it with your instructor")
            if session.get(MembershipRow, (row.id, actor.id)) is None:
                session.add(MembershipRow(cohort_id=row.id, user_id=actor.id, joined_at=now))
            return Cohort(id=row.id, name=row.name, code=row.code, instructor_id=row.instructor_id)

        return self.db.run_write(work)

    def cohort_learners(self, actor: User, cohort_id: int) -> list[User]:
        """The learners of a cohort; only its own instructor may ask."""
        with self.db.read() as session:
            cohort = session.get(CohortRow, cohort_id)
            if cohort is None or not actor.is_instructor or cohort.instructor_id != actor.id:
                raise AccessDenied("you can only see the learners of your own classes")
            rows = session.scalars(
                select(UserRow)
                .join(MembershipRow, MembershipRow.user_id == UserRow.id)
                .where(MembershipRow.cohort_id == cohort_id, UserRow.role == Role.LEARNER.value)
                .order_by(UserRow.display_name)
            )
            return [_user(r) for r in rows]

    # --- access -------------------------------------------------------------------------

    def can_read(self, actor: User, learner_id: int, *, session: Session | None = None) -> bool:
        """A learner's records are readable by that learner and by the instructors of their cohorts."""
        if actor.disabled:
            return False
        if actor.id == learner_id:
            return True
        if not actor.is_instructor:
            return False
        query = (
            select(MembershipRow.user_id)
            .join(CohortRow, CohortRow.id == MembershipRow.cohort_id)
            .where(CohortRow.instructor_id == actor.id, MembershipRow.user_id == learner_id)
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
