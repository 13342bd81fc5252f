"""Server-side sessions: how a browser stays signed in across reloads, new tabs and servers.

Signing in starts a session: a random id that the browser keeps in a cookie and the database
keeps only as its SHA-256 digest, so a copy of the table signs nobody in. A session ends when the
person signs out, after :attr:`SessionRules.idle` without use, at its absolute end (30 days with
"Keep me signed in", else 12 hours, in a cookie the browser drops when it closes), and when the
account is disabled or its password changes (:mod:`learning.store.accounts` deletes the rows).

The cookie is set by an HTTP response, not by the app's run: the run asks for a one-time
:meth:`Sessions.handoff` token and sends the browser to ``/auth/session?token=...``
(:mod:`learning.web.app`), which :meth:`Sessions.redeem` s it once, within a minute::

    raw = store.sessions.start(user.id, now=now, persistent=True, user_agent=agent)
    token = store.sessions.handoff(raw, now=now)       # the run sends the browser here
    handed = store.sessions.redeem(token, now=now)     # the route sets handed.session_id as the cookie
    store.sessions.user_for(raw, now=now)              # every new run of the app: who this is
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import Session

from learning.store.accounts import User, user_of
from learning.store.database import Database
from learning.store.tables import SessionHandoffRow, SessionRow, UserRow

ID_BYTES = 32
"""256 random bits a session id (and a handoff token): far past guessing."""
AGENT_LENGTH = 255


class SessionRules(BaseModel):
    """How long sessions last (the numbers come from :class:`learning.settings.Settings`)."""

    model_config = ConfigDict(frozen=True)

    idle: timedelta = timedelta(hours=8)
    """A session not used for this long ends, whatever else."""
    remembered: timedelta = timedelta(days=30)
    """The longest a "Keep me signed in" session lasts."""
    browser: timedelta = timedelta(hours=12)
    """The longest any other session lasts on the server (its cookie also dies with the browser)."""
    handoff: timedelta = timedelta(seconds=60)
    """How long a handoff token works (once)."""
    touch_every: timedelta = timedelta(minutes=1)
    """``last_seen`` is written at most this often per session: a page run is a read, not a write."""


class ActiveSession(BaseModel):
    """One browser a person is signed in on, as the account page lists it."""

    model_config = ConfigDict(frozen=True)

    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    persistent: bool
    user_agent: str | None
    device: str
    """The user agent in a few words, such as "Chrome on Windows"."""
    current: bool
    """The session of the browser asking."""


class Handed(BaseModel):
    """What a redeemed handoff token gives the route that sets the cookie."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    persistent: bool
    expires_at: datetime


