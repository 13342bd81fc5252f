"""The course and the store for this server process, cached, the clock, and what a screen
does when the records cannot be reached."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import streamlit as st

from learning.course import Course, load_course
from learning.errors import StorageUnavailable
from learning.settings import Settings, get_settings
from learning.store import Store, User
from learning.wording import TRY_AGAIN
from learning.zones import zone_named

log = logging.getLogger("learning.ui")


def settings() -> Settings:
    """The settings from the environment, read again only when a ``LEARNING_*`` variable or the working folder changes."""
    variables = tuple(sorted((name, value) for name, value in os.environ.items() if name.upper().startswith("LEARNING_")))
    return _settings(variables, os.getcwd())


@functools.lru_cache(maxsize=8)
def _settings(_variables: tuple[tuple[str, str], ...], _cwd: str) -> Settings:
    # Parsing the environment costs about half a millisecond, and a page run asks several times.
    return get_settings()


STAMP_SECONDS = 1.0
"""How long a stamp of the course files is trusted: a change on disk shows within this time."""


def _stamp(lessons: Path, bank: Path) -> tuple[tuple[str, int, int], ...]:
    """Each lesson and bank file's path, modification time and size: one stat a file.

    A folder or a dangling link where a file belongs is listed too (without time or size), so
    that it is reported as soon as it appears rather than at the next restart.
    """
    stamp = []
    for path in sorted([*lessons.glob("*"), *bank.rglob("*.json")]):
        try:
            info = path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                stamp.append((str(path), -1, -1))
            continue  # otherwise removed since the listing; the next stamp no longer lists it
        except OSError:
            stamp.append((str(path), -1, -1))
            continue
        if stat.S_ISREG(info.st_mode):
            stamp.append((str(path), info.st_mtime_ns, info.st_size))
        elif path.suffix in (".md", ".json", ".yaml"):
            stamp.append((str(path), -1, -1))
    return tuple(stamp)


@st.cache_resource(show_spinner=False, ttl=STAMP_SECONDS, max_entries=4)
def _recent_stamp(lessons: str, bank: str) -> str:
    """A digest of :func:`_stamp`, short so that Streamlit hashes the cache key cheaply.

    A page run asks for the course several times, and every session does so on each click;
    the files are stat'ed at most once a second, whoever asks.
    """
    return hashlib.sha256(repr(_stamp(Path(lessons), Path(bank))).encode()).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(lessons: str, bank: str, stamp: str) -> Course:
    return load_course(lessons_dir=Path(lessons), bank_dir=Path(bank))


def course() -> Course:
    """The course, reloaded (within :data:`STAMP_SECONDS`) when a lesson or bank file changes on disk."""
    config = settings()
    lessons, bank = str(config.lessons_dir), str(config.bank_dir)
    return _load(lessons, bank, _recent_stamp(lessons, bank))


def course_stamp() -> str:
    """A digest that changes when a lesson or bank file changes (within :data:`STAMP_SECONDS`):
    the key of anything a screen works out from the course and keeps, such as an exported file."""
    config = settings()
    return _recent_stamp(str(config.lessons_dir), str(config.bank_dir))


def course_changed() -> None:
    """Forget the recent stamp of the course files after this server wrote one, so the next
    :func:`course` call sees the change at once rather than within :data:`STAMP_SECONDS`."""
    _recent_stamp.clear()


@st.cache_resource(show_spinner=False, max_entries=4)
def _lint(lessons: str, bank: str, stamp: str) -> dict[str, tuple[str, ...]]:
    from learning.lint import lint

    found: dict[str, list[str]] = {}
    for finding in lint(_load(lessons, bank, stamp)):
        if finding.question is not None:
            found.setdefault(finding.question, []).append(finding.rule.value)
    return {question_id: tuple(dict.fromkeys(rules)) for question_id, rules in found.items()}


def lint_warnings() -> dict[str, tuple[str, ...]]:
    """The lint rules each question of the course breaks, by question id, worked out once per
    version of the course files (the near-duplicate check takes seconds on a large bank)."""
    config = settings()
    lessons, bank = str(config.lessons_dir), str(config.bank_dir)
    return _lint(lessons, bank, _recent_stamp(lessons, bank))


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store.open(url, course=course)


def store() -> Store:
    return _store(settings().database_url)


_STARTED_WALL = time.time()
_STARTED_STEADY = time.monotonic()


def now() -> datetime:
    """The time now, by the server clock, which is trusted; but a clock stepped back while the
    app runs does not take this time back with it (a step forward is followed)."""
    steady = _STARTED_WALL + (time.monotonic() - _STARTED_STEADY)
    return datetime.fromtimestamp(max(time.time(), steady), UTC)


def class_ids(user: User) -> set[int]:
    """The classes a person belongs to (an instructor: the classes they teach)."""
    return {cohort.id for cohort in store().accounts.cohorts(user)}


def time_zone() -> tuple[ZoneInfo, str]:
    """The zone of the person's browser and its name; UTC (named) when the browser does not say."""
    return zone_named(st.context.timezone)


PROBLEM_KEY = "storage-problem"
"""Where :func:`saving` leaves its message for the next run of the page to show."""


@contextlib.contextmanager
def saving(what: str) -> Iterator[None]:
    """Run a write from a button's callback; when the records cannot be reached, nothing is
    stored and the page says so (``what`` is, say, "Your quiz was not started") instead of
    failing. Widget state is untouched, so what the learner entered stays on screen."""
    try:
        yield
    except StorageUnavailable:
        log.warning("a write failed: the records cannot be reached", exc_info=True)
        st.session_state[PROBLEM_KEY] = f"{what}. {TRY_AGAIN}"
