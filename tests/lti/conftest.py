"""The LTI tests' fixtures: a store on SQLite, the tool's routes under Starlette's TestClient (on
https, as platforms require), and the test platform on 127.0.0.1 registered with the tool."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from learning import load_course
from learning.lti import Platform, Platforms, ToolKey
from learning.settings import Settings
from learning.store import Store
from learning.store.sessions import Sessions
from learning.web.lti import routes
from tests.lti.platform import TestPlatform

TOOL = "https://tool.example"


class RecordedSessions(Sessions):
    """The store's real sessions, also recording who was signed in (and with which session id)."""

    def __init__(self, database) -> None:
        super().__init__(database)
        self.started: list[tuple[int, str]] = []

    def start(self, user_id: int, *, now: datetime, persistent: bool, user_agent: str | None) -> str:
        raw = super().start(user_id, now=now, persistent=persistent, user_agent=user_agent)
        self.started.append((user_id, raw))
        return raw


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'records.db'}", public_url=TOOL)


@pytest.fixture
def store(settings, course_dirs) -> Iterator[Store]:
    lessons, bank = course_dirs
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    opened = Store.open(settings.database_url, course=lambda: course, settings=settings)
    opened.sessions = RecordedSessions(opened.db)
    yield opened
    opened.close()


@pytest.fixture
def tool(settings, store) -> Iterator[TestClient]:
    with httpx.Client(timeout=10) as fetcher:
        app = Starlette(routes=routes(settings, lambda: store, client=fetcher))
        with TestClient(app, base_url=TOOL) as client:
            yield client


@pytest.fixture(scope="session")
def platform_server() -> Iterator[TestPlatform]:
    running = TestPlatform().start()
    yield running
    running.stop()


@pytest.fixture
def platform(platform_server, tool, store) -> TestPlatform:
    """The platform, fresh for this test, registered with this test's tool."""
    platform_server.reset(tool_jwks=lambda: tool.get("/lti/jwks").json())
    store.lti.add_platform(Platform(**platform_server.registration), now=datetime.now().astimezone())
    return platform_server


@pytest.fixture
def services(settings) -> Iterator[Platforms]:
    client = Platforms(ToolKey.load_or_create(settings.lti_key_file()))
    yield client
    client.close()


def login(tool: TestClient, platform: TestPlatform, person: str, link: str = "quiz-link") -> str:
    """The platform starts a login at the tool; returns the address the tool sends the browser to."""
    response = tool.get(
        "/lti/login",
        params={
            "iss": platform.issuer,
            "login_hint": person,
            "target_link_uri": f"{TOOL}/lti/launch",
            "lti_message_hint": link,
            "client_id": "tool-client-1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 302, response.text
    assert urlsplit(response.headers["location"]).netloc == urlsplit(platform.issuer).netloc
    return response.headers["location"]


def launch(tool: TestClient, platform: TestPlatform, person: str, link: str = "quiz-link", **changes):
    """A whole launch: login, the platform's answer (with ``changes`` to its claims), the post."""
    form = platform.authenticate(login(tool, platform, person, link), **changes)
    return tool.post("/lti/launch", data=form, follow_redirects=False)
