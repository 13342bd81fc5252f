"""Server-side sessions: ids hashed at rest, idle and absolute ends, one-time handoff tokens, and
every way a session ends (sign out, sign out everywhere, disabling, a new password)."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from learning.errors import AccountError, SignInError
from learning.store import Role
from learning.store.sessions import Sessions, device_name, digest
from learning.store.tables import SessionHandoffRow, SessionRow
from tests.conftest import NOW
from tests.store.conftest import PASSWORD

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
NEW_PASSWORD = "purple lanterns drift slowly"


def start(store, user, *, at=NOW, persistent: bool = False, agent: str | None = CHROME) -> str:
    return store.sessions.start(user.id, now=at, persistent=persistent, user_agent=agent)


def test_a_session_signs_its_account_in_and_only_its_digest_is_stored(store, learner) -> None:
    raw = start(store, learner)
    assert store.sessions.user_for(raw, now=NOW + timedelta(minutes=5)) == learner
    with store.db.read() as session:
        stored = [tuple(str(value) for value in row) for row in session.execute(select(SessionRow.__table__))]
    assert len(stored) == 1
    assert not any(raw in value for value in stored[0])  # the id itself is nowhere in the table
    assert stored[0][0] == digest(raw)
    # A leaked digest is no cookie: it is not an id, and hashing it again matches nothing.
    assert store.sessions.user_for(digest(raw), now=NOW) is None


def test_every_sign_in_gets_a_new_random_id(store, learner) -> None:
    ids = {start(store, learner) for _ in range(20)}
    assert len(ids) == 20
    assert all(len(raw) == 43 for raw in ids)


@pytest.mark.parametrize(
    "cookie",
    ["", "x", "learning_session", "A" * 43, "A" * 42 + "!", "A" * 44, "../../etc/passwd", "' OR '1'='1", "é" * 43],
)
def test_a_forged_id_signs_nobody_in(store, learner, cookie: str) -> None:
    start(store, learner)
    assert store.sessions.user_for(cookie, now=NOW) is None


@pytest.mark.parametrize(
    ("persistent", "used_after_hours", "checked_after_hours", "signed_in"),
    [
        (False, [], 7.99, True),  # within the idle time
        (False, [], 8, False),  # 8 hours without use
        (False, [4, 8], 11.5, True),  # used now and then: still on...
        (False, [7, 11.9], 12, False),  # ...but a browser session ends 12 hours after sign-in, however used
        (True, [7, 14, 21], 28, True),  # "Keep me signed in" outlives 12 hours while used
        (True, [7.5 * n for n in range(1, 96)], 24 * 30, False),  # and ends after 30 days, however used
        (True, [], 9, False),  # it too ends after 8 hours without use
    ],
)
def test_a_session_ends_when_idle_too_long_or_at_its_absolute_end(
    store, learner, persistent: bool, used_after_hours: list[float], checked_after_hours: float, signed_in: bool
) -> None:
    raw = start(store, learner, persistent=persistent)
    for hours in used_after_hours:
        assert store.sessions.user_for(raw, now=NOW + timedelta(hours=hours)) == learner, hours
    found = store.sessions.user_for(raw, now=NOW + timedelta(hours=checked_after_hours))
    assert (found == learner) is signed_in


def test_last_seen_is_written_at_most_once_a_minute(store, learner) -> None:
    raw = start(store, learner)
    for seconds in (10, 30, 59):
        store.sessions.user_for(raw, now=NOW + timedelta(seconds=seconds))
    assert store.sessions.active(learner.id, now=NOW + timedelta(seconds=59))[0].last_seen_at == NOW
    store.sessions.user_for(raw, now=NOW + timedelta(seconds=61))
    assert store.sessions.active(learner.id, now=NOW + timedelta(seconds=62))[0].last_seen_at == NOW + timedelta(seconds=61)


def test_sign_out_ends_one_session_and_everywhere_ends_them_all(store, learner, instructor) -> None:
    laptop, phone, tablet = (start(store, learner) for _ in range(3))
    teacher = start(store, instructor)
    store.sessions.end(phone)
    assert store.sessions.user_for(phone, now=NOW) is None
    assert store.sessions.user_for(laptop, now=NOW) == learner
    store.sessions.end("not a session at all")  # no error
    assert store.sessions.end_all(learner.id, keep=laptop) == 1
    assert store.sessions.user_for(tablet, now=NOW) is None
    assert store.sessions.user_for(laptop, now=NOW) == learner
    assert store.sessions.end_all(learner.id) == 1
    assert store.sessions.user_for(laptop, now=NOW) is None
    assert store.sessions.user_for(teacher, now=NOW) == instructor  # someone else's sessions are untouched


def test_disabling_an_account_ends_its_sessions_for_good(store, learner) -> None:
    raw = start(store, learner)
    store.accounts.set_disabled("sam")
    assert store.sessions.user_for(raw, now=NOW) is None
    store.accounts.set_disabled("sam", False)
    assert store.sessions.user_for(raw, now=NOW) is None  # enabling again brings no old session back


def test_a_disabled_account_is_refused_even_with_a_live_session_row(store, learner) -> None:
    raw = start(store, learner)
    with store.db.write() as session:  # disabled by hand in the database, sessions left in place
        session.execute(text("UPDATE users SET disabled = :yes WHERE id = :id"), {"yes": True, "id": learner.id})
    assert store.sessions.user_for(raw, now=NOW) is None


def test_a_new_password_ends_every_session(store, learner) -> None:
    raw = start(store, learner)
    store.accounts.set_password("sam", NEW_PASSWORD)
    assert store.sessions.user_for(raw, now=NOW) is None


def test_a_password_reset_with_a_code_ends_every_session(store, learner, instructor) -> None:
    cohort = store.accounts.create_cohort(instructor, "Monday class", now=NOW)
    store.accounts.join_cohort(learner, cohort.code, now=NOW)
    raw = start(store, learner)
    code = store.accounts.issue_reset_code(instructor, learner.id, now=NOW)
    store.accounts.reset_password("sam", code, NEW_PASSWORD, now=NOW)
    assert store.sessions.user_for(raw, now=NOW) is None


def test_changing_ones_own_password_keeps_this_browser_and_ends_the_others(store, learner) -> None:
    here, elsewhere = start(store, learner), start(store, learner, agent=IPHONE)
    store.accounts.change_password(learner, PASSWORD, NEW_PASSWORD, now=NOW, client="192.0.2.1", keep=here)
    assert store.sessions.user_for(here, now=NOW) == learner
    assert store.sessions.user_for(elsewhere, now=NOW) is None
    assert store.accounts.sign_in("sam", NEW_PASSWORD, now=NOW) == learner
    with pytest.raises(SignInError):
        store.accounts.sign_in("sam", PASSWORD, now=NOW)


@pytest.mark.parametrize(
    ("current", "new", "error", "words"),
    [
        ("not my password", NEW_PASSWORD, SignInError, "wrong username or password"),
        (PASSWORD, "password12", AccountError, "too easy to guess"),
        (PASSWORD, "short", AccountError, "at least 10 characters"),
        (PASSWORD, "sam is my name here", AccountError, "do not include your username"),
    ],
)
def test_a_password_change_is_refused_without_the_current_password_or_with_a_weak_one(
    store, learner, current: str, new: str, error: type[Exception], words: str
) -> None:
    here, elsewhere = start(store, learner), start(store, learner)
    with pytest.raises(error, match=words):
        store.accounts.change_password(learner, current, new, now=NOW, client="192.0.2.1", keep=here)
    assert store.sessions.user_for(elsewhere, now=NOW) == learner  # nothing changed
    assert store.accounts.sign_in("sam", PASSWORD, now=NOW) == learner


def test_an_account_without_a_password_cannot_change_one_here(store) -> None:
    sso = store.accounts.sign_in_sso("kim@school.example", name="Kim", now=NOW)
    assert not store.accounts.has_password(sso.id)
    with pytest.raises(AccountError, match="through your school"):
        store.accounts.change_password(sso, "anything", NEW_PASSWORD, now=NOW)


def test_the_command_line_set_password_ends_the_sessions(store, learner, database_url, monkeypatch, capsys) -> None:
    from learning.__main__ import main

    raw = start(store, learner)
    monkeypatch.setenv("LEARNING_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    assert main(["users", "set-password", "sam", "--password-stdin"]) == 0
    capsys.readouterr()
    assert store.sessions.user_for(raw, now=NOW) is None


def test_a_handoff_token_works_once(store, learner) -> None:
    raw = start(store, learner, persistent=True)
    token = store.sessions.handoff(raw, now=NOW)
    handed = store.sessions.redeem(token, now=NOW + timedelta(seconds=5))
    assert handed is not None
    assert (handed.session_id, handed.persistent, handed.expires_at) == (raw, True, NOW + timedelta(days=30))
    assert store.sessions.redeem(token, now=NOW + timedelta(seconds=6)) is None


def test_a_handoff_token_expires_within_a_minute(store, learner) -> None:
    raw = start(store, learner)
    late, in_time = store.sessions.handoff(raw, now=NOW), store.sessions.handoff(raw, now=NOW)
    assert store.sessions.redeem(late, now=NOW + timedelta(seconds=60)) is None
    assert store.sessions.redeem(in_time, now=NOW + timedelta(seconds=59)) is not None


def test_a_handoff_token_is_refused_when_unknown_or_its_session_ended(store, learner) -> None:
    raw = start(store, learner)
    token = store.sessions.handoff(raw, now=NOW)
    assert store.sessions.redeem(start(store, learner), now=NOW) is None  # a session id is not a token
    assert store.sessions.redeem("forged", now=NOW) is None
    store.sessions.end(raw)
    assert store.sessions.redeem(token, now=NOW) is None


def test_the_handoff_table_holds_neither_the_token_nor_the_session_id(store, learner) -> None:
    raw = start(store, learner)
    token = store.sessions.handoff(raw, now=NOW)
    with store.db.read() as session:
        row = session.scalar(select(SessionHandoffRow))
    assert row is not None
    values = [row.token_hash, row.session_hash, row.sealed_id]
    assert not any(token in v or raw in v for v in values)
    assert row.token_hash == digest(token)


def test_parallel_redeems_of_one_token_let_exactly_one_through(store, learner) -> None:
    raw = start(store, learner)
    token = store.sessions.handoff(raw, now=NOW)
    results: list[object] = []
    barrier = threading.Barrier(6)

    def redeem() -> None:
        barrier.wait()
        results.append(store.sessions.redeem(token, now=NOW))

    threads = [threading.Thread(target=redeem) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == 1


def test_active_lists_a_persons_live_sessions_newest_use_first(store, learner, instructor) -> None:
    laptop = start(store, learner, agent=CHROME)
    phone = start(store, learner, at=NOW + timedelta(minutes=1), agent=IPHONE, persistent=True)
    ended = start(store, learner, agent=None)
    store.sessions.end(ended)
    start(store, instructor)
    store.sessions.user_for(laptop, now=NOW + timedelta(minutes=10))
    listed = store.sessions.active(learner.id, now=NOW + timedelta(minutes=11), current=phone)
    assert [(s.device, s.current, s.persistent) for s in listed] == [("Chrome on Linux", False, False), ("Safari on iPhone", True, True)]
    assert listed[0].last_seen_at == NOW + timedelta(minutes=10)
    assert listed[0].expires_at == NOW + timedelta(minutes=10, hours=8)  # the idle end comes first
    assert store.sessions.active(learner.id, now=NOW + timedelta(hours=9)) == []


def test_purge_deletes_ended_sessions_and_stale_tokens(store, learner) -> None:
    old = start(store, learner)
    store.sessions.handoff(old, now=NOW)
    fresh = start(store, learner, at=NOW + timedelta(hours=7))
    assert store.sessions.purge(now=NOW + timedelta(hours=9)) == 1
    with store.db.read() as session:
        assert list(session.scalars(select(SessionRow.id_hash))) == [digest(fresh)]
        assert session.scalar(select(SessionHandoffRow.token_hash)) is None


def test_starting_a_session_purges_ended_ones(store, learner) -> None:
    start(store, learner)
    start(store, learner, at=NOW + timedelta(days=1))
    with store.db.read() as session:
        assert len(list(session.scalars(select(SessionRow.id_hash)))) == 1


def test_deleting_an_account_deletes_its_sessions(store, learner) -> None:
    start(store, learner)
    with store.db.write() as session:
        session.execute(text("DELETE FROM users WHERE id = :id"), {"id": learner.id})
    with store.db.read() as session:
        assert session.scalar(select(SessionRow.id_hash)) is None


def test_rules_come_from_the_settings(database_url, course, monkeypatch) -> None:
    from learning.settings import Settings
    from learning.store import Store

    monkeypatch.setenv("LEARNING_SESSION_IDLE_HOURS", "1")
    monkeypatch.setenv("LEARNING_SESSION_REMEMBER_DAYS", "2")
    monkeypatch.setenv("LEARNING_SESSION_BROWSER_HOURS", "3")
    store = Store.open(database_url, course=lambda: course, settings=Settings())
    try:
        rules = store.sessions.rules
        assert (rules.idle, rules.remembered, rules.browser) == (timedelta(hours=1), timedelta(days=2), timedelta(hours=3))
        user = store.accounts.create("kim", PASSWORD, role=Role.LEARNER, now=NOW)
        raw = start(store, user)
        assert store.sessions.user_for(raw, now=NOW + timedelta(minutes=59)) == user
        assert store.sessions.user_for(raw, now=NOW + timedelta(minutes=59 + 60)) is None
    finally:
        store.close()


def test_sessions_is_on_the_store(store) -> None:
    assert isinstance(store.sessions, Sessions)


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (CHROME, "Chrome on Linux"),
        (IPHONE, "Safari on iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "An unknown browser"),
        (None, "An unknown browser"),
        ("Mozilla/5.0 (X11; Linux x86_64)", "A browser on Linux"),
    ],
)
def test_device_names(agent: str | None, device: str) -> None:
    assert device_name(agent) == device
