"""Accounts under attack: each test replays a finding of the security review (cases A1-A12) and
checks that it no longer works. Every test runs on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

import learning.store.accounts as accounts
from learning.errors import AccountError, SignInError, TooManyTries
from learning.store import Role
from learning.store.accounts import Accounts
from learning.store.tables import ThrottleRow
from learning.store.throttles import Key, Scope
from learning.throttle import Limits, Rule
from tests.conftest import NOW
from tests.store.conftest import PASSWORD

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
WRONG = "not the password at all"


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every password check (argon2 verify) made, in order."""
    made: list[str] = []
    real = accounts._verify

    def counted(stored: str, password: str) -> bool:
        made.append(password)
        return real(stored, password)

    monkeypatch.setattr(accounts, "_verify", counted)
    return made


def _tries(store, key: Key) -> int:
    with store.db.read() as session:
        return session.scalar(select(ThrottleRow.tries).where(ThrottleRow.key_hash == key.digest)) or 0


def _refused(call) -> BaseException:
    with pytest.raises((SignInError, TooManyTries, AccountError)) as raised:
        call()
    return raised.value


def test_an_attacker_cannot_keep_the_owner_out(store, learner) -> None:
    """A3: five wrong passwords every 16 minutes kept any account locked, the right password
    refused. Now the attacker's own tries wait longer and longer, and the owner, from a device
    that has not been failing, gets in at every moment of the attack."""
    for cycle in range(4):
        moment = NOW + cycle * timedelta(minutes=16)
        refusals = [_refused(lambda at=moment: store.accounts.sign_in("sam", WRONG, now=at, client=ATTACKER)) for _ in range(20)]
        assert {type(r) for r in refusals} <= {SignInError, TooManyTries}
        assert store.accounts.sign_in("sam", PASSWORD, now=moment, client=OWNER).id == learner.id
        waited = _refused(lambda at=moment: store.accounts.sign_in("sam", PASSWORD, now=at, client=ATTACKER))
        assert isinstance(waited, TooManyTries), "the failing device waits, even with the right password"


def test_the_owner_getting_in_does_not_forgive_the_attacker(store, learner) -> None:
    """A right password forgives only the failures made from where it came."""
    for _ in range(5):
        _refused(lambda: store.accounts.sign_in("sam", WRONG, now=NOW, client=ATTACKER))
    store.accounts.sign_in("sam", PASSWORD, now=NOW, client=OWNER)
    assert isinstance(_refused(lambda: store.accounts.sign_in("sam", WRONG, now=NOW, client=ATTACKER)), TooManyTries)
    assert _tries(store, Key(Scope.ACCOUNT, "sam")) == 5


def test_a_flood_from_one_client_is_refused_before_any_hash(store, learner, hashes) -> None:
    """A7: 300 sign-ins from one client each paid for an argon2 hash, and a real learner's sign-in
    took up to 10 s. Now, past the client's free tries, an attempt costs one read."""
    free = store.accounts.limits.address.free
    refusals = [_refused(lambda n=n: store.accounts.sign_in(f"ghost{n}", WRONG, now=NOW, client=ATTACKER)) for n in range(300)]
    assert len(hashes) == free
    assert sum(isinstance(r, TooManyTries) for r in refusals) == 300 - free
    assert store.accounts.sign_in("sam", PASSWORD, now=NOW, client=OWNER).id == learner.id  # a learner elsewhere is not slowed
    assert len(hashes) == free + 1
    assert store.accounts.sign_in("sam", PASSWORD, now=NOW + timedelta(hours=2), client=ATTACKER).id == learner.id  # forgotten in time


def test_unknown_known_and_disabled_accounts_answer_a_wrong_password_alike(store, learner) -> None:
    """A4: the fifth wrong password said "locked" only for real accounts, and "disabled" was said
    without the password. Now every wrong password reads the same, and the throttle treats
    unknown usernames exactly as real ones."""
    store.accounts.create("dee", PASSWORD, role=Role.LEARNER, now=NOW)
    store.accounts.set_disabled("dee")
    for name in ("sam", "nobody", "dee"):
        answers = [_refused(lambda name=name: store.accounts.sign_in(name, WRONG, now=NOW, client=f"client-{name}")) for _ in range(6)]
        assert [(type(a).__name__, str(a)) for a in answers] == [("SignInError", "wrong username or password")] * 5 + [
            ("TooManyTries", "too many failed sign-ins; try again in 1 minute")
        ], name


