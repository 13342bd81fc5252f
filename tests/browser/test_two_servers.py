"""Two app servers on one PostgreSQL database and one course folder, behind nginx configured from
``deploy/nginx-site.conf``, driven in Chromium through nginx as a school runs them.

A learner signs up and answers practice questions; the server that served them is killed by its
process id; a reload lands on the other server, in the same attempt with every answer. Then an
instructor's question edit saved through one server is served by the other at its next page run.

The app servers start together on a fresh database, so their migrations meet the migration lock
too. nginx runs from its own prefix, configuration and pid file in a temporary folder, on
127.0.0.1, never as the system's service.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import create_engine, text

from learning import load_course
from learning.course import Course
from learning.ui.services import STAMP_SECONDS
from tests.browser.conftest import screenshot_folder
from tests.browser.driver import Learner
from tests.browser.test_instructor_journey import Instructor
from tests.conftest import ROOT, free_port, skip_or_fail, wait_healthy
from tests.nginx import ROUTE_COOKIE, nginx_path, running_nginx
from tests.store.conftest import PG_ENV, reset_postgres

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

PASSWORD = "a long enough password"
DESKTOP = {"width": 1280, "height": 900}
ANSWERED = 3
APP = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.fileWatcherType", "none"]
"""An app server as ``deploy/learning@.service`` starts it, with the port and address given after."""


@dataclass
class AppServer:
    route: str
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class School:
    """Two app servers (routes "1" and "2") behind nginx, on one database and one course folder."""

    url: str
    database_url: str
    lessons: Path
    bank: Path
    env: dict[str, str]
    servers: dict[str, AppServer] = field(default_factory=dict)

    def start(self, route: str) -> None:
        server = self.servers[route]
        log = server.log.open("a")
        server.process = subprocess.Popen(
            [*APP, "--server.port", str(server.port), "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=server.log.parent,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def wait(self, route: str) -> None:
        server = self.servers[route]
        process = server.process
        assert process is not None
        wait_healthy(server.url, alive=lambda: process.poll() is None, what=f"app server {route}", log=server.log)

    def routed(self, route: str) -> None:
        """Wait until nginx sends a browser pinned to ``route`` to that server again: after a
        server failed, nginx leaves it out for its ``fail_timeout`` even once it is back."""
        deadline = time.monotonic() + 30
        while True:
            request = urllib.request.Request(f"{self.url}/_stcore/health", headers={"Cookie": f"{ROUTE_COOKIE}={route}"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    # nginx rewrites the cookie only when another server answered
                    moved = any(value.startswith(f"{ROUTE_COOKIE}=") for value in response.headers.get_all("Set-Cookie") or [])
                if not moved:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx does not route to server {route} again")
            time.sleep(0.5)

    def kill(self, route: str) -> None:
        """Kill the server by its process id, as when its machine fails: no chance to say goodbye."""
        process = self.servers[route].process
        assert process is not None
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for server in self.servers.values():
            if server.process is not None and server.process.poll() is None:
                server.process.terminate()
                try:
                    server.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.process.kill()

    def other(self, route: str) -> str:
        return next(r for r in self.servers if r != route)

    def pin(self, context: BrowserContext, route: str) -> None:
        """Give a browser a route cookie before its first request, as nginx would have."""
        context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": self.url}])


def route_of(context: BrowserContext) -> str | None:
    """The server nginx routes this browser to: its route cookie."""
    return next((c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE), None)


@pytest.fixture(scope="module")
def school(chromium, tmp_path_factory) -> Iterator[School]:
    if nginx_path() is None:
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")
    database_url = os.environ.get(PG_ENV)
    if not database_url:
        skip_or_fail(f"several app servers share a PostgreSQL database: this test needs {PG_ENV} (a database it may wipe)")
    assert database_url is not None
    reset_postgres(database_url)
    folder = tmp_path_factory.mktemp("school")
    lessons, bank = folder / "course" / "lessons", folder / "course" / "quiz_bank"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quiz_bank", bank)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LEARNING_DATABASE_URL": database_url,
        "LEARNING_LESSONS_DIR": str(lessons),
        "LEARNING_BANK_DIR": str(bank),
        "LEARNING_TRUST_FORWARDED_FOR": "true",
    }
    front = free_port()
    school = School(f"http://127.0.0.1:{front}", database_url, lessons, bank, env)
    for route in ("1", "2"):
        home = folder / f"server-{route}"
        home.mkdir()
        school.servers[route] = AppServer(route, free_port(), home / "streamlit.log")
    try:
        for route in school.servers:  # together, on a database with no tables yet
            school.start(route)
        for route in school.servers:
            school.wait(route)
        with running_nginx(front, {route: server.port for route, server in school.servers.items()}) as prefix:
            wait_healthy(school.url, alive=lambda: True, what="nginx", log=prefix / "error.log")
            yield school
    finally:
        school.stop_all()


@pytest.fixture(scope="module")
def course(school) -> Course:
    return load_course(lessons_dir=school.lessons, bank_dir=school.bank)


def _answers(database_url: str, username: str) -> dict[str, list[str]]:
    """Each quiz attempt of the learner (lesson checks left out: opening a lesson starts one) and
    the questions it has an answer to, straight from the database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT a.id, w.question_id FROM attempts a JOIN users u ON u.id = a.user_id"
                    " LEFT JOIN answers w ON w.attempt_id = a.id AND w.current"
                    " WHERE u.username = :name AND a.quiz_id NOT LIKE 'check-%' ORDER BY a.id, w.answered_at"
                ),
                {"name": username},
            ).all()
    finally:
        engine.dispose()
    found: dict[str, list[str]] = {}
    for attempt_id, question_id in rows:
        found.setdefault(attempt_id, [])
        if question_id is not None:
            found[attempt_id].append(question_id)
    return found


