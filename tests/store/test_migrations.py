"""Migrations: empty to head matches the models; one step down and up again keeps working."""

from __future__ import annotations

import contextlib

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


def test_check_and_review_attempts_get_their_kind(store, learner) -> None:
    """Attempts stored before quiz kinds existed say "practice"; the migration names what they are."""
    from sqlalchemy import select, update

    from learning.quiz import QuizKind, QuizSpec, check_spec, review_spec
    from learning.store.tables import AttemptRow
    from tests.conftest import NOW

    course = store.attempts.course()
    check = store.attempts.start(learner, check_spec("goals", "Goals"), now=NOW, questions=course.questions[:1])
    review = store.attempts.start(learner, review_spec(), now=NOW, questions=course.questions[:1])
    practice = store.attempts.start(learner, QuizSpec(id="practice-goals", title="Practice", lessons=["goals"]), now=NOW)
    old = {check.id: "practice", review.id: "practice"}
    with store.db.writer.begin() as connection:  # as an older version of the app stored them
        for attempt_id, kind in old.items():
            spec = connection.scalar(select(AttemptRow.spec).where(AttemptRow.id == attempt_id))
            connection.execute(update(AttemptRow).where(AttemptRow.id == attempt_id).values(spec={**spec, "kind": kind}))
    store.db.downgrade("0001")
    store.db.upgrade()
    kinds = {a.id: a.spec.kind for a in store.attempts.history(learner, learner.id)}
    assert kinds == {check.id: QuizKind.CHECK, review.id: QuizKind.REVIEW, practice.id: QuizKind.PRACTICE}


def test_question_history_comes_and_goes_with_its_migration(store, learner) -> None:
    """0003 adds the history of question edits; going back to 0002 drops only that table."""
    from sqlalchemy import insert, select

    from learning.store.tables import QuestionHistoryRow, UserRow
    from tests.conftest import NOW

    with store.db.writer.begin() as connection:
        connection.execute(
            insert(QuestionHistoryRow).values(
                question_id="goals-01",
                version=2,
                content={"id": "goals-01"},
                author_id=None,
                author_label="command line",
                saved_at=NOW,
                note="",
            )
        )
    store.db.downgrade("0002")
    assert "question_history" not in inspect(store.db.writer).get_table_names()
    with store.db.writer.connect() as connection:  # the accounts stay (read as stored: the models are those of the head)
        assert connection.execute(select(UserRow.id, UserRow.username)).all() == [(learner.id, "sam")]
    store.db.upgrade()
    assert "question_history" in inspect(store.db.writer).get_table_names()
    with store.db.read() as session:
        assert session.scalars(select(QuestionHistoryRow)).all() == []
    assert _differences(store.db) == []


def test_classes_tables_come_and_go_with_their_migration(store, learner, instructor) -> None:
    """0004 adds co-instructors, extra attempts, reset codes and the audit log, and a class's exam
    date and enrolment switch and an attempt's voided mark; records made before it keep working."""
    from learning.quiz import QuizSpec
    from tests.conftest import NOW

    cohort = store.accounts.create_cohort(instructor, "Monday", now=NOW)
    store.accounts.join_cohort(learner, cohort.code, now=NOW)
    attempt = store.attempts.start(learner, QuizSpec(id="practice-goals", title="Practice", lessons=["goals"]), now=NOW)
    store.db.downgrade("0003")
    tables = set(inspect(store.db.writer).get_table_names())
    assert not tables & {"cohort_instructors", "attempt_grants", "password_resets", "audit_log"}
    assert "voided" not in {c["name"] for c in inspect(store.db.writer).get_columns("attempts")}
    store.db.upgrade()
    assert _differences(store.db) == []
    mine = store.accounts.cohort(instructor, cohort.id)
    assert (mine.enrolment_open, mine.exam_date, mine.members) == (True, None, 1)
    assert [a.voided for a in store.attempts.history(learner, learner.id)] == [False]
    assert store.attempts.history(learner, learner.id)[0].id == attempt.id


def test_throttles_come_and_go_with_their_migration(store, learner) -> None:
    """0005 replaces the lockout columns of ``users`` with the ``throttles`` table; going back to
    0004 brings the columns back (no account locked) and keeps every account."""
    from learning.errors import SignInError
    from tests.conftest import NOW
    from tests.store.conftest import PASSWORD

    with contextlib.suppress(SignInError):
        store.accounts.sign_in("sam", "not the password", now=NOW, client="192.0.2.1")
    store.db.downgrade("0004")
    assert "throttles" not in inspect(store.db.writer).get_table_names()
    columns = {c["name"] for c in inspect(store.db.writer).get_columns("users")}
    assert {"failed_sign_ins", "locked_until"} <= columns
    store.db.upgrade()
    assert _differences(store.db) == []
    assert store.accounts.sign_in("sam", PASSWORD, now=NOW, client="192.0.2.1") == learner


def test_when_an_exam_date_was_set_comes_and_goes_with_its_migration(store, learner, instructor) -> None:
    """0007 records when an exam date was set (a learner's, a class's); going back to 0005 drops
    only those columns and keeps the dates."""
    from datetime import date

    from tests.conftest import NOW

    cohort = store.accounts.create_cohort(instructor, "Monday", now=NOW)
    store.classes.set_exam_date(instructor, cohort.id, date(2026, 6, 1), now=NOW)
    store.accounts.set_exam_date(learner, date(2026, 5, 1), now=NOW)
    store.db.downgrade("0005")
    for table in ("users", "cohorts"):
        assert "exam_date_set_at" not in {c["name"] for c in inspect(store.db.writer).get_columns(table)}
    store.db.upgrade()
    assert _differences(store.db) == []
    assert store.accounts.get(learner.id).exam_date == date(2026, 5, 1)
    assert store.accounts.cohort(instructor, cohort.id).exam_date == date(2026, 6, 1)
    exam = store.plans.exam(learner, learner.id, today=NOW.date())
    assert (exam.day, exam.own, exam.started) == (date(2026, 5, 1), True, None)  # set before plans: measured from today


def test_sessions_come_and_go_with_their_migration(store, learner) -> None:
    """0006 adds ``sessions`` and ``session_handoffs``; going back to 0005 drops both (everyone
    signs in again) and keeps every account."""
    from tests.conftest import NOW
    from tests.store.conftest import PASSWORD

    raw = store.sessions.start(learner.id, now=NOW, persistent=True, user_agent=None)
    store.sessions.handoff(raw, now=NOW)
    store.db.downgrade("0005")
    assert not {"sessions", "session_handoffs"} & set(inspect(store.db.writer).get_table_names())
    store.db.upgrade()
    assert _differences(store.db) == []
    assert store.sessions.user_for(raw, now=NOW) is None
    assert store.accounts.sign_in("sam", PASSWORD, now=NOW) == learner
