"""Item statistics (instructors): how a quiz and each of its questions performed, for all of the
instructor's classes or one, over the attempts the grading method counts or another choice.

The figures are the store's report (``store.statistics``, which checks the instructor again on
the server and caches the report until the next submission); what each figure means and how the
rows read are :mod:`learning.item_report`'s. ``stats?quiz=QUIZ_ID`` opens a quiz.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from learning.course import Course
from learning.errors import AccessDenied
from learning.item_report import (
    default_quiz,
    option_lines,
    placement_rows,
    question_order,
    question_rows,
    quiz_figures,
    which_words,
)
from learning.questions import MatchingQuestion
from learning.quiz import GradingMethod, WhichAttempts
from learning.render import inline, plain_text
from learning.statistics import EASY, FEW_ATTEMPTS, HARD, LOW_DISCRIMINATION
from learning.store import QuestionReport, StatisticsReport, User
from learning.ui import charts, nav, services, session
from learning.wording import count, sentence

COUNTED = "counted"
ALL_CLASSES = 0
_OPEN = "stats-open-question"
ORDER = (  # the figures teachers act on first, then what to check, then the rest
    "number",
    "id",
    "facility %",
    "discrimination index",
    "discriminative efficiency",
    "flags",
    "attempts",
    "sd %",
    "random guess %",
    "intended weight %",
    "effective weight %",
    "type",
    "prompt",
)
_FLAGGED_ROW = "background-color: rgba(179, 96, 46, 0.16)"


def render() -> None:
    user = session.require_user(instructor=True)
    opening = st.session_state.pop(_OPEN, None)  # a dot clicked on the chart
    if opening and nav.exists("edit"):
        nav.go("edit", id=opening)
    course = services.course()
    store = services.store()
    st.title("Item statistics")
    quizzes = list(course.quizzes)
    if not quizzes:
        st.info("There are no quizzes in the course yet: write one on the Quizzes page.", icon=":material/info:")
        return
    try:
        quiz_id, cohort_id, which = _choices(user, course)
        report = store.statistics.report(user, quiz_id, cohort_id=cohort_id, which=which)
    except AccessDenied as error:
        st.error(sentence(str(error)), icon=":material/block:")
        return
    spec = course.quiz(quiz_id)
    method = spec.grading_method if spec else GradingMethod.HIGHEST
    if not report.analysis.quiz.attempts:
        st.info(
            "No submitted attempts yet from these learners, so there is nothing to analyse. "
            "The figures appear here as soon as a learner submits an attempt.",
            icon=":material/hourglass_empty:",
        )
        return
    quiz = report.analysis.quiz
    st.caption(
        f"{count(quiz.attempts, 'attempt')} by {count(report.learners, 'learner')} · {which_words(which, method).lower()} · "
        f"{count(len(report.analysis.questions), 'question')}"
    )
    if quiz.attempts < FEW_ATTEMPTS:
        st.warning(
            f"Only {count(quiz.attempts, 'attempt')}: the figures are shown, but they are too few to trust "
            f"({FEW_ATTEMPTS} or more are needed). Read them as a first hint, not a verdict.",
            icon=":material/warning:",
        )
    _quiz_figures(report)
    order = [q.id for q in course.questions]
    rows = question_rows(report, order=order)
    _question_table(rows)
    _chart(rows, quiz_id, cohort_id, which)
    _one_question(report, order)


def _choices(user: User, course: Course) -> tuple[str, int | None, WhichAttempts | None]:
    """The quiz, class and attempts chosen; the quiz kept in the URL so a link opens it."""
    store = services.store()
    quizzes = {q.id: q for q in course.quizzes}
    cohorts = {c.id: c.name for c in store.accounts.cohorts(user)}
    wanted = st.query_params.get("quiz")
    if st.session_state.get("stats-quiz") not in quizzes or (wanted in quizzes and st.session_state.get("stats-quiz-from") != wanted):
        taken = store.statistics.quizzes_taken(user, list(quizzes))
        st.session_state["stats-quiz"] = wanted if wanted in quizzes else default_quiz(list(quizzes.values()), taken)
        st.session_state["stats-quiz-from"] = wanted
    if st.session_state.get("stats-class", ALL_CLASSES) not in (ALL_CLASSES, *cohorts):
        st.session_state["stats-class"] = ALL_CLASSES
    quiz_column, class_column, which_column = st.columns(3)
    quiz_id = quiz_column.selectbox("Quiz", list(quizzes), key="stats-quiz", format_func=lambda q: quizzes[q].title, on_change=_quiz_to_url)
    cohort = class_column.selectbox(
        "Class",
        [ALL_CLASSES, *cohorts],
        key="stats-class",
        format_func=lambda c: "All my classes" if c == ALL_CLASSES else cohorts[c],
    )
    method = quizzes[quiz_id].grading_method
    which = which_column.selectbox(
        "Attempts",
        [COUNTED, *(w.value for w in WhichAttempts)],
        key="stats-which",
        format_func=lambda w: which_words(None if w == COUNTED else WhichAttempts(w), method),
        help="Moodle's advice: for a test taken more than once, the first attempts suit item analysis best; "
        "later attempts build on the earlier ones.",
    )
    return quiz_id, None if cohort == ALL_CLASSES else cohort, None if which == COUNTED else WhichAttempts(which)


def _quiz_to_url() -> None:
    st.query_params["quiz"] = st.session_state["stats-quiz"]
    st.session_state["stats-quiz-from"] = st.session_state["stats-quiz"]


def _quiz_figures(report: StatisticsReport) -> None:
    st.subheader("The whole quiz", divider=False)
    figures = quiz_figures(report.analysis.quiz)
    for start in range(0, len(figures), 3):
        for column, figure in zip(st.columns(3), figures[start : start + 3], strict=False):
            with column:
                st.metric(figure.name, figure.shown)
                st.caption(figure.meaning)


def _question_table(rows: list[dict[str, object]]) -> None:
    flagged = sum(1 for row in rows if row["flags"])
    st.subheader("Questions", divider=False)
    st.caption(
        f"{count(flagged, 'question')} of {len(rows)} flagged (highlighted). "
        "Click a column heading to sort; facility is the share of the marks learners earned, "
        "discrimination above 25 to 30 is good."
    )
    only = st.toggle("Only the flagged questions", key="stats-only-flagged", disabled=not flagged)
    shown = [row for row in rows if row["flags"]] if only else rows
    table = pd.DataFrame(shown)
    styled = table.style.apply(lambda row: [_FLAGGED_ROW if row["flags"] else ""] * len(row), axis=1)
    percent = st.column_config.NumberColumn
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(shown), 600),
        column_order=ORDER,
        column_config={
            "number": st.column_config.NumberColumn("#", format="%d", pinned=True, help="The number the chart labels a question with"),
            "id": st.column_config.TextColumn("Id"),
            "type": "Type",
            "prompt": st.column_config.TextColumn("Prompt", width="medium"),
            "attempts": st.column_config.NumberColumn("Attempts", format="%d"),
            "facility %": percent("Facility %", format="%.1f"),
            "sd %": percent("SD %", format="%.1f", help="The spread of the marks on the question, as % of its marks"),
            "random guess %": percent("Random guess %", format="%.1f", help="What answering at random would earn"),
            "intended weight %": percent("Intended weight %", format="%.1f", help="The question's share of the quiz's marks"),
            "effective weight %": percent(
                "Effective weight %", format="%.1f", help="The question's actual share in how learners' totals spread"
            ),
            "discrimination index": percent(
                "Discrimination index", format="%.1f", help="How well it separates stronger from weaker learners (above 25 to 30 is good)"
            ),
            "discriminative efficiency": percent(
                "Discriminative efficiency", format="%.1f", help="The discrimination index as a share of the most it could be"
            ),
            "flags": st.column_config.TextColumn("What to check", width="large"),
        },
    )


def _pick(key: str) -> None:
    """The chart's click: remember the question, so the next run opens it in the editor."""
    picked = st.session_state[key].selection.get("pick") or []  # a point selection: [{"id": ...}]; none: {}
    first = picked[0] if isinstance(picked, list) and picked else picked
    if isinstance(first, dict) and first.get("id"):
        st.session_state[_OPEN] = str(first["id"])