@dataclass
class Failover:
    """Where the learner's journey stands after their server was killed and the page reloaded."""

    app: Learner
    username: str
    served_before: str
    served_after: str | None
    attempt_id: str
    answered: list[str]
    questions: int


@pytest.fixture(scope="module")
def failover(browser, school, course) -> Iterator[Failover]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    app = Learner(page, school.url, course, screenshot_folder("two-servers"))
    username = f"moving-{uuid.uuid4().hex[:6]}"
    app.open()
    app.sign_up("Alex Moving", username, PASSWORD)
    served = route_of(context)
    assert served in school.servers, f"nginx gave no route cookie, or one naming no server: {served!r}"

    first = course.lessons[0]
    app.click(app.link(f"Start with: {first.title}"))
    expect(page.get_by_role("heading", name=first.title, level=1)).to_be_visible()
    app.click(app.link(re.compile("Take the practice quiz")))
    app.click(app.button("Start"))
    answered = []
    for _ in range(ANSWERED):
        question, box = app.shown_question()
        app.answer(question, box, right=True)
        app.submit_answer(box, "Check")
        expect(box.get_by_text("Correct.").first).to_be_visible()
        app.click(app.button("Next"))
        expect(app.question_box(question.id)).to_have_count(0)
        answered.append(question.id)
    progress = page.get_by_text(re.compile(rf"^Question {ANSWERED + 1} of \d+ · {ANSWERED} answered$"))
    expect(progress).to_be_visible()
    questions = int(re.search(r"of (\d+)", progress.inner_text()).group(1))
    assert route_of(context) == served, "the browser changed server while its server was up"
    attempts = _answers(school.database_url, username)
    assert len(attempts) == 1 and next(iter(attempts.values())) == answered
    app.screenshot("before-the-server-stops")

    school.kill(served)
    page.reload()
    app.idle()
    app.screenshot("after-reload")
    yield Failover(app, username, served, route_of(context), next(iter(attempts)), answered, questions)
    context.close()


def _progress(app: Learner, failover: Failover, answered: int) -> None:
    app.see(re.compile(rf"^Question {answered + 1} of {failover.questions} · {answered} answered$"))


def test_a_reload_after_its_server_is_killed_lands_on_the_other_server(school, failover) -> None:
    assert failover.served_after == school.other(failover.served_before)
    page = failover.app.page
    # The app itself answered, with the quiz: the session cookie signed the learner in on this server.
    expect(page.get_by_text(re.compile(r"^Question \d+ of")).first).to_be_visible()
    # Nothing was lost with the server: the records are in the shared database.
    assert _answers(school.database_url, failover.username) == {failover.attempt_id: failover.answered}


