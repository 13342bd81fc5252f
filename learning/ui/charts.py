"""The two ways scores are drawn: bars per lesson (Altair) and a table of bars per objective."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

GOOD = "#2a6356"
WORK = "#b3602e"
THRESHOLD = 80


def percent_bars(rows: list[dict[str, Any]], *, value: str, label: str, axis_title: str, alt_text: str) -> None:
    """Horizontal bars from 0 to 100, green at 80 or more; ``rows`` keep their order."""
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", title=axis_title, scale=alt.Scale(domain=[0, 100])),
            y=alt.Y(f"{label}:N", title=None, sort=None, axis=alt.Axis(labelLimit=240)),
            color=alt.condition(alt.datum[value] >= THRESHOLD, alt.value(GOOD), alt.value(WORK)),
            tooltip=list(rows[0]) if rows else [],
        )
        .properties(height=max(80, 26 * len(rows)))
    )
    st.altair_chart(chart, alt=alt_text)


def objective_bars(rows: list[tuple[str, float, str]]) -> None:
    """One bar per learning objective: ``(text, fraction, detail)``. Full text that wraps, on any screen."""
    for text, fraction, detail in rows:
        st.progress(min(1.0, max(0.0, fraction)), text=f"{text}  \n:gray[{round(fraction * 100)}% · {detail}]")


def points(value: float) -> str:
    """Points for display: whole numbers as they are, others to one decimal place."""
    return f"{round(value, 1):g}"


def objective_text(course, objective_id: str) -> str:
    """An objective's text for a chart; its id when it has since been renamed or removed (an old
    attempt keeps the objectives its questions tested when it was taken)."""
    objective = course.syllabus.find_objective(objective_id) if course.syllabus else None
    text = objective.text.removeprefix("The learner can ") if objective else objective_id
    return text[0].upper() + text[1:]
