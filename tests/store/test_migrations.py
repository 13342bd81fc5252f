"""Migrations: empty to head matches the models; one step down and up again keeps working."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from learning.store.database import Database
from learning.store.tables import Base


def _differences(database: Database) -> list:
    with database.writer.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_from_empty_to_head_matches_the_models(database_url) -> None:
    database = Database(database_url)
    try:
        database.upgrade()
        assert _differences(database) == []
        tables = set(inspect(database.reader).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        database.dispose()


def test_downgrade_one_step_and_upgrade_again(database_url) -> None:
    database = Database(database_url)
    try:
        database.upgrade()
        head = ScriptDirectory.from_config(database.alembic_config()).get_current_head()
        database.downgrade("-1")
        database.upgrade()
        with database.writer.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
        assert _differences(database) == []
    finally:
        database.dispose()


def test_upgrading_keeps_records(store, learner) -> None:
    store.db.upgrade()  # already at head: a no-op that must not touch data
    assert store.accounts.get(learner.id) == learner
