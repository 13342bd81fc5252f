"""Accounts, sign-in, cohorts, password reset codes and who may read what.

Passwords are hashed with argon2id (``argon2-cffi``) and checked with zxcvbn, which refuses the
passwords people guess first. There are no default accounts: the first instructor is made with
``python -m learning users add NAME --role instructor``. Failed sign-ins, accounts made and wrong
enrolment codes are throttled by username and by client address (:mod:`learning.throttle`), never
locked for good, so nobody can keep the owner of an account out. An unknown, disabled or wrong
account answers a wrong password alike, in the same time. An instructor sees only the learners of the cohorts they
teach (their own, and those whose owner added them as a co-instructor); a learner sees only their
own records. Every check here runs on the server, against the database.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import os
import re
import secrets
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from zxcvbn import zxcvbn

from learning.errors import AccessDenied, AccountError, LearningError, SignInError, TooManyTries
from learning.store import audit
from learning.store.audit import Action
from learning.store.database import Database
from learning.store.tables import CohortRow, CoInstructorRow, MembershipRow, PasswordResetRow, ThrottleRow, UserRow
from learning.store.throttles import Count, Key, Scope, Throttles
from learning.throttle import Limits, wait_words

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
HASH_WAIT_SECONDS = 10
MIN_PASSWORD = 10
MAX_PASSWORD = 256
STRONG_ENOUGH = 3
"""zxcvbn's score (0 to 4) a new password needs: 3 means about 10^8 guesses or more, past every
list of common passwords; "Welcome123!" scores 1, "correct horse battery" 4."""
ZXCVBN_LENGTH = 72
"""zxcvbn looks at this many characters at most (its own limit: its work grows fast with length)."""
COURSE_WORDS = ("massage", "therapist", "therapy", "medical", "masseur", "masseuse", "spa", "learner", "student")
"""Words everyone at a massage school would try first: guessed as if they were common passwords."""
WRONG = "wrong username or password"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RESET_HOURS = 48
RESET_TRIES = 5
CLOSED = "this class is closed to new learners; ask your instructor"
NO_SUCH_CODE = "no class has that enrolment code; check it with your instructor"
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.lru_cache(maxsize=4)
def _dummy_for(time_cost: int, memory_cost: int, parallelism: int, hash_len: int, salt_len: int, kind: Type) -> str:
    hasher = PasswordHasher(time_cost, memory_cost, parallelism, hash_len, salt_len, type=kind)
    return hasher.hash("a password nobody has, for timing")


def _dummy_hash() -> str:
    """A hash made with the current costs, checked when there is no account (or no password), so
    that a wrong password takes as long whether or not the account exists."""
    h = _hasher
    return _dummy_for(h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len, h.type)


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
    """Everything wrong with a new password, in words a person can act on (empty when fine).

    Besides length and the username, the password must not be one people guess first: zxcvbn
    (Dropbox's estimator, with its lists of the most common passwords, words and names, and the
    course's own words) must rate it 3 of 4 or better, which refuses ``password12``,
    ``Welcome123!`` or ``massage1234`` and accepts a few unrelated words.
    """
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(f"use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        problems.append(f"use at most {MAX_PASSWORD} characters")
    lowered = password.casefold()
    if username and username.casefold() in lowered:
        problems.append("do not include your username")
    elif len(password) >= MIN_PASSWORD:
        rated = zxcvbn(password[:ZXCVBN_LENGTH], user_inputs=[username, *COURSE_WORDS])
        if rated["score"] < STRONG_ENOUGH:
            why = str(rated["feedback"]["warning"] or "it is made of common words or patterns").rstrip(".")
            problems.append(f"it is too easy to guess ({why[0].lower() + why[1:]}); a few unrelated words make a strong password")
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
        limits: Limits | None = None,
        hashing_slots: int | None = None,
        hash_wait: float = HASH_WAIT_SECONDS,
    ) -> None:
        self.db = database
        self.limits = limits or Limits()
        self.throttles = Throttles(database, self.limits)
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
        client: str | None = None,
    ) -> User:
        """Create an account; a learner with an enrolment code joins that cohort.

        ``client`` is the address a sign-up came from (see :func:`learning.throttle.client_address`):
        the accounts made and the wrong enrolment codes tried from it are limited. None (the
        command line, single sign-on) is not limited.

        Raises:
            AccountError: the username is taken or malformed, the password breaks the policy,
                or the enrolment code matches no cohort.
            TooManyTries: too many accounts made, or wrong codes tried, from this client lately.
        """
        name = normalise_username(username)
        if not USERNAME.match(name):
            raise AccountError("a username is 3 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit")
        if password is not None:
            problems = password_problems(password, username=name)
            if problems:
                raise AccountError("password: " + "; ".join(problems))
        sign_ups = [Key(Scope.SIGN_UP, client)] if client is not None else []
        codes = [Key(Scope.CODE, client)] if client is not None and enrolment_code else []
        with self.db.read() as session:  # everything that refuses cheaply, before the slow hash
            self._refuse_if_waiting(session, sign_ups, "sign_up", now=now)
            self._refuse_if_waiting(session, codes, "code", now=now)
            if session.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
                raise AccountError(f"the username {name!r} is taken; choose another")
            known = enrolment_code is None or session.scalar(select(CohortRow.id).where(CohortRow.code == _normal_code(enrolment_code)))
        if not known:
            self._count_wrong_code(codes, now=now)
        with self._turn_to_hash(signing_in=False):  # outside the write: it is slow
            password_hash = hash_password(password) if password is not None else None

        def work(session: Session) -> User | LearningError:
            if sign_ups:
                locked = self.throttles.lock(session, sign_ups, now=now)
                wait = self.limits.sign_up.wait(locked.counts[sign_ups[0]].tries, locked.counts[sign_ups[0]].last, now)
                if wait:
                    return _too_many("sign_up", wait)
                locked.count_try()
            if session.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
                return AccountError(f"the username {name!r} is taken; choose another")
            cohort = None
            if enrolment_code:
                cohort = session.scalar(select(CohortRow).where(CohortRow.code == _normal_code(enrolment_code)))
                if cohort is None:
                    return AccountError(NO_SUCH_CODE)
                if not cohort.enrolment_open:
                    return AccountError(CLOSED)
            row = UserRow(
                username=name,
                display_name=(display_name or name).strip()[:120] or name,
                email=email.strip().lower() if email else None,
                role=role.value,
                password_hash=password_hash,
                disabled=False,
                created_at=now,
            )
            session.add(row)
            session.flush()
            if cohort is not None:
                session.add(MembershipRow(cohort_id=cohort.id, user_id=row.id, joined_at=now))
            return user_of(row)

        try:
            made = self.db.run_write(work)
        except IntegrityError:
            raise AccountError(f"the username {name!r} is taken; choose another") from None
        if isinstance(made, LearningError):
            raise made
        return made

    def _refuse_if_waiting(self, session: Session, keys: list[Key], reason: str, *, now: datetime) -> None:
        """Raise :class:`TooManyTries` when one of ``keys`` must wait (a read: no lock, no write)."""
        if not keys:
            return
        counts = self.throttles.counts(session, keys, now=now)
        wait = max(self.throttles.rule(k.scope).wait(c.tries, c.last, now) for k, c in counts.items())
        if wait:
            raise _too_many(reason, wait)

    def _count_wrong_code(self, keys: list[Key], *, now: datetime) -> None:
        """Count a wrong enrolment code against ``keys``, then refuse it (or say to wait, when a
        parallel guess got there first)."""

        def work(session: Session) -> LearningError:
            locked = self.throttles.lock(session, keys, now=now)
            wait = max((self.limits.code.wait(c.tries, c.last, now) for c in locked.counts.values()), default=timedelta(0))
            if wait:
                return _too_many("code", wait)
            locked.count_try()
            return AccountError(NO_SUCH_CODE)

        raise self.db.run_write(work) if keys else AccountError(NO_SUCH_CODE)

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
        """Give an account a new password (the command line): every session of it ends.

        Raises:
            AccountError: no such account, or the password breaks the policy.
        """
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
            # A new password set on the command line forgets the failed sign-ins at this username,
            # and signs every browser out (someone may have known the old one).
            session.execute(delete(ThrottleRow).where(ThrottleRow.key_hash == Key(Scope.ACCOUNT, name).digest))
            _end_sessions(session, row.id)

        self.db.run_write(work)

    def set_disabled(self, username: str, disabled: bool = True) -> None:
        """Disable an account (every session of it ends: open tabs show the sign-in screen at
        their next run) or enable it again.

        Raises:
            AccountError: no such account.
        """
        name = normalise_username(username)

        def work(session: Session) -> None:
            row = session.scalar(select(UserRow).where(UserRow.username == name))
            if row is None:
                raise AccountError(f"no account {name!r}")
            row.disabled = disabled
            if disabled:
                _end_sessions(session, row.id)

        self.db.run_write(work)

    def set_exam_date(self, actor: User, exam_date: date | None, *, now: datetime) -> User:
        """Set (or clear) the learner's own exam date; their study plan starts ``now``."""

        def work(session: Session) -> User:
            row = session.get_one(UserRow, actor.id)
            row.exam_date = exam_date
            row.exam_date_set_at = now if exam_date is not None else None
            return user_of(row)

        return self.db.run_write(work)

    def has_password(self, user_id: int) -> bool:
        """Whether the account signs in with a password (not only through single sign-on)."""
        with self.db.read() as session:
            return session.scalar(select(UserRow.password_hash).where(UserRow.id == user_id)) is not None

    def change_password(
        self, actor: User, current: str, new: str, *, now: datetime, client: str | None = None, keep: str | None = None
    ) -> None:
        """A person changes their own password: the current one is checked as a sign-in is (a
        wrong one counts as a failed sign-in from ``client``), the new one must pass the same
        rules as at sign-up, and every other session of the account ends (``keep``: the asking
        browser's session id, which stays signed in).

        Raises:
            AccountError: the new password breaks the policy, or the account has no password.
            SignInError: the current password is wrong (``wrong_password``), or ``busy``.
            TooManyTries: too many failures from this client or at this username lately.
        """
        problems = password_problems(new, username=actor.username)
        if problems:
            raise AccountError("new password: " + "; ".join(problems))
        if not self.has_password(actor.id):
            raise AccountError("this account signs in through your school; change your password there")
        checked = self.sign_in(actor.username, current, now=now, client=client)
        if checked.id != actor.id:
            raise SignInError(WRONG, reason="wrong_password")
        with self._turn_to_hash(signing_in=False):  # outside the write: it is slow
            password_hash = hash_password(new)

        def work(session: Session) -> None:
            row = session.get_one(UserRow, actor.id)
            row.password_hash = password_hash
            _end_sessions(session, row.id, keep=keep)

        self.db.run_write(work)

    # --- signing in ---------------------------------------------------------------------

    def sign_in(self, username: str, password: str, *, now: datetime, client: str | None = None) -> User:
        """Check a username and password.

        Tries are throttled (:class:`~learning.throttle.Limits`), never locked: by ``client``
        address (the address a sign-in came from; None, the command line, is not limited) before
        any password is hashed, and by username for the addresses that have failed on it. The
        owner's right password from a device that has not been failing always gets in. An
        unknown or disabled account answers a wrong password exactly as a wrong password does, in
        the same time; "disabled" is said only after the right password.

        Raises:
            SignInError: ``wrong_password``, ``disabled`` (right password) or ``busy``.
            TooManyTries: too many failures from this client, or at this username from this
                client, lately; nothing was checked.
        """
        name = normalise_username(username)
        keys = _SignInKeys(name, client)
        with self.db.read() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == name))
            seen = None if row is None or row.password_hash is None else (row.id, row.password_hash)
            counts = self.throttles.counts(session, keys.all, now=now)
        wait = self._sign_in_wait(keys, counts, now)
        if wait:  # a flood from one client ends here: a read, no hash, no write
            raise _too_many("sign_in", wait)
        user_id, stored_hash = seen if seen is not None else (None, _dummy_hash())
        # argon2 takes 100 ms or more: it runs outside every transaction, so a sign-in never holds
        # the write lock that learners' answers wait on. The try is counted as a failure first, in
        # a short write under row locks (so parallel guesses are counted one by one), and forgiven
        # below if the password was right.
        with self._turn_to_hash():
            self._count_sign_in_try(keys, now=now)
            matches = _verify(stored_hash, password)
            rehashed = hash_password(password) if matches and user_id is not None and _hasher.check_needs_rehash(stored_hash) else None
        if user_id is None or not matches:
            raise SignInError(WRONG, reason="wrong_password")

        def work(session: Session) -> User | SignInError:
            row = self.db.for_update(session, select(UserRow).where(UserRow.id == user_id))
            if row is None or row.password_hash != stored_hash:  # deleted, or the password changed meanwhile
                return SignInError(WRONG, reason="wrong_password")
            self.throttles.lock(session, keys.all, now=now).forgive(keys.pair, keys.forgiven)
            if row.disabled:
                return SignInError("this account is disabled; ask your instructor", reason="disabled")
            if rehashed is not None:
                row.password_hash = rehashed
            return user_of(row)

        outcome = self.db.run_write(work)
        if isinstance(outcome, SignInError):
            raise outcome
        return outcome

    def _sign_in_wait(self, keys: _SignInKeys, counts: dict[Key, Count], now: datetime) -> timedelta:
        """How long this sign-in must wait: the client's own failures count whatever the username;
        the username's failures count only for a client that has failed on it itself."""
        waits = [timedelta(0)]
        if keys.address is not None:
            address = counts[keys.address]
            waits.append(self.limits.address.wait(address.tries, address.last, now))
        if counts[keys.pair].tries:
            account = counts[keys.account]
            waits.append(self.limits.account.wait(account.tries, account.last, now))
        return max(waits)

    def _count_sign_in_try(self, keys: _SignInKeys, *, now: datetime) -> None:
        def work(session: Session) -> timedelta:
            locked = self.throttles.lock(session, keys.all, now=now)
            wait = self._sign_in_wait(keys, locked.counts, now)
            if not wait:
                locked.count_try()
            return wait

        wait = self.db.run_write(work)
        if wait:  # parallel tries counted first
            raise _too_many("sign_in", wait)

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

    def join_cohort(self, actor: User, code: str, *, now: datetime, client: str | None = None) -> Cohort:
        """Join a class by its enrolment code; only learners join classes, and only while enrolment is open.

        Wrong codes are limited for the learner, and for ``client`` (the address the request came
        from) when given, with a wait that grows: guessing a class's code is not worth trying.

        Raises:
            AccountError: no class has that code, or the class is closed to new learners.
            TooManyTries: too many wrong codes lately; nothing was checked.
        """
        if actor.is_instructor:
            raise AccessDenied("instructors make classes; only learners join one")
        keys = [Key(Scope.CODE, f"learner {actor.id}"), *([Key(Scope.CODE, client)] if client is not None else [])]
        with self.db.read() as session:
            self._refuse_if_waiting(session, keys, "code", now=now)
            known = session.scalar(select(CohortRow.id).where(CohortRow.code == _normal_code(code))) is not None
        if not known:
            self._count_wrong_code(keys, now=now)

        def work(session: Session) -> Cohort | LearningError:
            row = session.scalar(select(CohortRow).where(CohortRow.code == _normal_code(code)))
            if row is None:  # the class was deleted meanwhile
                return AccountError(NO_SUCH_CODE)
            if session.get(MembershipRow, (row.id, actor.id)) is None:
                if not row.enrolment_open:
                    return AccountError(CLOSED)
                session.add(MembershipRow(cohort_id=row.id, user_id=actor.id, joined_at=now))
            return cohort_of(row)

        joined = self.db.run_write(work)
        if isinstance(joined, LearningError):
            raise joined
        return joined

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

    def reset_password(self, username: str, code: str, new_password: str, *, now: datetime, client: str | None = None) -> User:
        """Choose a new password with a reset code: the code must be the learner's newest, unused,
        unexpired and tried wrongly fewer than :data:`RESET_TRIES` times. The username's failed
        sign-ins are forgotten. A wrong code counts as a failed sign-in from ``client``.

        Raises:
            AccountError: the code is wrong, used or expired (one message for all, so codes cannot
                be probed), or the new password breaks the policy.
            TooManyTries: too many failures from this client lately; nothing was checked.
        """
        name = normalise_username(username)
        problems = password_problems(new_password, username=name)
        if problems:
            raise AccountError("password: " + "; ".join(problems))
        refused = AccountError("that reset code is not valid: it may be mistyped, used or expired; ask your instructor for a new one")
        keys = _SignInKeys(name, client)
        address = [keys.address] if keys.address is not None else []
        with self.db.read() as session:
            self._refuse_if_waiting(session, address, "sign_in", now=now)
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
            if address:
                self._count_address_try(address, now=now)
            matches = _verify(found.code_hash if found else _dummy_hash(), _normal_reset(code))
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
            _end_sessions(session, user.id)
            locked = self.throttles.lock(session, keys.all, now=now)
            locked.clear([keys.account, keys.pair])
            if address:
                locked.uncount(address)
            return user_of(user)

        if found is None:
            raise refused
        user = self.db.run_write(work)
        if user is None:
            raise refused
        return user

    def _count_address_try(self, keys: list[Key], *, now: datetime) -> None:
        def work(session: Session) -> timedelta:
            locked = self.throttles.lock(session, keys, now=now)
            wait = max(self.limits.address.wait(c.tries, c.last, now) for c in locked.counts.values())
            if not wait:
                locked.count_try()
            return wait

        wait = self.db.run_write(work)
        if wait:
            raise _too_many("sign_in", wait)

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


