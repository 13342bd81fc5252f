"""The course a page run gets: cached, stat'ed at most once a second, reloaded when a file changes."""

from __future__ import annotations

import json
import os

import pytest

from learning.ui import services


@pytest.fixture
def course_env(course_dirs, monkeypatch):
    lessons, bank = course_dirs
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    services._recent_stamp.clear()
    yield lessons, bank
    services._recent_stamp.clear()


def test_a_page_run_stats_the_course_files_at_most_once_a_second(course_env, monkeypatch) -> None:
    calls = []
    real = services._stamp
    monkeypatch.setattr(services, "_stamp", lambda *args: calls.append(args) or real(*args))
    first = services.course()
    assert all(services.course() is first for _ in range(20))
    assert len(calls) == 1


def test_a_changed_file_is_loaded_once_the_stamp_is_renewed(course_env) -> None:
    _, bank = course_env
    before = services.course()
    path = bank / "techniques.json"
    data = json.loads(path.read_text())
    data["questions"][0]["prompt"] = "An edited prompt?"
    path.write_text(json.dumps(data))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a coarse clock could leave it unchanged
    services._recent_stamp.clear()  # as a second passing does
    after = services.course()
    assert after is not before
    edited = after.question("tech-tf")
    assert edited is not None and edited.prompt == "An edited prompt?"


def test_the_stamp_names_every_lesson_and_bank_file(course_env) -> None:
    lessons, bank = course_env
    named = {path for path, _mtime, _size in services._stamp(lessons, bank)}
    expected = {str(p) for p in [*lessons.glob("*"), *bank.rglob("*.json")] if p.is_file()}
    assert named == expected
    assert str(bank / "quizzes" / "goals-practice.json") in named


def test_settings_are_read_again_when_the_environment_changes(monkeypatch) -> None:
    monkeypatch.setenv("LEARNING_SITE_URL", "https://one.example")
    assert services.settings().site_url == "https://one.example"
    assert services.settings() is services.settings()
    monkeypatch.setenv("LEARNING_SITE_URL", "https://two.example")
    assert services.settings().site_url == "https://two.example"
