"""Entry point: ``streamlit run streamlit_app.py``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from learning import load_course
from learning.render import render_markdown

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="Massage therapist or medical massage therapist?", page_icon="💆", layout="centered")


@st.cache_resource(show_spinner=False)
def _course(_stamp: tuple):
    return load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")


def _stamp() -> tuple:
    files = sorted([*(ROOT / "lessons").glob("*"), *(ROOT / "quiz_bank").rglob("*.json")])
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


course = _course(_stamp())
st.title("Massage therapist or medical massage therapist?")
st.caption(course.summary())
for unit in course.units:
    st.header(unit.title)
    st.write(unit.description)
    for lesson in course.lessons_in(unit.id):
        with st.expander(f"{lesson.title} · {lesson.reading_minutes} min"):
            text, _ = render_markdown(lesson.intro, course.glossary)
            st.markdown(text)
