"""Browser benchmark: from clicking "Check" to the feedback being visible.

The app runs with the full bank and a learner who has 5,000 stored answers; the floor is the same
click in a minimal Streamlit page with one radio and one button. Both are measured in the same
run, in Debian's Chromium driven by Playwright, and the ratio is printed. Each click is timed in
the page's own clock, from the pointer going down to the first change of the page that holds the
feedback (see :func:`timed_click`); timing it with Playwright's ``expect`` would round every
figure up to that method's next poll.

    python bench/check_feedback_bench.py [--samples 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from playwright.sync_api import expect, sync_playwright

from bench.seeding import seed_answers
from learning import load_course
from learning.settings import PROJECT_ROOT
from learning.store import Role, Store
from tests.browser.driver import Learner

FLOOR = """
import streamlit as st
st.session_state.setdefault("clicks", 0)
choice = st.radio("Pick one", ["First", "Second"], index=None)
if st.button("Check"):
    st.session_state.clicks += 1
    st.success(f"Feedback {st.session_state.clicks} for {choice}")
"""
PASSWORD = "a long enough password"
QUIZZES = ["practice-goals", "practice-training", "practice-accountability", "practice-deep-tissue"]


TIMED_CLICK = """(text) => {
    // Times one click in the browser's own clock: from the pointer going down on the button to the
    // first change of the page after which ``text`` is in it (a MutationObserver, not polling).
    window.__clickStart = null;
    window.__clickEnd = null;
    document.addEventListener("pointerdown", () => { window.__clickStart = performance.now(); }, { capture: true, once: true });
    if (window.__clickObserver) window.__clickObserver.disconnect();
    window.__clickObserver = new MutationObserver(() => {
        if (window.__clickStart !== null && window.__clickEnd === null && document.body.textContent.includes(text)) {
            window.__clickEnd = performance.now();
        }
    });
    window.__clickObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


def timed_click(page, button, text: str) -> float:
    """Milliseconds from pressing ``button`` until ``text`` is on the page, measured in the page.

    Playwright's ``expect`` polls at growing intervals (100 ms, then 250 ms...), which would round
    every figure up to its next poll; the page's own clock and a MutationObserver do not.
    """
    page.evaluate(TIMED_CLICK, text)
    button.click()
    page.wait_for_function("() => window.__clickEnd !== null", polling="raf")
    return float(page.evaluate("() => window.__clickEnd - window.__clickStart"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(script: Path, folder: Path, env: dict, *options: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port), "--server.headless", "true", *options],
        cwd=folder,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return process, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{script.name} did not start")


def summary(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label}: median {statistics.median(values):.0f} ms, p95 {p95:.0f} ms over {len(values)} clicks"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("needs Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        url = f"sqlite:///{folder / 'records.db'}"
        course = load_course(lessons_dir=PROJECT_ROOT / "lessons", bank_dir=PROJECT_ROOT / "quiz_bank")
        store = Store.open(url, course=lambda: course)
        learner = store.accounts.create("bench-learner", PASSWORD, role=Role.LEARNER, now=datetime.now(UTC), display_name="Bench")
        seed_answers(store, course, [learner.id], 5_000)
        store.close()
        (folder / "floor.py").write_text(FLOOR)
        app, app_url = serve(ROOT / "streamlit_app.py", folder, {"LEARNING_DATABASE_URL": url})
        floor, floor_url = serve(folder / "floor.py", folder, {})
        # The app turns off Streamlit's full garbage collection after every run (.streamlit/config.toml);
        # the floor is timed both ways, so the ratio does not rest on that setting alone.
        bare, bare_url = serve(folder / "floor.py", folder, {}, "--runner.postScriptGC", "false")
        app_times: list[float] = []
        floor_times: list[float] = []
        bare_times: list[float] = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
                )
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                driver = Learner(page, app_url, course, folder)
                for quiz in QUIZZES:
                    if len(app_times) >= args.samples:
                        break
                    page.goto(f"{app_url}/quiz?quiz={quiz}")
                    if quiz == QUIZZES[0]:  # then the session cookie keeps the learner signed in
                        driver.sign_in("bench-learner", PASSWORD)
                    driver.button("Start").click()
                    while len(app_times) < args.samples:
                        question, box = driver.shown_question()
                        driver.answer(question, box, right=True)
                        driver.idle()
                        check = box.get_by_role("button", name="Check", exact=True)
                        app_times.append(timed_click(page, check, "Why:"))
                        expect(box.get_by_text("Why:").first).to_be_visible()
                        driver.idle()
                        following = page.get_by_role("button", name="Next", exact=True)
                        if not following.count():
                            break
                        following.click()
                        expect(driver.question_box(question.id)).to_have_count(0)
                for times, address in ((floor_times, floor_url), (bare_times, bare_url)):
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(address)
                    for click in range(1, args.samples + 1):
                        page.get_by_text("First" if click % 2 else "Second", exact=True).click()
                        page.wait_for_timeout(150)
                        times.append(timed_click(page, page.get_by_role("button", name="Check"), f"Feedback {click} for"))
                browser.close()
        finally:
            for process in (app, floor, bare):
                process.terminate()
                process.wait(timeout=20)
    print(summary("app, full bank, learner with 5,000 answers", app_times))
    print(summary("floor, one radio and one button", floor_times))
    print(summary("floor without the collection after each run", bare_times))
    print(f"ratio of medians: {statistics.median(app_times) / statistics.median(floor_times):.2f}x")
    print(f"ratio to the floor without the collection: {statistics.median(app_times) / statistics.median(bare_times):.2f}x")


if __name__ == "__main__":
    main()
