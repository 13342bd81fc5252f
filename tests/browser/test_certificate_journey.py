"""A certificate in a real browser (Chromium via Playwright): a learner who has finished the course
downloads their PDF from Progress, and the verification link it carries is opened by someone who
is not signed in (on a phone), first valid, then revoked by the learner's instructor.

The records are filled through the store before the app starts (every lesson read, the final exam
passed), so the test spends its time on the certificate. Screenshots are saved as
``test-artifacts/screenshots/certificate-*.png``, with the PDF and, where poppler's ``pdftoppm``
is installed, its page as a picture (``certificate-page.png``).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from learning import load_course
from learning.store import Role, Store
from tests.browser.conftest import ARTIFACTS, serve
from tests.browser.driver import Findings, Learner
from tests.browser.test_journeys import VIEWPORTS
from tests.conftest import ROOT
from tests.passing import pass_the_course

pytestmark = pytest.mark.browser

PASSWORD = "four quiet lanterns drifting"
NAME = "Zoë Ångström-Łukasiewicz 李"
SCHOOL = "Riverside School of Massage"


def test_a_learner_downloads_their_certificate_and_anyone_can_check_it(browser, chromium, tmp_path) -> None:
    course = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    database_url = f"sqlite:///{tmp_path / 'records.db'}"
    store = Store.open(database_url, course=lambda: course)
    now = datetime.now(UTC)
    learner = store.accounts.create("zoe", PASSWORD, role=Role.LEARNER, now=now, display_name=NAME)
    teacher = store.accounts.create("robin", PASSWORD, role=Role.INSTRUCTOR, now=now, display_name="Robin Teach")
    cohort = store.accounts.create_cohort(teacher, "Monday evening", now=now)
    store.accounts.join_cohort(learner, cohort.code, now=now)
    pass_the_course(store, course, learner, at=now - timedelta(hours=3))
    shots = ARTIFACTS
    shots.mkdir(parents=True, exist_ok=True)
    findings = Findings()
    try:
        with serve(tmp_path, LEARNING_SCHOOL_NAME=SCHOOL) as url:
            # The learner signs in and downloads the PDF from Progress.
            context = browser.new_context(viewport=VIEWPORTS["desktop"], accept_downloads=True)
            app = Learner(context.new_page(), url, course, shots)
            app.open()
            app.sign_in("zoe", PASSWORD)
            app.go("Progress")
            app.see("Certificate of completion")
            link = app.page.get_by_role("link", name="/verify?code=")
            expect(link).to_be_visible()
            verify_url = link.get_attribute("href")
            assert verify_url is not None and verify_url.startswith(f"{url}/verify?code=")  # the address the browser used
            with app.page.expect_download() as download:
                app.page.get_by_role("button", name="Download your certificate").click()
            assert download.value.suggested_filename == "certificate-zoe.pdf"
            pdf = shots / "certificate.pdf"
            download.value.save_as(pdf)
            findings.look(app, "progress", axe=True, shot="certificate-progress")
            context.close()

            reader = PdfReader(io.BytesIO(pdf.read_bytes()))
            assert len(reader.pages) == 1
            text = reader.pages[0].extract_text()
            code = verify_url.rsplit("=", 1)[1]
            for expected in (NAME, SCHOOL, "Massage therapist or medical massage therapist?", "100%", code, verify_url):
                assert expected in text, expected
            if shutil.which("pdftoppm"):  # a picture of the page, to look at
                subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(shots / "certificate-page")], check=True)

            # Someone not signed in (an employer, on a phone) opens the link: valid.
            visitor = browser.new_context(viewport=VIEWPORTS["phone"])
            page = Learner(visitor.new_page(), url, course, shots)
            page.page.goto(verify_url)
            page.see("This certificate is valid.")
            page.see(NAME)
            page.see("100%")
            expect(page.page.get_by_text("Sign out")).to_have_count(0)
            expect(page.page.get_by_role("textbox", name="Verification code")).to_have_value(code)
            findings.look(page, "verify (valid)", axe=True, shot="verify-valid")

            # The instructor revokes it; the same link now says so, and nothing more.
            store.certificates.revoke(teacher, cohort.id, learner.id, reason="Sat the exam with notes", now=datetime.now(UTC))
            page.page.goto(verify_url)
            page.see("This certificate was revoked by the school that issued it")
            expect(page.page.get_by_text("notes")).to_have_count(0)
            expect(page.page.get_by_text(NAME)).to_have_count(0)
            findings.look(page, "verify (revoked)", axe=False, shot="verify-revoked")
            visitor.close()
    finally:
        store.close()
    findings.check()