def _chart(rows: list[dict[str, object]], quiz_id: str, cohort_id: int | None, which: WhichAttempts | None) -> None:
    st.subheader("Facility against discrimination", divider=False)
    drawn = [
        {
            "id": row["id"],
            "label": f"Q{row['number']}",
            "prompt": row["prompt"],
            "facility %": row["facility %"],
            "discrimination index": row["discrimination index"],
            "flagged": "needs checking" if row["flags"] else "fine",
        }
        for row in rows
        if row["facility %"] is not None and row["discrimination index"] is not None
    ]
    st.caption(
        "One dot per question: good questions sit between the dashed lines at the top. "
        "Orange ones need checking and carry their number from the table; click a dot to open the question in the editor."
    )
    if len(drawn) < len(rows):
        st.caption(f"{count(len(rows) - len(drawn), 'question')} without a discrimination index (everyone scored alike) not drawn.")
    if drawn:
        key = f"stats-chart-{quiz_id}-{cohort_id}-{which}"
        charts.facility_discrimination(drawn, key=key, on_pick=lambda: _pick(key), hard=HARD, easy=EASY, low=LOW_DISCRIMINATION)


def _one_question(report: StatisticsReport, order: list[str]) -> None:
    st.subheader("One question in detail", divider=False)
    ordered = [q.question_id for q in question_order(report, order)]
    numbers = {question_id: n for n, question_id in enumerate(ordered, start=1)}
    flagged = [q for q in ordered if report.questions[q].flags]
    if st.session_state.get("stats-question") not in ordered:
        st.session_state["stats-question"] = (flagged or ordered)[0]
    chosen = st.selectbox(
        "Question",
        ordered,
        key="stats-question",
        format_func=lambda q: f"Q{numbers[q]} · {q}" + (" · needs checking" if report.questions[q].flags else ""),
    )
    _question_detail(report.questions[chosen])


