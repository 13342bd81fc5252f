"""The course and the store for this server process, cached, and the clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from learning.course import Course, load_course
from learning.settings import Settings, get_settings
from learning.store import Store


def settings() -> Settings:
    return get_settings()


def _stamp(lessons: Path, bank: Path) -> tuple:
    files = sorted([*lessons.glob("*"), *bank.rglob("*.json")])
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file())


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(lessons: str, bank: str, stamp: tuple) -> Course:
    return load_course(lessons_dir=Path(lessons), bank_dir=Path(bank))


def course() -> Course:
    """The course, reloaded when any lesson or bank file changes on disk."""
    config = settings()
    return _load(str(config.lessons_dir), str(config.bank_dir), _stamp(config.lessons_dir, config.bank_dir))


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store.open(url, course=course)


def store() -> Store:
    return _store(settings().database_url)


def now() -> datetime:
    return datetime.now(UTC)
