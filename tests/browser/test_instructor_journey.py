"""An instructor's journey in a real browser (Chromium via Playwright), on desktop and phone: a
new matching question written, tried and saved in the app, set in a new quiz for one class with a
closing date, then answered by a learner of that class and unseen by a learner of another.

The app serves a copy of the course folders (the journey saves a question and a quiz). Screenshots
are saved as ``test-artifacts/screenshots/instructor-*.png``; with ``LEARNING_README_SCREENSHOTS=1``
the README's screenshots of the bank and the editor (``docs/screenshots/``) are made again too.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, expect

from learning import load_course
from learning.questions import Pool
from learning.ui.nav import PAGES, TEACH
from learning.zones import shown, to_utc
from tests.browser.conftest import ARTIFACTS, serve
from tests.browser.driver import Findings, Learner
from tests.browser.test_journeys import VIEWPORTS
from tests.conftest import ROOT, skip_or_fail
from tests.store.conftest import PG_ENV, reset_postgres

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
ZONE = "Europe/Paris"
LESSON = "goals"
LESSON_TITLE = "Two roles, two goals"
README_SHOTS = ROOT / "docs" / "screenshots"

PROMPT = "Match each aim to the therapist whose work it is."
ITEMS = [  # text, the choice it belongs to, feedback
    ("Help a client relax and feel well", 0, "Relaxation and well-being are the massage therapist's aim."),
    ("Treat a neck strain a physician has diagnosed", 1, "Treating a diagnosed problem is medical care."),
    ("Work from a medical practitioner's recommendation", 1, "Medical massage is part of a treatment plan."),
]
CHOICES = ["Massage therapist", "Medical massage therapist", "Personal trainer"]  # the last one matches no item
EXPLANATION = "The goal decides the role: well-being for the massage therapist, treatment for the medical massage therapist."


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str
    lessons: Path
    bank: Path


DATABASES = {"desktop": "sqlite", "phone": "postgresql"}
"""The journey on a desktop keeps its records in SQLite, on a phone in PostgreSQL, so each
database serves the whole instructor's side once."""


@contextlib.contextmanager
def serve_a_copy(tmp_path: Path, viewport: str, *, before: Callable[[Server], None] | None = None) -> Iterator[Server]:
    """The app on a fresh database (the viewport's, from :data:`DATABASES`) and a copy of the
    course folders; ``before`` is given the records and folders (no address yet) to fill them
    before the app starts."""
    lessons, bank = tmp_path / "lessons", tmp_path / "quiz_bank"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quiz_bank", bank)
    database_url = f"sqlite:///{tmp_path / 'records.db'}"
    if DATABASES[viewport] == "postgresql":
        database_url = os.environ.get(PG_ENV) or ""
        if not database_url:
            skip_or_fail(f"the phone journey keeps its records in PostgreSQL and needs {PG_ENV} (a database it may wipe)")
        reset_postgres(database_url)
    if before is not None:
        before(Server("", database_url, lessons, bank))
    settings = {"LEARNING_LESSONS_DIR": str(lessons), "LEARNING_BANK_DIR": str(bank), "LEARNING_DATABASE_URL": database_url}
    with serve(tmp_path, **settings) as url:
        yield Server(url, database_url, lessons, bank)


@pytest.fixture
def server(chromium, tmp_path, request) -> Iterator[Server]:
    """The app on a fresh database and a copy of the course folders, which the journey writes to."""
    with serve_a_copy(tmp_path, request.node.callspec.params["viewport"]) as server:
        yield server


def _add_instructor(server: Server, username: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "learning", "users", "add", username, "--role", "instructor", "--name", "Robin Teach", "--password-stdin"],
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "LEARNING_DATABASE_URL": server.database_url},
    )


TEACH_PAGES = {d.title for d in PAGES if d.section == TEACH and not d.hidden}
"""The instructor's pages listed under "Teach" in the navigation."""