def _question_detail(found: QuestionReport) -> None:
    question = found.question
    with st.container(border=True):
        if question is None:
            st.markdown(f"{plain_text(found.question_id)} is no longer in the bank, and no copy of it was kept.")
        else:
            st.markdown(inline(question.prompt))
            st.caption(f"{plain_text(question.id)} · {question.type.replace('_', ' ')}")
        if found.flags:
            st.warning("\n".join(f"- {plain_text(sentence(flag))}" for flag in found.flags), icon=":material/flag:")
        else:
            st.success("Nothing stands out about this question.", icon=":material/check_circle:")
        options = found.options
        if options is not None and options.options:
            st.markdown("**How learners answered**")
            lines = []
            for option, figures in option_lines(options):
                mark = ":green[**right**] · " if option.correct else ""
                lure = not option.correct and option.point_biserial is not None and option.point_biserial > 0
                shown = f":orange[{figures}]" if lure else f":gray[{figures}]"
                lines.append(f"- {mark}{inline(option.text)}  \n  {shown}")
            st.markdown("\n".join(lines))
        if options is not None and options.placements and isinstance(question, MatchingQuestion):
            st.markdown("**Where learners placed each item** (the right choice is in the item's row heading)")
            items = {i.id: f"{i.text} → {next((c.text for c in question.choices if c.id == i.answer), i.answer)}" for i in question.items}
            st.dataframe(
                pd.DataFrame(placement_rows(options, items=items, choices={c.id: c.text for c in question.choices})),
                hide_index=True,
                width="stretch",
            )
        if options is not None and options.unmatched:
            st.markdown("**Answers that matched nothing accepted** (a missing spelling shows here)")
            st.markdown("\n".join(f"- {plain_text(text) or '(left empty)'} :gray[· given by {n}]" for text, n in options.unmatched))
        if options is None or not (options.options or options.placements or options.unmatched):
            st.caption("This type of question has no option analysis.")
        nav.link("Open in the editor", "edit", icon=":material/edit_note:", key=f"stats-edit-{found.question_id}", id=found.question_id)
