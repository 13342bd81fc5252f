"""The question bank (instructors): every question as a table, filters kept in the URL, bulk
changes to the selected rows, the ways into the editor (new, duplicate), the way to the import
page, and an export of the questions the filter shows (:mod:`learning.ui.screens.exporting`).

Which questions a filter lets through is :class:`learning.authoring.BankFilter`'s rule; every
change goes through ``store.authoring``, which checks the instructor again on the server.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from learning.authoring import BankFilter, bank_rows, counts_by_status, filter_questions
from learning.course import Course
from learning.errors import AccessDenied, AuthoringError, ConflictError, ContentError
from learning.item_report import AcrossQuizzes, across_quizzes
from learning.questions import QuestionBase, QuestionType, Status
from learning.render import plain_text
from learning.store import User
from learning.ui import nav, services, session
from learning.ui.screens.exporting import export_section
from learning.wording import count, sentence

ANY = ""
FILTERS = ("lesson", "objective", "type", "status", "critical", "tag", "q")
_SYNCED = "bank-synced-query"
_MESSAGE = "bank-message"
_ROUND = "bank-table-round"


def _key(name: str) -> str:
    return f"bank-filter-{name}"


def _from_url() -> None:
    """Give the filter widgets the URL's values when the page opens or the URL changed (a
    bookmark, the back button); otherwise the widgets hold what the instructor chose."""
    query = {k: v for k, v in st.query_params.to_dict().items() if k in FILTERS}
    if st.session_state.get(_SYNCED) == query:
        return
    chosen = BankFilter.from_query(query).to_query()
    for name in FILTERS:
        st.session_state[_key(name)] = chosen.get(name, ANY)
    st.session_state[_SYNCED] = query


def _to_url() -> BankFilter:
    chosen = BankFilter.from_query({name: st.session_state.get(_key(name), ANY) for name in FILTERS})
    query = chosen.to_query()
    if {k: v for k, v in st.query_params.to_dict().items() if k in FILTERS} != query:
        st.query_params.from_dict(query)
    st.session_state[_SYNCED] = query
    return chosen


def _select(label: str, name: str, options: dict[str, str]) -> None:
    """A filter: ``options`` maps each value to the words shown; "" means any."""
    choices = [ANY, *options]
    if st.session_state.get(_key(name)) not in choices:
        st.session_state[_key(name)] = ANY
    st.selectbox(label, choices, key=_key(name), format_func=lambda v: options.get(v, "Any"))


def _filters(course: Course, questions: list[QuestionBase]) -> BankFilter:
    lessons = {lesson.id: lesson.title for lesson in course.lessons}
    objectives = {o.id: o.id for o in course.syllabus.objectives} if course.syllabus else {}
    tags = {tag: tag for tag in sorted({t for q in questions for t in q.tags})}
    with st.expander("Filters", icon=":material/filter_list:", expanded=True):
        st.text_input("Search prompts, scenarios, options and feedback", key=_key("q"))
        first, second, third = st.columns(3)
        with first:
            _select("Lesson", "lesson", lessons)
            _select("Objective", "objective", objectives)
        with second:
            _select("Type", "type", {t.value: t.value.replace("_", " ") for t in QuestionType})
            _select("Status", "status", {s.value: s.value for s in Status})
        with third:
            _select("Critical", "critical", {"yes": "Critical only", "no": "Not critical"})
            _select("Tag", "tag", tags)
    return _to_url()


def _say(message: str) -> None:
    st.session_state[_MESSAGE] = message


def _act(action: Callable[[], str]) -> None:
    """Run a change; on success the course is read again and the page says what was done."""
    try:
        with services.saving("Nothing was changed"):
            _say(action())
    except (AuthoringError, AccessDenied, ConflictError, ContentError) as error:
        st.session_state[services.PROBLEM_KEY] = sentence(str(error))
    services.course_changed()  # a bulk change may have saved some files before a conflict
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1  # a fresh table: rows may have moved
    st.rerun()


def table_key(chosen: BankFilter) -> str:
    """The table's widget key: new after a change or another filter, so a selection never
    points at rows that moved."""
    query = "&".join(f"{k}={v}" for k, v in sorted(chosen.to_query().items()))
    return f"bank-table-{st.session_state.get(_ROUND, 0)}-{query}"


def _open_editor(**query: str) -> None:
    if nav.exists("edit"):
        nav.go("edit", **query)
    else:
        st.session_state[services.PROBLEM_KEY] = "The question editor is not available on this server yet."


def _new_question(user: User, course: Course) -> None:
    with st.popover("New question", icon=":material/add:"):
        kind = st.selectbox("Type", [t.value for t in QuestionType], format_func=lambda v: v.replace("_", " "), key="bank-new-type")
        lessons = {lesson.id: lesson.title for lesson in course.lessons}
        lesson = st.selectbox("Lesson", list(lessons), format_func=lambda v: lessons[v], key="bank-new-lesson")
        if st.button("Write it", key="bank-new-go", type="primary", disabled=lesson is None):
            _open_editor(new=kind, lesson=lesson)


def _bulk_actions(user: User, course: Course, selected: list[QuestionBase]) -> None:
    store = services.store()
    ids = [q.id for q in selected]
    st.subheader(f"{count(len(ids), 'question')} selected", divider=False)
    if not ids:
        st.caption("Select rows in the table to change them together.")
        return
    one, two = st.columns(2)
    with one:
        status = st.selectbox("Set status", [s.value for s in Status], key="bank-bulk-status")
        if st.button("Apply status", key="bank-bulk-status-go"):
            _act(lambda: f"{count(len(store.authoring.bulk(user, ids, status=Status(status))), 'question')} set to {status}.")
        sections = {
            f"{lesson.id}#{section.id}": f"{lesson.title} › {section.id}" for lesson in course.lessons for section in lesson.sections
        }
        where = st.selectbox("Move to lesson section", list(sections), format_func=lambda v: sections[v], key="bank-bulk-move")
        if st.button("Move", key="bank-bulk-move-go", disabled=where is None):
            lesson_id, section_id = where.split("#", 1)
            _act(lambda: f"{count(len(store.authoring.bulk(user, ids, move_to=(lesson_id, section_id))), 'question')} moved.")
    with two:
        tag = st.text_input("Tag", key="bank-bulk-tag", placeholder="needs-review").strip()
        add, remove = st.columns(2)
        if add.button("Add tag", key="bank-bulk-tag-add", disabled=not tag):
            _act(lambda: f"Tag added to {count(len(store.authoring.bulk(user, ids, add_tag=tag)), 'question')}.")
        if remove.button("Remove tag", key="bank-bulk-tag-remove", disabled=not tag):
            _act(lambda: f"Tag removed from {count(len(store.authoring.bulk(user, ids, remove_tag=tag)), 'question')}.")
        retire, delete, duplicate = st.columns(3)
        if retire.button("Retire", key="bank-retire", icon=":material/archive:"):
            _act(lambda: f"{count(len(store.authoring.bulk(user, ids, status=Status.RETIRED)), 'question')} retired.")
        drafts = [q.id for q in selected if q.status is Status.DRAFT]
        if delete.button(
            "Delete", key="bank-delete", icon=":material/delete:", disabled=len(drafts) != len(ids), help="Only drafts nobody answered"
        ):
            _act(lambda: _delete(user, drafts))
        if duplicate.button("Duplicate", key="bank-duplicate", icon=":material/content_copy:", disabled=len(ids) != 1):
            _open_editor(duplicate=ids[0])


def _delete(user: User, ids: list[str]) -> str:
    store = services.store()
    for question_id in ids:
        store.authoring.delete(user, question_id)
    return f"{count(len(ids), 'draft')} deleted."


def _figures(user: User, course: Course) -> dict[str, AcrossQuizzes]:
    """Each question's item statistics over every quiz of the course that used it, for the
    instructor's classes (each quiz's report is cached until its next submission)."""
    statistics = services.store().statistics
    quizzes = [q.id for q in course.quizzes]
    taken = statistics.quizzes_taken(user, quizzes)
    return across_quizzes(statistics.report(user, quiz_id) for quiz_id in quizzes if quiz_id in taken)


def render() -> None:
    user = session.require_user(instructor=True)
    course = services.course()
    store = services.store()
    st.title("Question bank")
    problem = st.session_state.pop(services.PROBLEM_KEY, None)
    if problem:
        st.error(problem, icon=":material/error:")
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    questions = list(course.questions)
    _from_url()
    chosen = _filters(course, questions)
    shown = filter_questions(questions, chosen)
    by_status = counts_by_status(shown)
    st.caption(
        f"{len(shown)} of {count(len(questions), 'question')} shown: "
        + ", ".join(f"{n} {status.value}" for status, n in by_status.items())
        + (f" (search: {plain_text(chosen.text)})" if chosen.text else "")
    )
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        _new_question(user, course)
        nav.link("Import questions", "import", icon=":material/upload_file:", **({"lesson": chosen.lesson} if chosen.lesson else {}))
    export_section(shown, chosen)
    rows = bank_rows(shown, last_edits=store.authoring.last_edits(user), warnings=services.lint_warnings(), figures=_figures(user, course))
    event = st.dataframe(
        rows,
        key=table_key(chosen),
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
        width="stretch",
        column_config={
            "id": st.column_config.TextColumn("Id", pinned=True),
            "lesson": "Lesson › section",
            "type": "Type",
            "objectives": "Objectives",
            "difficulty": "Difficulty",
            "critical": st.column_config.CheckboxColumn("Critical"),
            "status": "Status",
            "version": st.column_config.NumberColumn("Version", format="%d"),
            "last edited": "Last edited",
            "lint": "Lint warnings",
            "attempts": st.column_config.NumberColumn("Attempts", format="%d", help="Attempts at your classes' quizzes that drew it"),
            "facility %": st.column_config.NumberColumn("Facility %", format="%.1f", help="The share of its marks learners earned"),
            "discrimination": st.column_config.NumberColumn(
                "Discrimination", format="%.1f", help="How well it separates stronger from weaker learners (above 25 to 30 is good)"
            ),
            "needs checking": st.column_config.TextColumn("Needs checking", width="large"),
        },
    )
    picked = [shown[row] for row in event.selection.rows if row < len(shown)]
    _bulk_actions(user, course, picked)