class Instructor(Learner):
    """The driver, with the instructor's pages (under "Teach" in the top bar on a desktop)."""

    def go(self, name: str) -> None:
        if not self.phone and name in TEACH_PAGES:
            self.idle()
            self.page.locator("[data-testid='stTopNavSection']").filter(has_text="Teach").first.click()
            link = self.page.get_by_role("link", name=name, exact=True).or_(
                self.page.locator("[data-testid='stTopNavDropdownLink']").filter(has_text=name)
            )
            self.click(link.first)
            return
        super().go(name)

    def choose(self, label: str, option: str, *, within: Locator | None = None) -> None:
        """Pick ``option`` in the select or multiselect labelled ``label``."""
        scope = within or self.page
        self._select(scope, label, option)
        if self.page.get_by_role("listbox").count():  # a multiselect stays open for more
            self.page.keyboard.press("Escape")
        self.idle()

    def fill(self, target: Locator, text: str) -> None:
        """Type into a field and leave it, so the app runs with the new value; once more if a run
        that was under way drew the field again without it (as a person would type it again,
        and with a warning in the test report, so a pattern would show)."""
        self.idle()
        for attempt in range(2):
            if attempt:
                warnings.warn(f"typed text was drawn back as {target.input_value()!r}; typing it again", stacklevel=2)
            target.fill(text)
            target.press("Tab")
            self.idle()
            if target.input_value() == text:
                return
        expect(target).to_have_value(text)

    def bring_into_view(self, target: Locator) -> None:
        """Scroll ``target`` to the middle of the screen and wait until it stays put, so a list
        opened there is not closed again by the scrolling."""
        target.evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
        self.page.wait_for_function(
            "e => { const top = e.getBoundingClientRect().top;"
            " const still = window.__lastTop === top; window.__lastTop = top; return still; }",
            arg=target.element_handle(),
            polling=100,
        )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_instructor_writes_a_question_and_sets_it_in_a_quiz_for_one_class(browser, server, viewport: str) -> None:
    shots = ARTIFACTS
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[viewport], timezone_id=ZONE)
    page = context.new_page()
    app = Instructor(page, server.url, load_course(lessons_dir=server.lessons, bank_dir=server.bank), shots)
    findings = Findings()

    def look(name: str, *, axe: bool = False) -> None:
        findings.look(app, name, axe=axe, shot=f"instructor-{viewport}-{name}")

    def readme_shot(name: str, *, at: Locator | None = None) -> None:
        """One screen (not the whole page, to keep the file small): the top, or around ``at``."""
        if not os.environ.get("LEARNING_README_SCREENSHOTS"):
            return
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        if at is None:
            page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
        else:
            at.evaluate("e => e.scrollIntoView({block: 'start'})")
        app.idle()
        page.screenshot(path=str(README_SHOTS / f"{name}.png"))

    teacher = f"teach-{uuid.uuid4().hex[:6]}"
    _add_instructor(server, teacher)
    app.open()
    app.sign_in(teacher, PASSWORD)
    app.see("Welcome, Robin Teach")

    # Two classes, each with its enrolment code.
    app.go("Classes")
    codes = {}
    new_class = page.locator("[data-testid='stExpander']").filter(has_text="New class")
    for name in ("Tuesday evening class", "Saturday class"):
        if not app.textbox("New class name").is_visible():
            app.click(new_class.get_by_text("New class", exact=True))
        app.textbox("New class name").fill(name)
        app.click(app.button("Create class"))
        expect(page.get_by_role("combobox", name="Class")).to_have_value(re.compile(rf"^{re.escape(name)} "))
        app.click(page.get_by_role("tab", name="Class settings"))
        code = page.get_by_role("tabpanel", name="Class settings").locator("code")
        expect(code).to_be_visible()
        codes[name] = code.inner_text().strip()
    look("classes")

    # The question bank: a new matching question in the first lesson.
    app.go("Question bank")
    expect(page.get_by_role("heading", name="Question bank")).to_be_visible()
    look("bank", axe=True)
    if viewport == "desktop":
        readme_shot("question-bank")
    app.click(app.button("New question"))
    popover = page.locator("[data-testid='stPopoverBody']")
    app.choose("Type", "matching", within=popover)
    app.choose("Lesson", LESSON_TITLE, within=popover)
    app.click(popover.get_by_role("button", name="Write it"))
    expect(page.get_by_role("heading", name="New matching question")).to_be_visible()
    question_id = app.textbox("Question id").input_value()
    assert re.fullmatch(rf"{LESSON}-\d+", question_id)

    app.fill(page.get_by_role("textbox", name="Prompt"), PROMPT)
    texts = page.get_by_role("textbox", name="Text", exact=True)
    for number, choice in enumerate(CHOICES):
        app.fill(texts.nth(len(ITEMS) + number), choice)
    for number, (text, choice, feedback) in enumerate(ITEMS):
        app.fill(texts.nth(number), text)
        belongs = page.get_by_role("combobox", name="Belongs to").nth(number)
        app.pick(belongs, f"{CHOICES[choice]} (c{choice + 1})", label="Belongs to")
        app.idle()
        app.fill(page.get_by_role("textbox", name="Feedback", exact=True).nth(number), feedback)
    app.fill(page.get_by_role("textbox", name="Explanation"), EXPLANATION)
    app.click(page.get_by_role("radiogroup", name="Status").get_by_text("Active", exact=True))
    expect(page.get_by_text("The preview appears once the question has no errors.")).to_have_count(0)
    expect(app.button("Save")).to_be_enabled()

    # Try it in the preview: the distractor for the first item, the rest right.
    preview = page.locator("[data-testid='stVerticalBlock']").filter(has=page.get_by_role("button", name="Check answer")).last
    picks = {ITEMS[0][0]: CHOICES[2], ITEMS[1][0]: CHOICES[1], ITEMS[2][0]: CHOICES[1]}
    app.bring_into_view(page.get_by_role("heading", name="Preview"))
    for item, choice in picks.items():
        app._select(preview, item, choice)
    app.click(preview.get_by_role("button", name="Check answer"))
    expect(page.get_by_text(re.compile(r"Partly right")).first).to_be_visible()
    app.see(ITEMS[0][2])
    app.see(re.compile(r"^Why:"))
    look("editor-tried", axe=True)
    if viewport == "desktop":
        readme_shot("question-editor")
    else:
        readme_shot("question-editor-phone", at=page.get_by_role("heading", name="Preview"))

    app.textbox("Note (optional)").fill("A first matching question on the two roles' aims")
    app.click(app.button("Save"))
    app.see("Saved as version 1.")
    expect(page.get_by_role("heading", name="Edit question")).to_be_visible()
    assert f"id={question_id}" in page.url
    look("editor-saved")

    # A quiz for the evening class, due in two weeks, drawing from the question's lesson.
    app.go("Quizzes")
    expect(page.get_by_role("heading", name="Quizzes", level=1)).to_be_visible()
    look("quizzes", axe=True)
    title = f"Roles check ({viewport})"
    app.fill(app.textbox("Title"), title)
    app.choose("Lessons it draws from", LESSON_TITLE)
    bank = load_course(lessons_dir=server.lessons, bank_dir=server.bank).active_questions()
    eligible = len([q for q in bank if q.lesson == LESSON and q.pool is Pool.PRACTICE])  # the new question among them
    app.see(re.compile(rf"{eligible} active questions match"))
    due = (datetime.now(UTC) + timedelta(days=14)).date()
    page.get_by_role("spinbutton", name="year, Due on (closes)").click()
    page.keyboard.type(due.strftime("%Y%m%d"))  # the field moves on to the month, then the day
    app.click(page.get_by_role("heading", name="Who and when"))  # leave the field, as a person clicks away
    if page.get_by_role("dialog").count():  # the date field's calendar, opened as the focus moved on
        page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    app.choose("Classes", "Tuesday evening class")
    classes = page.locator("[data-testid='stMultiSelect']").filter(has_text="Classes")
    expect(classes.get_by_text("Tuesday evening class")).to_be_visible()
    look("quizzes-filled")
    app.click(app.button("Save"))
    app.see(re.compile(rf"Saved {re.escape(title)} as quiz_bank/quizzes/"))
    look("quizzes-saved")
    context.close()

    # A learner of the evening class sees the quiz with its due date and answers the new question.
    course = load_course(lessons_dir=server.lessons, bank_dir=server.bank)
    new_question = course.question(question_id)
    assert new_question is not None and new_question.status.value == "active"
    zone = ZoneInfo(ZONE)
    due_text = f"Due {shown(to_utc(due, time(17, 0), zone), zone, ZONE)}"
    context = browser.new_context(viewport=VIEWPORTS[viewport], timezone_id=ZONE)
    page = context.new_page()
    learner = Learner(page, server.url, course, ARTIFACTS)
    learner.open()
    _sign_up(learner, f"evening-{uuid.uuid4().hex[:6]}", codes["Tuesday evening class"])
    expect(page.get_by_role("heading", name="Assigned quizzes")).to_be_visible()
    learner.see(title)
    learner.see(due_text)
    learner.screenshot(f"instructor-{viewport}-learner-course-map")
    learner.click(learner.link(f"Open: {title}"))
    learner.click(learner.button("Start"))
    met = False
    while True:
        question, box = learner.shown_question()
        if question.id == question_id:
            met = True
            for item, choice in picks.items():
                learner._select(box, item, choice)
            learner.submit_answer(box, "Check")
            expect(box.get_by_text(re.compile("Partly right")).first).to_be_visible()
            expect(box.get_by_text(ITEMS[0][2])).to_be_visible()
            expect(box.get_by_text(re.compile(r"^Why:")).first).to_be_visible()
            learner.screenshot(f"instructor-{viewport}-learner-feedback")
        else:
            learner.answer(question, box, right=True)
            learner.submit_answer(box, "Check")
            expect(box.get_by_text("Correct.").first).to_be_visible()
        learner.idle()
        expect(page.get_by_role("button", name=re.compile(r"^(Next|Finish and see results)$")).first).to_be_visible()
        if learner.button("Next").count():
            learner.click(learner.button("Next"))
            expect(learner.question_box(question.id)).to_have_count(0)
        else:
            learner.click(learner.button("Finish and see results"))
            break
    assert met, "the new question was not drawn"
    expect(page.get_by_role("heading", name=re.compile(f"^Results: {re.escape(title)}"))).to_be_visible()
    context.close()

    # A learner of the other class does not see it.
    context = browser.new_context(viewport=VIEWPORTS[viewport], timezone_id=ZONE)
    page = context.new_page()
    other = Learner(page, server.url, course, ARTIFACTS)
    other.open()
    _sign_up(other, f"saturday-{uuid.uuid4().hex[:6]}", codes["Saturday class"])
    expect(page.get_by_role("heading", name="Two roles, two goals").or_(page.get_by_text("Final exam")).first).to_be_visible()
    expect(page.get_by_role("heading", name="Assigned quizzes")).to_have_count(0)
    expect(page.get_by_text(title)).to_have_count(0)
    other.screenshot(f"instructor-{viewport}-other-class-course-map")
    context.close()

    findings.check()


def _sign_up(learner: Learner, username: str, code: str) -> None:
    page = learner.page
    page.get_by_role("tab", name="Create an account").click()
    learner.textbox("Your name").fill("Alex Learner")
    learner.textbox("Choose a username").fill(username)
    learner.textbox("Choose a password").fill(PASSWORD)
    learner.textbox("Type the password again").fill(PASSWORD)
    learner.textbox("Class enrolment code (optional)").fill(code)
    learner.click(learner.button("Create my account"))
    learner.see("Welcome, Alex Learner")
