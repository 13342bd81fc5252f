"""Real-browser fixtures: the app started with ``streamlit run`` on a free port and a fresh
database, and Debian's Chromium driven by Playwright. Missing pieces skip with the reason, or
fail when LEARNING_REQUIRE_ALL is set (as in CI)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, skip_or_fail, wait_healthy

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        skip_or_fail("no Chromium on this machine (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -r requirements-dev.txt)")
    return path


@contextlib.contextmanager
def serve(folder: Path, **settings: str) -> Iterator[str]:
    """Run the app with ``streamlit run`` in ``folder`` on a free port, its records in
    ``folder/records.db`` and any other ``LEARNING_*`` settings given; yields its address."""
    port = free_port()
    env = {
        **os.environ,
        "LEARNING_DATABASE_URL": f"sqlite:///{folder / 'records.db'}",
        "PYTHONPATH": str(ROOT),
        **settings,
    }
    log = (folder / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "streamlit_app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            # The code under test stays as it was at start: an edit saved during a run must not
            # reload modules under a live session (enums compared by identity would stop matching).
            "--server.fileWatcherType",
            "none",
        ],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, alive=lambda: server.poll() is None, log=folder / "streamlit.log", timeout=60)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def app_url(chromium, tmp_path_factory) -> Iterator[str]:
    """The app, served by ``streamlit run`` exactly as a school runs it, on a fresh SQLite database."""
    with serve(tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def screenshot_folder(name: str) -> Path:
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep a screenshot and the text of every page it had open."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call":
        return
    from tests.browser.driver import OPEN_PAGES

    if report.failed:
        folder = ARTIFACTS.parent / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(OPEN_PAGES):
            try:
                name = f"{item.name}-{number}".replace("/", "-")
                page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
                (folder / f"{name}.txt").write_text(f"{page.url}\n\n{page.inner_text('body')}")
            except Exception:  # the page may be closed already
                pass
    OPEN_PAGES.clear()