def test_after_the_reload_the_learner_is_still_signed_in_in_the_same_attempt(failover) -> None:
    page = failover.app.page
    expect(page.get_by_role("tab", name="Sign in")).to_have_count(0, timeout=5_000)
    expect(page.get_by_text(re.compile(rf"^Question {ANSWERED + 1} of {failover.questions} · {ANSWERED} answered$"))).to_be_visible(
        timeout=5_000
    )


def test_on_the_other_server_the_learner_carries_on_the_same_attempt(school, failover) -> None:
    app = failover.app
    page = app.page
    expect(page.get_by_role("tab", name="Sign in")).to_have_count(0)
    _progress(app, failover, ANSWERED)
    question, box = app.shown_question()
    assert question.id not in failover.answered
    app.answer(question, box, right=True)
    app.submit_answer(box, "Check")
    expect(box.get_by_text("Correct.").first).to_be_visible()
    assert route_of(page.context) == failover.served_after
    assert _answers(school.database_url, failover.username) == {failover.attempt_id: [*failover.answered, question.id]}


def test_a_question_edit_saved_through_one_server_is_served_by_the_other(browser, school, course, failover) -> None:
    for route, server in school.servers.items():  # the server killed above comes back, as systemd restarts it
        if server.process is None or server.process.poll() is not None:
            school.start(route)
            school.wait(route)
            school.routed(route)
    instructor = f"teach-{uuid.uuid4().hex[:6]}"
    subprocess.run(
        [sys.executable, "-m", "learning", "users", "add", instructor, "--role", "instructor", "--name", "Robin Teach", "--password-stdin"],
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        cwd=ROOT,
        env=school.env,
    )
    question = course.question(course.lessons[0].check_questions[0])
    marker = f"relocated{uuid.uuid4().hex[:8]}"
    shots = screenshot_folder("two-servers")

    def signed_in(route: str, address: str) -> tuple[Instructor, Page]:
        context = browser.new_context(viewport=DESKTOP)
        school.pin(context, route)
        page = context.new_page()
        app = Instructor(page, school.url, course, shots)
        page.goto(f"{school.url}/{address}")
        app.sign_in(instructor, PASSWORD)  # and back at the same address
        expect(page.get_by_role("tab", name="Sign in")).to_have_count(0)
        return app, page

    def search_the_bank(app: Instructor, page: Page) -> None:
        expect(page.get_by_role("heading", name="Question bank")).to_be_visible()
        app.fill(page.get_by_role("textbox", name="Search prompts, scenarios, options and feedback"), marker)

    def shown(found: int) -> re.Pattern:
        return re.compile(rf"^{found} of \d+ questions shown: .*\(search: {marker}\)$")

    # The reader, on server 2, searches the question bank for a word no question has yet.
    reader, reading = signed_in("2", "bank")
    search_the_bank(reader, reading)
    reader.see(shown(0))

    # The editor, on server 1, puts the word in a question's prompt.
    editor, editing = signed_in("1", f"edit?id={question.id}")
    expect(editing.get_by_role("heading", name="Edit question")).to_be_visible()
    editor.fill(editing.get_by_role("textbox", name="Prompt"), f"{question.prompt} ({marker})")
    editor.click(editor.button("Save"))
    editor.see(f"Saved as version {question.version + 1}.")
    saved_at = time.monotonic()
    assert (route_of(editing.context), route_of(reading.context)) == ("1", "2"), "a browser changed server"

    # The reader's next page run, once server 2's stamp of the course files is due (it is at most
    # STAMP_SECONDS old), finds the edited question.
    reading.wait_for_timeout(max(0.0, saved_at + STAMP_SECONDS + 0.2 - time.monotonic()) * 1000)
    reader.go("Course")
    reader.go("Question bank")
    search_the_bank(reader, reading)
    reader.see(shown(1))
    reader.screenshot("edit-served-by-the-other-server")
    assert route_of(reading.context) == "2"
    editing.context.close()
    reading.context.close()
