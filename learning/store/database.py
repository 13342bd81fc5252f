"""Connecting to the database, running migrations, transactions and backups.

SQLite (the default) runs in WAL mode with foreign keys on and a long busy timeout; every
write transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers queue instead of
failing with "database is locked". PostgreSQL is reached through psycopg 3 with the same API.

A read or write that fails because the database cannot be reached or written (a full disk, a
stopped server, a broken connection) raises :class:`~learning.errors.StorageUnavailable`, so
the screens can say that nothing was saved instead of failing.

Opening an existing SQLite file checks it first: a file that is empty (0 bytes) though it
exists, or that fails SQLite's ``PRAGMA quick_check``, raises
:class:`~learning.errors.DamagedDatabase` naming the file. A new path is created as usual.

Migrations run under a lock, so several app servers started together on one database bring the
schema up once: the first takes the lock and migrates, the others wait, then find nothing to do.
PostgreSQL's advisory lock (:data:`MIGRATION_LOCK`) is held by a connection and let go if its
server dies; a SQLite file is guarded by a lock file in the system's temporary folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import Connection, Engine, Select, create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from learning.errors import DamagedDatabase, StorageUnavailable
from learning.store.tables import Base

T = TypeVar("T")
R = TypeVar("R")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_SECONDS = 60
WAIT_SECONDS = 30
"""How long a request waits for a connection or for its turn to write before it is told the
server is busy (rather than hanging while requests pile up)."""
OVERFLOW = 5
"""PostgreSQL: connections opened beyond the pool's size, as a multiple of it, before anyone waits."""
BUSY = "the server is too busy to save this right now; nothing was saved, so try again in a moment"
MIGRATION_LOCK = 0x4C524E47  # "LRNG", within the 32 bits pg_locks shows as objid
"""The key of PostgreSQL's advisory lock that one migration at a time holds, on any server."""
RESTORE = "Restore it from a backup (see the README), or move it aside to start again with no records"


def _sqlite_engine(url: str, *, immediate: bool, wait: float) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    in_memory = not parsed.database or parsed.database == ":memory:"
    pooling = {} if in_memory else {"pool_timeout": wait}  # one shared connection in memory: no pool to wait on
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}, **pooling)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy issues BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The engines and sessions for one database URL."""

    def __init__(self, url: str, *, wait: float = WAIT_SECONDS, pool_size: int = 10) -> None:
        """Connect lazily to ``url``; an existing SQLite file is checked first.

        ``wait`` caps how long a request waits for a pooled connection or its turn to write;
        past it the request fails with :class:`StorageUnavailable` saying the server is busy.

        Raises:
            DamagedDatabase: the SQLite file is empty or fails SQLite's integrity check.
            StorageUnavailable: the SQLite file cannot be opened (permissions, a missing disk).
        """
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            path = _sqlite_path(url)
            if path is not None and path.exists():
                _check_sqlite_file(path)
            self.reader = _sqlite_engine(url, immediate=False, wait=wait)
            self.writer = _sqlite_engine(url, immediate=True, wait=wait)
        else:
            self.reader = self.writer = create_engine(
                url, pool_pre_ping=True, pool_size=pool_size, max_overflow=OVERFLOW * pool_size, pool_timeout=wait
            )
        self.wait = wait
        # SQLite lets one writer in at a time and makes the others poll with growing sleeps (up to
        # 100 ms each), which put many learners' answers seconds behind. Writers of this process
        # queue on a lock instead and go the moment the last one commits; other processes (the
        # command line) still meet SQLite's busy timeout. PostgreSQL locks rows, not the database.
        self._write_gate = threading.Lock() if self.is_sqlite else None
        self._read_sessions = sessionmaker(self.reader, expire_on_commit=False)
        self._write_sessions = sessionmaker(self.writer, expire_on_commit=False)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; it sees one consistent snapshot.

        Raises:
            StorageUnavailable: the database cannot be reached.
        """
        with _reachable(), self._read_sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose changes commit together when the block ends, or not at all.

        Raises:
            StorageUnavailable: the database cannot be reached or written; nothing was stored.
        """
        with _reachable(), self._write_session() as session:
            yield session

    @contextlib.contextmanager
    def _write_session(self) -> Iterator[Session]:
        with self._turn_to_write(), self._write_sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def _turn_to_write(self) -> Iterator[None]:
        if self._write_gate is None:
            yield
            return
        if not self._write_gate.acquire(timeout=self.wait):
            raise StorageUnavailable(BUSY)
        try:
            yield
        finally:
            self._write_gate.release()

    def run_write(self, work: Callable[[Session], T], *, attempts: int = 5) -> T:
        """Run ``work(session)`` in a write transaction, retrying a transient lock or serialisation failure.

        Raises:
            StorageUnavailable: the database cannot be reached or written; nothing was stored.
        """
        with _reachable():
            for attempt in range(attempts):
                try:
                    with self._write_session() as session:
                        return work(session)
                except OperationalError as error:
                    if attempt == attempts - 1 or not _transient(error):
                        raise
                    time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    @staticmethod
    def for_update(session: Session, statement: Select[R]) -> R | None:
        """The one row ``statement`` selects, locked until the transaction ends.

        PostgreSQL locks the row (``SELECT ... FOR UPDATE``); SQLite's write transactions
        (``BEGIN IMMEDIATE``) already hold the whole database.
        """
        if session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update()
        return session.scalar(statement)

    @staticmethod
    def insert_if_absent(session: Session, table: type[Base], values: dict[str, Any], *, key: list[str]) -> None:
        """Insert a row unless one with the same ``key`` columns exists (insert-or-ignore)."""
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=key))

    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        config.attributes["engine"] = self.writer if not self.is_sqlite else create_engine(self.url)
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema up to ``revision`` (the newest by default); records are kept.

        Raises:
            StorageUnavailable: the database cannot be reached or written.
        """
        with _reachable(), self.migration_lock():
            command.upgrade(self.alembic_config(), revision)

    @contextlib.contextmanager
    def migration_lock(self) -> Iterator[None]:
        """Hold the lock that lets one migration at a time run on this database, waiting for it.

        On PostgreSQL a session-level advisory lock (``pg_advisory_lock``) on a connection of its
        own: every app server and command on the database shares it, and it goes with the
        connection if the process dies. On SQLite a lock file in the system's temporary folder,
        named after the database file; an in-memory database needs none.
        """
        if self.is_sqlite:
            path = _sqlite_path(self.url)
            if path is None:
                yield
                return
            with _file_lock(path):
                yield
            return
        with self.writer.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})

    def downgrade(self, revision: str) -> None:
        with self.migration_lock():
            command.downgrade(self.alembic_config(), revision)

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()

    def backup(self, target: Path) -> None:
        """Copy a SQLite database consistently while the app runs (SQLite's online backup).

        Raises:
            ValueError: the database is not SQLite (use ``pg_dump`` for PostgreSQL).
        """
        if not self.is_sqlite:
            raise ValueError("backup copies SQLite databases; for PostgreSQL use pg_dump (see the README)")
        source_path = make_url(self.url).database or ""
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_SECONDS)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()


