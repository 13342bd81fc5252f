"""A learner plans to an exam date in a real browser (Chromium via Playwright), on desktop and
phone: types the date, reads today's plan, downloads the calendar and follows a lesson link."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from learning import load_course
from tests.browser.conftest import screenshot_folder
from tests.browser.driver import Learner, axe_violations
from tests.browser.test_journeys import PASSWORD, VIEWPORTS
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

ZONE = "Europe/Paris"


@pytest.fixture(scope="module")
def course():
    return load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_learner_sets_an_exam_date_and_follows_todays_plan(browser, app_url, course, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], timezone_id=ZONE, accept_downloads=True)
    page = context.new_page()
    app = Learner(page, app_url, course, screenshot_folder(viewport))
    app.open()
    app.sign_up("Sam Rivera", f"planner-{viewport}-{uuid.uuid4().hex[:6]}", PASSWORD)

    today = datetime.now(ZoneInfo(ZONE)).date()  # the plan's days are the learner's own
    exam = today + timedelta(days=10)
    app.click(page.get_by_text("Plan to an exam date"))
    page.get_by_role("spinbutton", name="day, Exam date").click()  # day, month and year fields: typing moves along
    page.keyboard.type(exam.strftime("%d%m%Y"))
    app.click(app.button("Save exam date"))
    app.see("Today's plan")
    app.see("(your own date) · 10 days left")
    app.see("On track: keep to today's plan.")
    first, second = course.lessons[:2]
    expect(app.link(f"Read: {second.title} ({second.reading_minutes} min)")).to_be_visible()
    app.click(page.get_by_text("The days ahead"))
    app.screenshot("study-plan")
    assert app.overflow() == []
    if viewport == "desktop":
        assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("button", name="Add to my calendar (.ics)").click()
    assert download.value.suggested_filename == "study-plan.ics"
    events = Calendar.from_ical(Path(download.value.path()).read_bytes()).events
    assert events[0].start == today and events[-1].start == exam
    assert str(events[0]["SUMMARY"]).startswith("Study: Read 2 lessons")

    app.click(app.link(f"Read: {first.title} ({first.reading_minutes} min)"))
    expect(page.get_by_role("heading", name=first.title, level=1)).to_be_visible()
    context.close()
