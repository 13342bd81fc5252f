"""The counts behind :mod:`learning.throttle`, kept in the database so every app server shares them.

One row a key (see :class:`~learning.store.tables.ThrottleRow`): how many tries were counted and
when the last was. A try that may cost something (a password hash, an account) is counted
*before* it is made, under a row lock (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite's write
transactions hold the whole database), so parallel tries are counted one by one and never all
slip past a limit together. A right password then forgives the failures counted from where it
came. Rows no rule remembers any more are deleted as new tries come in.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learning.store.database import Database
from learning.store.tables import ThrottleRow
from learning.throttle import Limits, Rule

PRUNE_BATCH = 200
"""Forgotten rows deleted at most per counted try: enough to keep up, too few to slow a try."""


class Scope(enum.StrEnum):
    """What a key counts."""

    ACCOUNT = "account"  # wrong passwords for one username, from anywhere
    ACCOUNT_ADDRESS = "account-address"  # wrong passwords for one username from one address
    ADDRESS = "address"  # failed sign-ins and wrong reset codes from one address
    SIGN_UP = "sign-up"  # accounts made from one address
    CODE = "code"  # wrong enrolment codes from one address, or by one learner
    VERIFY = "verify"  # certificate codes looked up from one address


@dataclass(frozen=True)
class Key:
    """One thing tries are counted against: a scope and a value (a username, an address...)."""

    scope: Scope
    value: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.scope.value}\0{self.value}".encode()).hexdigest()


@dataclass(frozen=True)
class Count:
    """The tries a key has counted that its rule still remembers, and when the last was."""

    tries: int
    last: datetime | None


class Throttles:
    """Reading, counting and forgiving tries; the rules are :class:`~learning.throttle.Limits`."""

    def __init__(self, database: Database, limits: Limits) -> None:
        self.db = database
        self.limits = limits

    def rule(self, scope: Scope) -> Rule:
        return {
            Scope.ACCOUNT: self.limits.account,
            Scope.ACCOUNT_ADDRESS: self.limits.account,
            Scope.ADDRESS: self.limits.address,
            Scope.SIGN_UP: self.limits.sign_up,
            Scope.CODE: self.limits.code,
            Scope.VERIFY: self.limits.verify,
        }[scope]

    def _count(self, key: Key, row: ThrottleRow | None, now: datetime) -> Count:
        if row is None or self.rule(key.scope).forgotten(row.last_at, now):
            return Count(0, None)
        return Count(row.tries, row.last_at)

    def counts(self, session: Session, keys: list[Key], *, now: datetime) -> dict[Key, Count]:
        """What each key has counted, as a read (no lock): for refusing a try cheaply."""
        rows = {r.key_hash: r for r in session.scalars(select(ThrottleRow).where(ThrottleRow.key_hash.in_([k.digest for k in keys])))}
        return {key: self._count(key, rows.get(key.digest), now) for key in keys}

    def lock(self, session: Session, keys: list[Key], *, now: datetime) -> Locked:
        """Each key's row, made when missing and locked until the transaction ends (always in one
        order, so two tries never wait on each other); forgotten rows of other keys are deleted."""
        rows: dict[Key, ThrottleRow] = {}
        for key in sorted(set(keys), key=lambda k: k.digest):
            row = None
            while row is None:  # a row deleted as forgotten between the insert and the lock is made again
                fresh = {"key_hash": key.digest, "scope": key.scope.value, "tries": 0, "last_at": now}
                self.db.insert_if_absent(session, ThrottleRow, fresh, key=["key_hash"])
                query = select(ThrottleRow).where(ThrottleRow.key_hash == key.digest).execution_options(populate_existing=True)
                row = self.db.for_update(session, query)
            rows[key] = row
        self._prune(session, now=now, keep=[k.digest for k in rows])
        return Locked(self, rows, now)

    def _prune(self, session: Session, *, now: datetime, keep: list[str]) -> None:
        # SKIP LOCKED: a row another try holds is left for later, so pruning never waits on anyone.
        stale = (
            select(ThrottleRow.key_hash)
            .where(ThrottleRow.last_at < now - self.limits.longest_memory(), ThrottleRow.key_hash.not_in(keep))
            .limit(PRUNE_BATCH)
            .with_for_update(skip_locked=True)
        )
        session.execute(delete(ThrottleRow).where(ThrottleRow.key_hash.in_(stale)))


class Locked:
    """Keys locked in one write transaction: their counts, and the changes to make to them."""

    def __init__(self, throttles: Throttles, rows: dict[Key, ThrottleRow], now: datetime) -> None:
        self._throttles = throttles
        self._rows = rows
        self._now = now
        self.counts = {key: throttles._count(key, row, now) for key, row in rows.items()}

    def count_try(self, keys: list[Key] | None = None) -> None:
        """Count one more try against ``keys`` (every locked key by default)."""
        for key in keys if keys is not None else list(self._rows):
            row = self._rows[key]
            row.tries = self.counts[key].tries + 1
            row.last_at = self._now
            self.counts[key] = Count(row.tries, self._now)

    def forgive(self, source: Key, others: list[Key]) -> None:
        """Take the tries ``source`` counted off ``others`` too, and clear ``source``: a right
        password forgives the failures made from where it came, and only those."""
        tries = self.counts[source].tries
        for key in others:
            row = self._rows[key]
            row.tries = max(0, self.counts[key].tries - tries)
            self.counts[key] = Count(row.tries, self.counts[key].last)
        self._rows[source].tries = 0
        self.counts[source] = Count(0, self.counts[source].last)

    def uncount(self, keys: list[Key]) -> None:
        """Take back one try counted against ``keys`` (it turned out right)."""
        for key in keys:
            row = self._rows[key]
            row.tries = max(0, self.counts[key].tries - 1)
            self.counts[key] = Count(row.tries, self.counts[key].last)

    def clear(self, keys: list[Key]) -> None:
        for key in keys:
            self._rows[key].tries = 0
            self.counts[key] = Count(0, self.counts[key].last)