def test_unknown_disabled_and_wrong_answer_in_about_the_same_time(store, learner, monkeypatch) -> None:
    """A5: a disabled or locked account answered in 0.3 ms and a wrong password in about 100 ms.
    Now each checks a hash of the same cost (a dummy one when there is no account)."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=3, memory_cost=16 * 1024, parallelism=1))
    never = Rule(free=1000, first_wait=timedelta(0), longest_wait=timedelta(0), forget_after=timedelta(0))
    patient = Accounts(store.db, limits=Limits(account=never))
    patient.create("timed", PASSWORD, role=Role.LEARNER, now=NOW)
    patient.create("off", PASSWORD, role=Role.LEARNER, now=NOW)
    patient.set_disabled("off")
    times: dict[str, list[float]] = {"timed": [], "nobody": [], "off": []}
    for _ in range(9):  # interleaved, so a busy moment of the machine hits all three alike
        for name, spent in times.items():
            started = time.perf_counter()
            _refused(lambda name=name: patient.sign_in(name, WRONG, now=NOW))
            spent.append(time.perf_counter() - started)
    wrong = statistics.median(times["timed"])
    for name in ("nobody", "off"):
        assert 0.5 < statistics.median(times[name]) / wrong < 2, (name, times)


def test_parallel_wrong_passwords_are_each_counted(store, learner, hashes) -> None:
    """A12: on PostgreSQL 20 parallel wrong passwords left the counter at 1. Now each is counted
    in the database under a row lock: from 20 addresses, 20 failures."""
    barrier = threading.Barrier(20)

    def guess(n: int) -> None:
        barrier.wait(10)
        _refused(lambda: store.accounts.sign_in("sam", WRONG, now=NOW, client=f"192.0.2.{n}"))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _tries(store, Key(Scope.ACCOUNT, "sam")) == 20
    assert len(hashes) == 20


def test_parallel_guesses_from_one_client_stop_at_the_limit(store, learner, hashes) -> None:
    """A12: batches of 20 parallel guesses had 60 passwords checked before a lock at 5. Now exactly
    5 are checked; the others are refused before any hash."""
    barrier = threading.Barrier(20)
    refusals: list[BaseException] = []

    def guess() -> None:
        barrier.wait(10)
        refusals.append(_refused(lambda: store.accounts.sign_in("sam", WRONG, now=NOW, client=ATTACKER)))

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(hashes) == store.accounts.limits.account.free == 5
    assert sorted(type(r).__name__ for r in refusals) == ["SignInError"] * 5 + ["TooManyTries"] * 15
    assert _tries(store, Key(Scope.ACCOUNT, "sam")) == 5


def test_sign_ups_from_one_client_are_limited(store) -> None:
    """A6: 100 accounts in 10 s from one client. Now a class's worth, then a growing wait."""
    free = store.accounts.limits.sign_up.free
    for n in range(free):
        store.accounts.create(f"spam{n:03d}", PASSWORD, role=Role.LEARNER, now=NOW, client=ATTACKER)
    refused = _refused(lambda: store.accounts.create("spam-more", PASSWORD, role=Role.LEARNER, now=NOW, client=ATTACKER))
    assert isinstance(refused, TooManyTries) and refused.reason == "sign_up"
    assert str(refused) == "too many accounts were made from this network; try again in 1 minute"
    assert store.accounts.by_username("spam-more") is None
    store.accounts.create("elsewhere", PASSWORD, role=Role.LEARNER, now=NOW, client=OWNER)
    store.accounts.create("spam-more", PASSWORD, role=Role.LEARNER, now=NOW + timedelta(minutes=1), client=ATTACKER)
    again = _refused(lambda: store.accounts.create("x-spam", PASSWORD, role=Role.LEARNER, now=NOW + timedelta(minutes=2), client=ATTACKER))
    assert isinstance(again, TooManyTries) and again.wait == timedelta(minutes=1), "the wait doubled from the last account made"


def test_wrong_enrolment_codes_wait_longer_and_longer(store, instructor, monkeypatch) -> None:
    """A8/B4: a wrong enrolment code cost nothing (2,500 guesses a second). Now a few are free,
    then each waits twice as long as the last, and no password is hashed for a wrong code."""
    cohort = store.accounts.create_cohort(instructor, "Monday", now=NOW)
    hashed: list[str] = []
    real = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda password: hashed.append(password) or real(password))

    def sign_up(code: str, at=NOW):
        return store.accounts.create("kim", PASSWORD, role=Role.LEARNER, now=at, client=ATTACKER, enrolment_code=code)

    for n in range(store.accounts.limits.code.free):
        assert str(_refused(lambda n=n: sign_up(f"ZZZZ-{n:04d}"))) == "no class has that enrolment code; check it with your instructor"
    refused = _refused(lambda: sign_up(cohort.code))
    assert isinstance(refused, TooManyTries) and refused.wait == timedelta(seconds=10), "even the right code waits"
    later = NOW + timedelta(seconds=10)
    _refused(lambda: sign_up("ZZZZ-9999", later))
    assert _refused(lambda: sign_up(cohort.code, later)).wait == timedelta(seconds=20)
    assert hashed == [] and store.accounts.by_username("kim") is None
    joined = sign_up(cohort.code, later + timedelta(seconds=20))
    assert [u.id for u in store.accounts.cohort_learners(instructor, cohort.id)] == [joined.id]


def test_a_signed_in_learner_guessing_class_codes_waits_too(store, learner, instructor) -> None:
    cohort = store.accounts.create_cohort(instructor, "Monday", now=NOW)
    for n in range(store.accounts.limits.code.free):
        assert isinstance(_refused(lambda n=n: store.accounts.join_cohort(learner, f"ZZZZ-{n:04d}", now=NOW)), AccountError)
    assert isinstance(_refused(lambda: store.accounts.join_cohort(learner, cohort.code, now=NOW)), TooManyTries)
    assert store.accounts.join_cohort(learner, cohort.code, now=NOW + timedelta(seconds=10)).id == cohort.id


def test_forgotten_throttles_are_deleted_as_new_tries_come_in(store, learner) -> None:
    for n in range(3):
        _refused(lambda n=n: store.accounts.sign_in(f"old{n}", WRONG, now=NOW, client=ATTACKER))
    _refused(lambda: store.accounts.sign_in("new", WRONG, now=NOW + timedelta(days=2), client=OWNER))
    with store.db.read() as session:
        left = set(session.scalars(select(ThrottleRow.key_hash)))
    assert left == {Key(Scope.ACCOUNT, "new").digest, Key(Scope.ACCOUNT_ADDRESS, f"new\0{OWNER}").digest, Key(Scope.ADDRESS, OWNER).digest}
