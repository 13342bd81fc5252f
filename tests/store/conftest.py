"""Store fixtures: the same tests run on SQLite always and on PostgreSQL when it is configured."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from learning import load_course
from learning.quiz import QuizSpec
from learning.store import Role, Store, User
from tests.conftest import NOW, skip_or_fail

PG_ENV = "LEARNING_TEST_DATABASE_URL"
PASSWORD = "correct horse battery"


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    url = os.environ.get(PG_ENV)
    if not url:
        skip_or_fail(f"PostgreSQL tests need {PG_ENV} (a database they may wipe)")
    reset_postgres(url)
    return url


@pytest.fixture
def course(course_dirs):
    lessons, bank = course_dirs
    loaded = load_course(lessons_dir=lessons, bank_dir=bank)
    assert loaded.problems == []
    return loaded


@pytest.fixture
def store(database_url, course) -> Iterator[Store]:
    opened = Store.open(database_url, course=lambda: course)
    yield opened
    opened.close()


@pytest.fixture
def learner(store) -> User:
    return store.accounts.create("sam", PASSWORD, role=Role.LEARNER, now=NOW, display_name="Sam Rivera")


@pytest.fixture
def instructor(store) -> User:
    return store.accounts.create("morgan", PASSWORD, role=Role.INSTRUCTOR, now=NOW, display_name="Morgan Lee")


def practice_spec(**changes) -> QuizSpec:
    return QuizSpec.model_validate(
        {"id": "goals-practice", "title": "Goals practice", "lessons": ["goals"], "shuffle_questions": False, **changes}
    )


def exam_spec(**changes) -> QuizSpec:
    return QuizSpec.model_validate(
        {
            "id": "goals-exam",
            "title": "Goals exam",
            "lessons": ["goals"],
            "feedback_mode": "exam",
            "shuffle_questions": False,
            "time_limit_minutes": 30,
            "attempts_allowed": 2,
            **changes,
        }
    )


LATER = NOW + timedelta(minutes=1)


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch) -> None:
    """Argon2id with small costs, so tests that make many accounts stay fast (production keeps the defaults)."""
    from argon2 import PasswordHasher

    import learning.store.accounts as accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