def _sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _file_lock(database: Path) -> FileLock:
    """The migration lock of a SQLite file: outside the data folder, shared by every user (the app
    and the command line may run as different users), like the bank's save locks."""
    folder = Path(tempfile.gettempdir()) / "learning-migration-locks"
    if not folder.is_dir():
        with contextlib.suppress(FileExistsError):
            folder.mkdir(parents=True)
        with contextlib.suppress(PermissionError):
            folder.chmod(0o1777)
    key = hashlib.sha256(str(database.resolve()).encode()).hexdigest()[:24]
    return FileLock(str(folder / f"{key}.lock"), mode=0o666)


def _check_sqlite_file(path: Path) -> None:
    """Refuse a SQLite file that exists but is empty, or that fails SQLite's quick integrity check.

    An empty file would otherwise be made into a new, empty database (every account gone), and
    a damaged page would go unnoticed until a learner's records were read from it.
    """
    wal = path.with_name(path.name + "-wal")
    if path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0):
        raise DamagedDatabase(f"the database file {path} is empty (0 bytes), so its records are missing. {RESTORE}")
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error as error:
        raise StorageUnavailable(f"the database file {path} cannot be opened ({error})") from error
    try:
        problems = [str(row[0]) for row in connection.execute("PRAGMA quick_check(5)")]
    except sqlite3.OperationalError as error:  # locked for longer than the timeout, or unreadable
        raise StorageUnavailable(f"the database file {path} cannot be read ({error})") from error
    except sqlite3.DatabaseError as error:  # not a database, or malformed
        raise DamagedDatabase(f"the database file {path} is damaged ({error}). {RESTORE}") from error
    finally:
        connection.close()
    if problems != ["ok"]:
        found = "; ".join(line for problem in problems for line in problem.splitlines() if not line.startswith("***"))
        raise DamagedDatabase(f"the database file {path} is damaged (SQLite's integrity check: {found}). {RESTORE}")


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Turn a failure to reach or write the database into :class:`StorageUnavailable`."""
    try:
        yield
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
        raise StorageUnavailable(f"the learner records cannot be read or saved right now ({reason})") from error
    except OSError as error:
        raise StorageUnavailable(f"the learner records cannot be read or saved right now ({error})") from error
    except PoolTimeout as error:  # every connection busy for the whole wait
        raise StorageUnavailable(BUSY) from error


def _transient(error: OperationalError) -> bool:
    text = str(error.orig).lower()
    return "database is locked" in text or "could not serialize" in text or "deadlock detected" in text
