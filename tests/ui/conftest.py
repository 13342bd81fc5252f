"""AppTest fixtures: the real entry point on a fresh database, with helpers to sign in and navigate."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from learning import load_course
from learning.store import Role, Store
from tests.conftest import ROOT

PASSWORD = "a long enough password"
VIEWS = "learning/ui/views"


class App:
    """One simulated browser session on the app."""

    def __init__(self, url: str, course_dirs: tuple[Path, Path]) -> None:
        self.url = url
        lessons, bank = course_dirs
        self.course = load_course(lessons_dir=lessons, bank_dir=bank)
        self.store = Store.open(url, course=lambda: self.course)
        self.at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)

    def user(self, username: str = "sam", *, role: Role = Role.LEARNER, name: str = "Sam Rivera"):
        return self.store.accounts.create(username, PASSWORD, role=role, now=datetime.now(UTC), display_name=name)

    def run(self) -> AppTest:
        self.at.run()
        assert not self.at.exception, [e.value for e in self.at.exception]
        return self.at

    def sign_in_as(self, user, *, keep: bool = False) -> AppTest:
        """Signed in as ``user`` with a server-side session, as a sign-in leaves a browser session."""
        self.at.session_state["user_id"] = user.id
        self.at.session_state["session_id"] = self.store.sessions.start(user.id, now=datetime.now(UTC), persistent=keep, user_agent=None)
        return self.run()

    def open(self, view: str, **query: str) -> AppTest:
        self.at.switch_page(f"{VIEWS}/{view}.py")
        for key in list(self.at.query_params):
            del self.at.query_params[key]
        for key, value in query.items():
            self.at.query_params[key] = value
        return self.run()

    def texts(self) -> str:
        """Every piece of text on the screen, joined, for assertions on what a person reads."""
        at = self.at
        parts = [
            e.value
            for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error")
            for e in getattr(at, kind)
        ]
        parts += [m.label + " " + str(m.value) for m in at.metric]
        parts += [b.label for b in at.button]
        return "\n".join(str(p) for p in parts)

    def button(self, label: str):
        return next(b for b in self.at.button if b.label == label)

    def text_input(self, label: str):
        return next(t for t in self.at.text_input if t.label == label)


@pytest.fixture
def app(tmp_path, monkeypatch) -> App:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("LEARNING_DATABASE_URL", url)
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(ROOT / "lessons"))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(ROOT / "quiz_bank"))
    made = App(url, (ROOT / "lessons", ROOT / "quiz_bank"))
    yield made
    made.store.close()


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch) -> None:
    from argon2 import PasswordHasher

    import learning.store.accounts as accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def scripts(at) -> list[str]:
    """The scripts a run puts in the page (a navigation: the sign-in's cookie handoff, a sign-out),
    leaving out the app's own style element."""
    return [e.proto.body for e in at.get("html") if "<script" in e.proto.body]