def digest(raw: str) -> str:
    """The SHA-256 hex digest under which a session id (or token) is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(ID_BYTES)).rstrip(b"=").decode()


def _id_bytes(raw: str) -> bytes | None:
    """The 32 bytes a session id or token stands for; None for anything else (a forged cookie)."""
    if len(raw) != 43 or not re.fullmatch(r"[A-Za-z0-9_-]{43}", raw):
        return None
    try:
        return base64.urlsafe_b64decode(raw + "=")
    except (binascii.Error, ValueError):
        return None


def _seal_key(token: str) -> bytes:
    # Another digest of the token than the one stored: the table alone cannot unseal the id.
    return hashlib.sha256(b"learning session handoff seal\0" + token.encode()).digest()


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


_DEVICES = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
)
_SYSTEMS = (
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Android", "Android"),
    (r"Windows", "Windows"),
    (r"CrOS", "ChromeOS"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Linux", "Linux"),
)


def device_name(user_agent: str | None) -> str:
    """A browser's user agent in a few words a person recognises: "Firefox on Windows",
    "Safari on iPhone"; "An unknown browser" when it says nothing useful."""
    agent = user_agent or ""
    browser = next((name for pattern, name in _DEVICES if re.search(pattern, agent)), None)
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return f"{browser or 'A browser'}{f' on {system}' if system else ''}"
    return "An unknown browser"


class Sessions:
    """Starting, finding, listing and ending the sessions of signed-in browsers."""

    def __init__(self, database: Database, *, rules: SessionRules | None = None) -> None:
        self.db = database
        self.rules = rules or SessionRules()

    def _alive(self, now: datetime) -> ColumnElement[bool]:
        """The condition that a session has not ended by ``now``."""
        return (SessionRow.expires_at > now) & (SessionRow.last_seen_at > now - self.rules.idle)

    def start(self, user_id: int, *, now: datetime, persistent: bool, user_agent: str | None) -> str:
        """Start a session for an account that just signed in; returns its id (for the cookie).

        A new random id every time, so an id someone planted before the sign-in is never the
        signed-in one. Only its digest is stored. Ended sessions are cleared out here.
        """
        raw = _new_id()
        lifetime = self.rules.remembered if persistent else self.rules.browser

        def work(session: Session) -> None:
            self._purge(session, now)
            session.add(
                SessionRow(
                    id_hash=digest(raw),
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + lifetime,
                    persistent=persistent,
                    user_agent=(user_agent or "")[:AGENT_LENGTH] or None,
                )
            )

        self.db.run_write(work)
        return raw

    def user_for(self, raw_id: str, *, now: datetime) -> User | None:
        """The account a session id signs in, or None: unknown (forged), ended, expired, idle
        too long, or the account disabled. Marks the session as seen now (at most once a minute)."""
        if _id_bytes(raw_id) is None:
            return None
        key = digest(raw_id)
        with self.db.read() as session:
            found = session.execute(
                select(SessionRow.last_seen_at, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.id_hash == key, self._alive(now))
            ).one_or_none()
        if found is None or found.UserRow.disabled:
            return None
        if now - found.last_seen_at >= self.rules.touch_every:

            def touch(session: Session) -> None:
                session.execute(update(SessionRow).where(SessionRow.id_hash == key, SessionRow.last_seen_at < now).values(last_seen_at=now))

            self.db.run_write(touch)
        return user_of(found.UserRow)

    def end(self, raw_id: str) -> None:
        """Sign one browser out: its session is deleted (an unknown id is no error)."""

        def work(session: Session) -> None:
            session.execute(delete(SessionRow).where(SessionRow.id_hash == digest(raw_id)))

        self.db.run_write(work)

    def end_all(self, user_id: int, *, keep: str | None = None) -> int:
        """Sign a person out everywhere (but the session ``keep``, when given); returns how many ended."""

        def work(session: Session) -> int:
            return end_sessions(session, user_id, keep=keep)

        return self.db.run_write(work)

    def active(self, user_id: int, *, now: datetime, current: str | None = None) -> list[ActiveSession]:
        """The person's sessions that have not ended, the most recently used first; ``current``
        (the asking browser's session id) is marked."""
        mine = digest(current) if current else None
        with self.db.read() as session:
            rows = list(
                session.scalars(
                    select(SessionRow)
                    .where(SessionRow.user_id == user_id, self._alive(now))
                    .order_by(SessionRow.last_seen_at.desc(), SessionRow.created_at.desc())
                )
            )
        return [
            ActiveSession(
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
                expires_at=min(row.expires_at, row.last_seen_at + self.rules.idle),
                persistent=row.persistent,
                user_agent=row.user_agent,
                device=device_name(row.user_agent),
                current=row.id_hash == mine,
            )
            for row in rows
        ]

    def handoff(self, raw_id: str, *, now: datetime) -> str:
        """A one-time token that lets the route ``/auth/session`` set ``raw_id`` as the cookie.

        Stored as its digest, with the session id sealed by a key derived from the token; it
        works once, within :attr:`SessionRules.handoff`.

        Raises:
            ValueError: ``raw_id`` is not a session id.
        """
        raw_bytes = _id_bytes(raw_id)
        if raw_bytes is None:
            raise ValueError("not a session id")
        token = _new_id()

        def work(session: Session) -> None:
            session.execute(delete(SessionHandoffRow).where(SessionHandoffRow.expires_at <= now))
            session.add(
                SessionHandoffRow(
                    token_hash=digest(token),
                    session_hash=digest(raw_id),
                    sealed_id=_xor(raw_bytes, _seal_key(token)).hex(),
                    expires_at=now + self.rules.handoff,
                )
            )

        self.db.run_write(work)
        return token

    def redeem(self, token: str, *, now: datetime) -> Handed | None:
        """The session a handoff token stands for, once: the token is deleted in the same
        transaction, so a second use (or a parallel one) gets None, as do an expired token,
        an unknown one, and a session that has ended since."""
        if _id_bytes(token) is None:
            return None

        def work(session: Session) -> Handed | None:
            row = self.db.for_update(session, select(SessionHandoffRow).where(SessionHandoffRow.token_hash == digest(token)))
            if row is None:
                return None
            gone = session.execute(delete(SessionHandoffRow).where(SessionHandoffRow.token_hash == row.token_hash)).rowcount  # type: ignore[attr-defined]
            if gone != 1 or row.expires_at <= now:
                return None
            raw = base64.urlsafe_b64encode(_xor(bytes.fromhex(row.sealed_id), _seal_key(token))).rstrip(b"=").decode()
            found = session.scalar(select(SessionRow).where(SessionRow.id_hash == row.session_hash, self._alive(now)))
            if found is None or digest(raw) != found.id_hash:
                return None
            return Handed(session_id=raw, persistent=found.persistent, expires_at=found.expires_at)

        return self.db.run_write(work)

    def purge(self, *, now: datetime) -> int:
        """Delete every ended session and expired handoff token; returns the sessions deleted."""
        return self.db.run_write(lambda session: self._purge(session, now))

    def _purge(self, session: Session, now: datetime) -> int:
        session.execute(delete(SessionHandoffRow).where(SessionHandoffRow.expires_at <= now))
        ended = or_(SessionRow.expires_at <= now, SessionRow.last_seen_at <= now - self.rules.idle)
        return session.execute(delete(SessionRow).where(ended)).rowcount  # type: ignore[attr-defined, no-any-return]


def end_sessions(session: Session, user_id: int, *, keep: str | None = None) -> int:
    """Delete a person's sessions (but ``keep``, a session id) inside a write: what disabling an
    account and changing its password do, so every other browser is signed out at its next run."""
    statement = delete(SessionRow).where(SessionRow.user_id == user_id)
    if keep is not None:
        statement = statement.where(SessionRow.id_hash != digest(keep))
    return session.execute(statement).rowcount  # type: ignore[attr-defined, no-any-return]
