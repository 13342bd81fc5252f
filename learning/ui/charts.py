"""The two ways scores are drawn: bars per lesson (Altair) and a table of bars per objective."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

GOOD = "#2a6356"
WORK = "#b3602e"
THRESHOLD = 80


def percent_bars(rows: list[dict], *, value: str, label: str, axis_title: str, alt_text: str) -> None:
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


def objective_table(rows: list[dict], *, score: str) -> None:
    """One row per learning objective with its full text and a bar for ``score`` (a fraction)."""
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={
            "Learning objective": st.column_config.TextColumn(width="large"),
            score: st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0),
        },
    )


def objective_text(course, objective_id: str) -> str:
    objective = course.syllabus.objective(objective_id) if course.syllabus else None
    text = objective.text.removeprefix("The learner can ") if objective else objective_id
    return text[0].upper() + text[1:]