def _end_sessions(session: Session, user_id: int, *, keep: str | None = None) -> int:
    from learning.store.sessions import end_sessions  # imported here: the sessions module builds User from this one

    return end_sessions(session, user_id, keep=keep)


def require_self(actor: User, learner_id: int) -> None:
    """Only the learner may change their own records (answers, progress, reviews)."""
    if actor.disabled or actor.id != learner_id:
        raise AccessDenied("only the learner can change their own records")


def _require_instructor(actor: User) -> None:
    if actor.disabled or not actor.is_instructor:
        raise AccessDenied("only instructors can do this")


class _SignInKeys:
    """The keys one sign-in is counted against: the username, the client's address, and both."""

    def __init__(self, name: str, client: str | None) -> None:
        self.account = Key(Scope.ACCOUNT, name)
        self.pair = Key(Scope.ACCOUNT_ADDRESS, f"{name}\0{client or ''}")
        self.address = Key(Scope.ADDRESS, client) if client is not None else None
        self.all = [self.account, self.pair, *([self.address] if self.address is not None else [])]
        self.forgiven = [self.account, *([self.address] if self.address is not None else [])]
        """What a right password takes the client's own failures off."""


def _too_many(reason: str, wait: timedelta) -> TooManyTries:
    what = {
        "sign_in": "too many failed sign-ins",
        "sign_up": "too many accounts were made from this network",
        "code": "too many wrong enrolment codes",
        "verify": "too many certificate codes were checked from this network",
    }[reason]
    return TooManyTries(f"{what}; try again in {wait_words(wait)}", reason=reason, wait=wait)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
