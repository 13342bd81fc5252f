"""Settings read once from the environment (``LEARNING_*`` variables), with working defaults.

``LEARNING_DATABASE_URL`` picks the database: by default a SQLite file ``data/learning.db`` in
the working directory, created on first run; ``postgresql+psycopg://user:pass@host/db`` for a
school that runs several app servers.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from learning.throttle import Limits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LTI_KEY_FILE = "lti-tool-key.pem"


def _default_database_url() -> str:
    return f"sqlite:///{(Path.cwd() / 'data' / 'learning.db').as_posix()}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEARNING_", extra="ignore")

    database_url: str = Field(default_factory=_default_database_url, description="SQLAlchemy URL of the learner records.")
    lessons_dir: Path = PROJECT_ROOT / "lessons"
    bank_dir: Path = PROJECT_ROOT / "quiz_bank"
    max_failed_sign_ins: int = Field(default=5, description="Wrong passwords at one username before a device that keeps failing waits.")
    longest_sign_in_wait_minutes: int = Field(default=15, description="The longest wait between two tries, for a username or a client.")
    failed_sign_ins_per_address: int = Field(default=20, description="Failed sign-ins from one client address before its tries wait.")
    sign_ups_per_address: int = Field(default=30, description="Accounts made from one client address before the next one waits.")
    wrong_codes_per_address: int = Field(default=10, description="Wrong enrolment codes from one client address before the next waits.")
    trust_forwarded_for: bool = Field(default=False, description="Behind a reverse proxy: the client is the last X-Forwarded-For entry.")
    sso_create_learners: bool = Field(default=True, description="A first single sign-on creates a learner account for that email.")
    site_url: str = Field(default="https://massage-study.example", description="Home page used to name learners in xAPI records.")
    school_name: str = Field(default="Massage Study School", description="The school that issues certificates of completion.")
    public_url: str | None = Field(
        default=None,
        description="The app's address as the public reaches it (https://study.school.example): the verification link a "
        "certificate prints (unset: the address the learner's browser used, else site_url) and the base of the LTI tool's URLs "
        "(unset: the request's own).",
    )
    verifications_per_address: int = Field(default=30, description="Certificate codes checked from one address before the next waits.")
    session_idle_hours: float = Field(default=8, gt=0, description="A signed-in browser not used for this long is signed out.")
    session_remember_days: float = Field(default=30, gt=0, description='The longest a "Keep me signed in" session lasts.')
    session_browser_hours: float = Field(
        default=12, gt=0, description="The longest any other session lasts (its cookie also ends when the browser closes)."
    )
    frame_ancestors: str = Field(
        default="", description="Other sites allowed to show the app in a frame (origins separated by spaces, such as an LMS)."
    )
    lti_key_path: Path | None = Field(
        default=None, description="The LTI tool's private key (PEM), made on first use; default: lti-tool-key.pem beside the SQLite file."
    )

    def lti_key_file(self) -> Path:
        """Where the LTI tool's private key is kept: ``lti_key_path``, else ``lti-tool-key.pem`` in
        the app's data folder (the SQLite file's folder, or ``data/`` for PostgreSQL), outside the
        repository's tracked files."""
        if self.lti_key_path is not None:
            return self.lti_key_path
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            return Path(url.database).parent / LTI_KEY_FILE
        return Path.cwd() / "data" / LTI_KEY_FILE

    def limits(self) -> Limits:
        """The throttles' rules with the numbers set here (waits double from the defaults' first wait)."""
        defaults = Limits()
        longest = timedelta(minutes=self.longest_sign_in_wait_minutes)
        return Limits(
            account=defaults.account.model_copy(update={"free": self.max_failed_sign_ins, "longest_wait": longest}),
            address=defaults.address.model_copy(update={"free": self.failed_sign_ins_per_address, "longest_wait": longest}),
            sign_up=defaults.sign_up.model_copy(update={"free": self.sign_ups_per_address}),
            code=defaults.code.model_copy(update={"free": self.wrong_codes_per_address}),
            verify=defaults.verify.model_copy(update={"free": self.verifications_per_address}),
        )


def get_settings() -> Settings:
    return Settings()
