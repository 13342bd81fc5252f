"""Several app servers starting together on one database bring the schema up once, in turn.

Each server runs the migrations when it starts; without a lock two of them creating the same
tables at once fail (PostgreSQL: a duplicate table or type; SQLite: a table that already exists).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from learning.store.database import MIGRATION_LOCK, Database
from learning.store.tables import Base
from tests.conftest import ROOT

SERVERS = 4

UPGRADE_AT = textwrap.dedent(
    """
    import sys, time
    from learning.store.database import Database
    url, start = sys.argv[1], float(sys.argv[2])
    database = Database(url)
    time.sleep(max(0.0, start - time.time()))  # every process starts its upgrade at the same moment
    database.upgrade()
    database.dispose()
    """
)


def test_servers_starting_together_migrate_once(database_url) -> None:
    start = time.time() + 4  # after every process has imported the app
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE_AT, database_url, str(start)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(SERVERS)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    failed = [output[-1500:] for process, output in zip(processes, outputs, strict=True) if process.returncode != 0]
    assert failed == [], "an upgrade failed:\n" + "\n---\n".join(failed)

    database = Database(database_url)
    try:
        head = ScriptDirectory.from_config(database.alembic_config()).get_current_head()
        with database.writer.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1
            assert MigrationContext.configure(connection).get_current_revision() == head
            assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata) == []
    finally:
        database.dispose()


def test_an_upgrade_waits_for_the_migration_lock(database_url) -> None:
    """While another server holds the lock, an upgrade waits; it runs the moment the lock is let go."""
    database = Database(database_url)
    done = threading.Event()

    def upgrade() -> None:
        database.upgrade()
        done.set()

    thread = threading.Thread(target=upgrade)
    try:
        with database.migration_lock():
            thread.start()
            assert not done.wait(1.5)
            if not database.is_sqlite:  # the lock is PostgreSQL's own, seen by any connection to the database
                engine = create_engine(database_url)
                with engine.connect() as connection:
                    held = connection.scalar(
                        text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted"),
                        {"key": MIGRATION_LOCK},
                    )
                engine.dispose()
                assert held == 1
        assert done.wait(60)
        with database.writer.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() is not None
    finally:
        if thread.is_alive():
            thread.join(60)
        database.dispose()
