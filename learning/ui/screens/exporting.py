"""Taking questions out of the bank (instructors): the question bank's Export section downloads
the questions its filter shows as a GIFT, Moodle XML or CSV file, and lists every value the format
made the writer change (a weight snapped to a fraction Moodle accepts) and every question it
could not carry. The writing is :func:`learning.interchange.export`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from learning import interchange
from learning.authoring import BankFilter
from learning.interchange import Adjustment, Exported, Format, MediaStore, Skipped
from learning.interchange.summary import FORMAT_NAMES, export_file_name
from learning.questions import QuestionBase
from learning.render import plain_text
from learning.ui import services
from learning.wording import count

_KEPT = "bank-export"
SHOWN_PROBLEMS = 200


def exported(questions: Sequence[QuestionBase], fmt: Format, chosen: BankFilter) -> Exported:
    """``questions`` written in ``fmt``, kept in the session until the filter, the format or
    the course files change (the bank page runs again at every click)."""
    key = (services.course_stamp(), tuple(sorted(chosen.to_query().items())), fmt)
    kept = st.session_state.get(_KEPT)
    if kept is None or kept[0] != key:
        kept = st.session_state[_KEPT] = (key, interchange.export(questions, fmt, MediaStore(services.settings().bank_dir)))
    result: Exported = kept[1]
    return result


def export_section(questions: Sequence[QuestionBase], chosen: BankFilter) -> None:
    """The Export section of the bank page, for the questions the filter shows."""
    with st.expander("Export", icon=":material/download:"):
        st.caption(
            f"The {count(len(questions), 'question')} the filter shows, as a file for Moodle or another learning platform "
            "(GIFT or Moodle XML), or for a spreadsheet (CSV)."
        )
        fmt = st.radio(
            "Format", list(FORMAT_NAMES), format_func=lambda v: FORMAT_NAMES[v], index=None, horizontal=True, key="bank-export-format"
        )
        if fmt is None:
            return
        if not questions:
            st.info("The filter shows no question: there is nothing to export.")
            return
        written = exported(questions, Format(fmt), chosen)
        name = export_file_name(chosen.to_query(), day=services.now().date(), suffix=written.suffix)
        carried = len(questions) - len(written.left_out)
        st.download_button(
            f"Download {count(carried, 'question')} ({FORMAT_NAMES[written.format]})",
            written.content,
            file_name=name,
            mime=written.media_type,
            on_click="ignore",
            type="primary",
            icon=":material/download:",
            key="bank-export-download",
        )
        st.caption(f"Saved as {plain_text(name)}")
        _adjustments(written.adjustments)
        _left_out(written.left_out)


def _adjustments(adjustments: Sequence[Adjustment]) -> None:
    if not adjustments:
        return
    st.markdown(f"**{count(len(adjustments), 'value')} changed** to the nearest fraction Moodle accepts")
    lines = [
        f"- {plain_text(a.question_id)} · {plain_text(a.where)}: {a.given:g} written as {a.written:g}" for a in adjustments[:SHOWN_PROBLEMS]
    ]
    if len(adjustments) > SHOWN_PROBLEMS:
        lines.append(f"- … and {len(adjustments) - SHOWN_PROBLEMS} more")
    st.markdown("\n".join(lines))


def _left_out(left_out: Sequence[Skipped]) -> None:
    if not left_out:
        return
    st.markdown(f"**{count(len(left_out), 'question')} left out**: the format has no place for them")
    lines = [f"- {plain_text(s.name)}: {plain_text(s.reason)}" for s in left_out[:SHOWN_PROBLEMS]]
    if len(left_out) > SHOWN_PROBLEMS:
        lines.append(f"- … and {len(left_out) - SHOWN_PROBLEMS} more")
    st.markdown("\n".join(lines))
