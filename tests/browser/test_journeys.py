"""A learner's journeys in a real browser (Chromium via Playwright), on desktop and phone.

Screenshots of each main screen are saved under ``test-artifacts/screenshots/<viewport>/``.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from learning import load_course
from tests.browser.conftest import screenshot_folder
from tests.browser.driver import Findings, Learner
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def course():
    return load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_new_learner_studies_practises_and_sits_the_final_exam(browser, app_url, course, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    app = Learner(page, app_url, course, screenshot_folder(viewport))
    findings = Findings()

    def look(name: str) -> None:
        findings.look(app, name, axe=viewport == "desktop")

    username = f"learner-{viewport}-{uuid.uuid4().hex[:6]}"
    app.open()
    expect(page.get_by_role("tab", name="Create an account")).to_be_visible()
    look("sign-in")
    app.sign_up("Sam Rivera", username, PASSWORD)
    look("home")

    # Read the first lesson and answer its check questions, one right and one wrong.
    first = course.lessons[0]
    app.click(app.link(f"Start with: {first.title}"))
    expect(page.get_by_role("heading", name=first.title, level=1)).to_be_visible()
    for number, question_id in enumerate(first.check_questions[:2]):
        question = course.question(question_id)
        box = app.question_box(question_id)
        app.answer(question, box, right=number == 0)
        app.submit_answer(box, "Check")
        verdict = "Correct." if number == 0 else re.compile(r"Not quite\.|Partly right")
        expect(box.get_by_text(verdict).first).to_be_visible()
        expect(box.get_by_text("Why:").first).to_be_visible()
    look("lesson")
    app.click(app.button("Mark as read"))
    app.see("You marked this lesson as read")

    # The lesson's practice quiz: alternate right and wrong answers, and read the feedback.
    app.click(app.link(re.compile("Take the practice quiz")))
    app.click(app.button("Start"))
    number = 0
    while True:
        question, box = app.shown_question()
        right = number % 2 == 0
        app.answer(question, box, right=right)
        app.submit_answer(box, "Check")
        expect(box.get_by_text("Correct." if right else re.compile(r"Not quite\.|Partly right")).first).to_be_visible()
        if number == 1:
            expect(app.link(re.compile("Review it in the lesson")).first).to_be_visible()
            look("quiz-practice-feedback")
        number += 1
        app.idle()
        expect(page.get_by_role("button", name=re.compile(r"^(Next|Finish and see results)$")).first).to_be_visible()
        if app.button("Next").count():
            app.click(app.button("Next"))
            expect(app.question_box(question.id)).to_have_count(0)
        else:
            app.click(app.button("Finish and see results"))
            break
    expect(page.get_by_role("heading", name=re.compile("^Results: Practice"))).to_be_visible()
    look("results-practice")

    # Read every other lesson so the final exam unlocks.
    for lesson in course.lessons[1:]:
        app.go("Course")
        app.click(app.link(f"Start with: {lesson.title}"))
        expect(page.get_by_role("heading", name=lesson.title, level=1)).to_be_visible()
        app.click(app.button("Mark as read"))
        app.see("You marked this lesson as read")

    # The final exam: answer three, refresh mid-exam, sign in again and resume.
    app.go("Course")
    app.click(app.link("Open: Final exam"))
    app.click(app.button("Start"))
    answered = []
    for _ in range(3):
        question, box = app.shown_question()
        app.answer(question, box, right=True)
        app.submit_answer(box, "Save answer")
        expect(app.question_box(question.id)).to_have_count(0)
        answered.append(question.id)
    expect(page.get_by_text("Time left:")).to_be_visible()
    look("quiz-exam")
    # A reload mid-exam keeps the learner signed in (the session cookie), at the same address.
    page.reload()
    app.idle()
    app.see(re.compile("Question 4 of 40 · 3 answered"))
    expect(page.get_by_role("tab", name="Sign in")).to_have_count(0)
    # So does a new tab opened on a deep link: no sign-in, straight to the lesson.
    tab = Learner(context.new_page(), app_url, course, screenshot_folder(viewport))
    tab.open(f"/lesson?lesson={first.id}")
    expect(tab.page.get_by_role("heading", name=first.title, level=1)).to_be_visible()
    expect(tab.page.get_by_role("tab", name="Sign in")).to_have_count(0)
    tab.page.close()
    app.go("Course")
    resume = app.link(re.compile(r"Resume Final exam \(3 of 40 answered\)"))
    expect(resume).to_be_visible()
    app.click(resume)
    app.see(re.compile("Question 4 of 40 · 3 answered"))
    question, _box = app.shown_question()
    assert question.id not in answered
    app.click(app.button("Submit exam"))
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile("37 unanswered questions"))).to_be_visible()
    look("quiz-exam-confirm")
    app.click(dialog.get_by_role("button", name="Submit now"))
    expect(page.get_by_role("heading", name="Results: Final exam")).to_be_visible()
    app.see(re.compile(r"Not passed: 8% is below the pass mark of 80%"))
    look("results-exam")

    app.go("Progress")
    expect(app.link(re.compile(r"Final exam: 8% \(not passed\)"))).to_be_visible()
    look("progress")
    app.go("Review")
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    look("review")
    context.close()

    findings.check()


def test_keyboard_alone_signs_up_and_opens_a_lesson(browser, app_url, course) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    app = Learner(page, app_url, course, screenshot_folder("keyboard"))
    app.open()
    expect(page.get_by_role("tab", name="Sign in")).to_be_visible()

    def active() -> dict:
        return page.evaluate(
            "() => { const e = document.activeElement; return e ? {label: e.getAttribute('aria-label'), role: e.getAttribute('role'),"
            " text: (e.innerText || '').trim()} : {}; }"
        )

    def tab_to(matches, what: str, limit: int = 60) -> None:
        app.idle()  # a run that re-draws the page would move the focus
        for _ in range(limit):
            if matches(active()):
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"the Tab key never reached {what}")

    tab_to(lambda e: e.get("role") == "tab", "the tabs")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Your name", exact=True)).to_be_visible()
    for label, text in (
        ("Your name", "Kim Keys"),
        ("Choose a username", f"keys-{uuid.uuid4().hex[:6]}"),
        ("Choose a password", PASSWORD),
        ("Type the password again", PASSWORD),
    ):
        tab_to(lambda e, label=label: e.get("label") == label, label)
        page.keyboard.type(text)
    app.expect_handoff()
    page.keyboard.press("Enter")  # Enter in a form's text field submits the form
    app.handed_off()
    app.see("Welcome, Kim Keys")
    tab_to(lambda e: e.get("text", "").endswith("Start with: Two roles, two goals"), "the first lesson")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=course.lessons[0].title, level=1)).to_be_visible()
    context.close()
