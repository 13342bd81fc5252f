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


def facility_discrimination(rows: list[dict[str, Any]], *, key: str, on_pick: Any, hard: float, easy: float, low: float) -> None:
    """Facility (x, %) against discrimination index (y), one dot per question; flagged questions
    orange and labelled with their number; dashed lines at the limits that raise a flag. Clicking
    a dot calls ``on_pick`` (the chart's selection is the question's ``id``)."""
    data = pd.DataFrame(rows)
    lowest = min(-10.0, float(data["discrimination index"].min()) - 5) if len(data) else -10.0
    pick = alt.selection_point(name="pick", fields=["id"], on="click", toggle=False)
    base = alt.Chart(data).encode(
        x=alt.X("facility %:Q", title="Facility (% of the marks earned)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("discrimination index:Q", title="Discrimination index", scale=alt.Scale(domain=[lowest, 100])),
    )
    dots = base.mark_circle(size=110, opacity=0.85, cursor="pointer").encode(
        color=alt.Color(
            "flagged:N",
            title=None,
            scale=alt.Scale(domain=["needs checking", "fine"], range=[WORK, GOOD]),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=["label:N", "id:N", "prompt:N", "facility %:Q", "discrimination index:Q", "flagged:N"],
    )
    labels = (
        base.transform_filter(alt.datum.flagged == "needs checking")
        .mark_text(align="left", dx=8, dy=-6, fontSize=12, color=WORK)
        .encode(text="label:N")
    )
    limits = pd.DataFrame({"facility %": [100 * hard, 100 * easy]})
    vertical = alt.Chart(limits).mark_rule(strokeDash=[4, 4], color="#999999").encode(x="facility %:Q")
    horizontal = alt.Chart(pd.DataFrame({"discrimination index": [low]})).mark_rule(strokeDash=[4, 4], color="#999999")
    horizontal = horizontal.encode(y="discrimination index:Q")
    chart = alt.layer(vertical, horizontal, dots.add_params(pick), labels).properties(height=380)
    st.altair_chart(
        chart,
        key=key,
        on_select=on_pick,
        selection_mode="pick",
        alt="Each question's facility against its discrimination index; questions that need checking are orange and numbered.",
    )
