"""Settings read once from the environment (``LEARNING_*`` variables), with working defaults.

``LEARNING_DATABASE_URL`` picks the database: by default a SQLite file ``data/learning.db`` in
the working directory, created on first run; ``postgresql+psycopg://user:pass@host/db`` for a
school that runs several app servers.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    return f"sqlite:///{(Path.cwd() / 'data' / 'learning.db').as_posix()}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEARNING_", extra="ignore")

    database_url: str = Field(default_factory=_default_database_url, description="SQLAlchemy URL of the learner records.")
    lessons_dir: Path = PROJECT_ROOT / "lessons"
    bank_dir: Path = PROJECT_ROOT / "quiz_bank"
    max_failed_sign_ins: int = Field(default=5, description="Failed sign-ins in a row before an account is locked for a while.")
    lockout_minutes: int = 15
    sso_create_learners: bool = Field(default=True, description="A first single sign-on creates a learner account for that email.")
    site_url: str = Field(default="https://massage-study.example", description="Home page used to name learners in xAPI records.")


def get_settings() -> Settings:
    return Settings()
