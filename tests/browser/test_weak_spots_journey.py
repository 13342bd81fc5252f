"""Practise my weak spots in a real browser (Chromium via Playwright), on desktop and phone: a
learner who read two lessons and missed two questions finds the offer on the course map, picks
how many questions, starts the quiz, reads why the first question was picked and answers it.

The learner's history is written through the store before the app starts. Screenshots are saved
as ``test-artifacts/screenshots/<viewport>/weak-*.png``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from learning import load_course
from learning.course import Course
from learning.grading import correct_response
from learning.questions import SingleChoiceQuestion, TrueFalseQuestion
from learning.store import Role, Store
from tests.browser.conftest import screenshot_folder, serve
from tests.browser.driver import Findings, Learner
from tests.browser.test_journeys import VIEWPORTS
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
READ = ["goals", "techniques-compared"]
REASONS = re.compile(r"(You missed this (last time|twice|\d+ times)|Due for review|New: not practised yet|Weak spot: \d+% mastery .*)$")


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")


def _wrong(question: SingleChoiceQuestion | TrueFalseQuestion) -> dict[str, object]:
    if isinstance(question, TrueFalseQuestion):
        return {"type": "true_false", "value": not question.answer}
    return {"type": "single_choice", "option": next(o.id for o in question.options if not o.correct)}


def _seed(folder: Path, course: Course) -> None:
    """One learner per viewport who read two lessons and answered six of the first one's
    questions, two of them wrong, an hour ago."""
    store = Store.open(f"sqlite:///{folder / 'records.db'}", course=lambda: course)
    then = datetime.now(UTC) - timedelta(hours=1)
    simple = [
        q
        for q in course.active_questions(lesson="goals")
        if q.pool.value == "practice" and isinstance(q, SingleChoiceQuestion | TrueFalseQuestion)
    ][:6]
    for viewport in VIEWPORTS:
        user = store.accounts.create(f"weak-{viewport}", PASSWORD, role=Role.LEARNER, now=then, display_name="Sam Rivera")
        for lesson in READ:
            store.progress.complete_lesson(user, lesson, now=then)
        attempt = store.attempts.start(user, course.quiz("practice-goals"), now=then, questions=simple)
        for n, question in enumerate(simple):
            response = _wrong(question) if n < 2 else correct_response(question).model_dump(mode="json")
            store.attempts.answer(user, attempt.id, question.id, response, now=then)
        store.attempts.submit(user, attempt.id, now=then)
    store.close()


@pytest.fixture(scope="module")
def weak_url(chromium, course, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("weak-spots")
    _seed(folder, course)
    with serve(folder) as url:
        yield url


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_learner_practises_their_weak_spots(browser, weak_url, course, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    app = Learner(page, weak_url, course, screenshot_folder(viewport))
    findings = Findings()

    def look(name: str) -> None:
        findings.look(app, name, axe=viewport == "desktop")

    app.open()
    app.sign_in(f"weak-{viewport}", PASSWORD)
    app.see("Welcome, Sam Rivera")
    offer = page.locator(".st-key-weak-spots")
    expect(offer.get_by_text("Practise my weak spots").first).to_be_visible()
    slider = offer.get_by_role("slider")
    expect(slider).to_have_value("10")
    slider.focus()
    page.keyboard.press("ArrowLeft")  # nine questions, chosen from the keyboard
    app.idle()
    expect(slider).to_have_value("9")
    offer.scroll_into_view_if_needed()
    look("weak-home")

    app.click(app.button("Practise my weak spots"))
    expect(page.get_by_role("heading", name="Practise my weak spots", level=1)).to_be_visible()
    app.see(re.compile(r"Question 1 of 9 · 0 answered"))
    question, box = app.shown_question()
    assert question.lesson in READ, "nothing from a lesson not read"
    expect(box.get_by_text(REASONS)).to_be_visible()
    look("weak-question")
    app.answer(question, box, right=True)
    app.submit_answer(box, "Check")
    expect(box.get_by_text("Correct.").first).to_be_visible()
    app.see(re.compile(r"Question 1 of 9 · 1 answered"))
    context.close()

    findings.check()
