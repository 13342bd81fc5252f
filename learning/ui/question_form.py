"""The question editor's form: one section per question type, every field of its model.

The form values live in the widgets' own state, under keys that name the editor (the question it
edits, and a generation bumped on "Reload") and the field: ``ed:{editor}:{gen}:prompt``, and for
a row of options, items, choices or bands ``ed:{editor}:{gen}:{rows}:{row}:{field}``, where the
row is a stable id, so adding, removing and reordering rows keeps what each row holds. Every
field is seeded from the editor's :class:`Draft` before anything is drawn; the values are read
back (:func:`read`) and checked before the page is drawn, so each problem shows beside its field
on the same run as the keystroke that caused it.

Which fields a type has comes from :mod:`learning.authoring_form` (``blank_form``,
``blank_row``); how each is drawn is here (``FIELDS``, ``ROW_FIELDS``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from learning.authoring_form import ROW_FIELDS, FormCheck, blank_form, blank_row
from learning.course import Course
from learning.questions import Difficulty, LintRule, Pool, QuestionType, Scoring, Status
from learning.render import plain_text

FIXED = ("id", "version", "type")
"""Fields the form shows but does not edit (a new question's id is edited: see ``Draft.new``)."""

ROW_TITLES = {"options": "Options", "items": "Items", "choices": "Choices", "answers": "Accepted answers"}
ROW_NAMES = {"options": "option", "items": "item", "choices": "choice", "answers": "answer"}
ADD_LABELS = {"options": "Add an option", "items": "Add an item", "choices": "Add a choice", "answers": "Add an answer"}


@dataclass
class Draft:
    """An instructor's edit of one question, as the session keeps it between runs."""

    editor: str  # which question this edits: "id:ID", "new:TYPE:LESSON" or "duplicate:ID"
    kind: QuestionType
    values: dict[str, Any]  # the question's own fields (rows apart), as last read
    rows: dict[str, list[str]]  # row ids of each list, in order
    row_values: dict[str, dict[str, Any]]  # each row's fields, by row id
    new: bool
    base_digest: str | None
    path: str  # the bank file this question is saved to
    generation: int = 0
    conflict: dict[str, Any] | None = None
    last_valid: Any = None  # the last question the form held that the model accepted
    messages: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, editor: str, form: dict[str, Any], *, new: bool, base_digest: str | None, path: str) -> Draft:
        draft = cls(editor, QuestionType(form["type"]), {}, {}, {}, new=new, base_digest=base_digest, path=path)
        draft.load(form)
        return draft

    def load(self, form: dict[str, Any]) -> None:
        """Replace what the draft holds with ``form`` (new widget keys, so the widgets show it)."""
        self.values = {k: v for k, v in form.items() if k not in ROW_FIELDS[self.kind]}
        self.rows, self.row_values = {}, {}
        for rows in ROW_FIELDS[self.kind]:
            self.rows[rows] = []
            for row in form.get(rows, []):
                self._add(rows, dict(row))
        self.generation += 1

    def _add(self, rows: str, values: dict[str, Any], *, at: int | None = None) -> None:
        row_id = secrets.token_hex(4)
        self.row_values[row_id] = values
        self.rows[rows].insert(len(self.rows[rows]) if at is None else at, row_id)

    def key(self, name: str, row: str | None = None, rows: str | None = None) -> str:
        middle = f"{rows}:{row}:" if row else ""
        return f"ed:{self.editor}:{self.generation}:{middle}{name}"

    # Row actions run in buttons' callbacks, before the widgets are drawn again.
    def add_row(self, rows: str) -> None:
        self.remember()
        taken = [v["id"] for r in self.rows[rows] if "id" in (v := self.row_values[r])]
        self._add(rows, blank_row(self.kind, rows, taken=taken))

    def remove_row(self, rows: str, row: str) -> None:
        self.remember()
        self.rows[rows].remove(row)

    def move_row(self, rows: str, row: str, step: int) -> None:
        order = self.rows[rows]
        at = order.index(row)
        to = max(0, min(len(order) - 1, at + step))
        order.insert(to, order.pop(at))

    def remember(self) -> None:
        """Keep what the widgets hold, so a widget Streamlit forgets (not drawn in a run) comes back as it was."""
        form = read(self)
        self.values = {k: v for k, v in form.items() if k not in ROW_FIELDS[self.kind]}
        for rows in ROW_FIELDS[self.kind]:
            for row_id, values in zip(self.rows[rows], form[rows], strict=True):
                self.row_values[row_id] = values


def _row_fields(draft: Draft, rows: str) -> list[str]:
    return list(blank_row(draft.kind, rows))


def _scalar_fields(draft: Draft) -> list[str]:
    form = blank_form(draft.kind, question_id="x", lesson="x", section="x", objectives=[])
    return [name for name in form if name not in ROW_FIELDS[draft.kind] and name not in FIXED]


def seed(draft: Draft) -> None:
    """Put the draft's values into widget state where a widget has none yet."""
    state = st.session_state
    for name in _scalar_fields(draft):
        state.setdefault(draft.key(name), draft.values.get(name))
    if draft.new:
        state.setdefault(draft.key("id"), draft.values.get("id", ""))
    for rows in ROW_FIELDS[draft.kind]:
        for row in draft.rows[rows]:
            for name in _row_fields(draft, rows):
                state.setdefault(draft.key(name, row, rows), draft.row_values[row].get(name))


def read(draft: Draft) -> dict[str, Any]:
    """The form values the widgets hold now."""
    state = st.session_state
    form = {name: draft.values.get(name) for name in FIXED}
    form |= {name: state.get(draft.key(name), draft.values.get(name)) for name in _scalar_fields(draft)}
    if draft.new:
        form["id"] = (state.get(draft.key("id")) or "").strip()
    for rows in ROW_FIELDS[draft.kind]:
        form[rows] = [
            {name: state.get(draft.key(name, row, rows), draft.row_values[row].get(name)) for name in _row_fields(draft, rows)}
            for row in draft.rows[rows]
        ]
    return form


# --- Drawing --------------------------------------------------------------------------------


class Beside:
    """Shows each problem beside its field, and remembers which it showed."""

    def __init__(self, check: FormCheck) -> None:
        self.check = check
        self.shown: set[str] = set()

    def __call__(self, path: str) -> None:
        self.shown.add(path)
        for problem in self.check.at(path):
            colour, icon = ("red", ":material/error:") if problem.is_error else ("orange", ":material/warning:")
            st.markdown(f":{colour}[{icon} {plain_text(problem.message)}]")

    def rest(self) -> list[Any]:
        return [p for p in self.check.problems if (p.field or "") not in self.shown]


def draw(draft: Draft, course: Course, beside: Beside) -> None:
    """The whole form for the draft's type."""
    _where(draft, course, beside)
    st.subheader("Question")
    _text(draft, "scenario", "Client scenario (optional, Markdown)", beside, area=True, height=100)
    beside("scenario")
    _text(draft, "prompt", "Prompt", beside, area=True, height=120, help="Markdown. Shown to the learner as the question.")
    beside("prompt")
    TYPE_SECTIONS[draft.kind](draft, course, beside)
    _text(draft, "explanation", "Explanation", beside, area=True, height=100, help="Why the right answer is right; shown after answering.")
    beside("explanation")
    _settings(draft, course, beside)


def _where(draft: Draft, course: Course, beside: Beside) -> None:
    state = st.session_state
    if draft.new:
        st.text_input("Question id", key=draft.key("id"), help="A stable id such as deep-tissue-13; never reused.")
        beside("id")
    lessons = [lesson.id for lesson in course.lessons]
    lesson_key, section_key = draft.key("lesson"), draft.key("section")
    chosen_lesson = str(state.get(lesson_key) or "")
    if chosen_lesson not in lessons:
        lessons.append(chosen_lesson)
    titles = {lesson.id: lesson.title for lesson in course.lessons}
    st.selectbox("Lesson", lessons, key=lesson_key, format_func=lambda lid: titles.get(lid, f"{lid} (not in the course)"))
    beside("lesson")
    lesson = course.lesson(chosen_lesson)
    sections = [s.id for s in lesson.sections] if lesson else []
    section_titles = {s.id: s.title for s in lesson.sections} if lesson else {}
    if state.get(section_key) not in sections:
        if sections:
            state[section_key] = sections[0]
        else:
            sections.append(str(state.get(section_key) or ""))
    st.selectbox("Section", sections, key=section_key, format_func=lambda sid: section_titles.get(sid, str(sid)))
    beside("section")
    objectives = [o.id for o in course.syllabus.objectives] if course.syllabus else []
    texts = {o.id: o.text.removeprefix("The learner can ") for o in course.syllabus.objectives} if course.syllabus else {}
    chosen = state.get(draft.key("objectives")) or []
    taught = set(lesson.objectives) if lesson else set()
    ordered = [o for o in objectives if o in taught] + [o for o in objectives if o not in taught]
    st.multiselect(
        "Objectives",
        ordered + [o for o in chosen if o not in ordered],
        key=draft.key("objectives"),
        format_func=lambda oid: f"{oid}: {texts[oid]}" if oid in texts else f"{oid} (not in the syllabus)",
        help="The lesson's own objectives are listed first.",
    )
    beside("objectives")
    for position in range(len(chosen)):
        beside(f"objectives[{position}]")


def _text(draft: Draft, name: str, label: str, beside: Beside, *, area: bool = False, row: str | None = None, rows: str = "", **kw) -> None:
    key = draft.key(name, row, rows)
    if st.session_state.get(key) is None:
        st.session_state[key] = ""
    (st.text_area if area else st.text_input)(label, key=key, **kw)


def _checkbox(draft: Draft, name: str, label: str, *, row: str | None = None, rows: str = "", **kw) -> None:
    key = draft.key(name, row, rows)
    st.session_state[key] = bool(st.session_state.get(key))
    st.checkbox(label, key=key, **kw)


def _number(draft: Draft, name: str, label: str, *, row: str | None = None, rows: str = "", **kw) -> None:
    st.number_input(label, key=draft.key(name, row, rows), **kw)


def _choice_section(draft: Draft, course: Course, beside: Beside) -> None:
    multiple = draft.kind is QuestionType.MULTIPLE_RESPONSE
    if multiple:
        st.radio(
            "Scoring",
            [s.value for s in Scoring],
            key=draft.key("scoring"),
            horizontal=True,
            format_func=lambda s: "Partial credit" if s == "partial" else "All or nothing",
        )
        beside("scoring")

    def row_body(row: str, path: str) -> None:
        rows = "options"
        _text(draft, "text", "Text", beside, row=row, rows=rows)
        beside(f"{path}.text")
        _text(draft, "feedback", "Feedback", beside, row=row, rows=rows, area=True, height=68, help="Why this option is right or wrong.")
        beside(f"{path}.feedback")
        left, right = st.columns(2)
        with left:
            _checkbox(draft, "correct", "Correct", row=row, rows=rows)
        with right:
            _checkbox(draft, "pinned", "Pinned", row=row, rows=rows, help="Kept in its place when the options are shuffled.")
        beside(f"{path}.correct")
        _text(draft, "id", "Id", beside, row=row, rows=rows, width=160)
        beside(f"{path}.id")
        if multiple:
            _number(
                draft, "weight", "Weight (optional)", row=row, rows=rows, value=None, step=0.05, format="%g", help="Credit for choosing it."
            )
            beside(f"{path}.weight")

    _rows(draft, "options", beside, row_body, title=lambda position, values: f"Option {chr(ord('A') + position)}")
    _checkbox(draft, "shuffle", "Shuffle the options for each learner")
    beside("shuffle")


def _true_false_section(draft: Draft, course: Course, beside: Beside) -> None:
    st.radio("The statement is", [True, False], key=draft.key("answer"), horizontal=True, format_func=lambda v: "True" if v else "False")
    beside("answer")
    _text(draft, "feedback_true", "Feedback for a learner who answers True", beside)
    beside("feedback_true")
    _text(draft, "feedback_false", "Feedback for a learner who answers False", beside)
    beside("feedback_false")


def _matching_section(draft: Draft, course: Course, beside: Beside) -> None:
    state = st.session_state
    choice_ids = [state.get(draft.key("id", row, "choices")) or "" for row in draft.rows["choices"]]
    choice_texts = {
        state.get(draft.key("id", row, "choices")): state.get(draft.key("text", row, "choices")) or "(no text yet)"
        for row in draft.rows["choices"]
    }

    def item_body(row: str, path: str) -> None:
        _text(draft, "text", "Text", beside, row=row, rows="items")
        beside(f"{path}.text")
        key = draft.key("answer", row, "items")
        options = [c for c in choice_ids if c]
        if state.get(key) not in options:
            state[key] = None
        st.selectbox(
            "Belongs to", options, key=key, placeholder="Choose a choice…", format_func=lambda cid: f"{choice_texts.get(cid, '')} ({cid})"
        )
        beside(f"{path}.answer")
        _text(draft, "feedback", "Feedback", beside, row=row, rows="items", area=True, height=68, help="Why the item belongs there.")
        beside(f"{path}.feedback")
        _text(draft, "id", "Id", beside, row=row, rows="items", width=160)
        beside(f"{path}.id")

    def choice_body(row: str, path: str) -> None:
        _text(draft, "text", "Text", beside, row=row, rows="choices")
        beside(f"{path}.text")
        _text(draft, "id", "Id", beside, row=row, rows="choices", width=160)
        beside(f"{path}.id")

    _rows(draft, "items", beside, item_body, title=lambda position, values: f"Item {position + 1}")
    st.caption("Several items may share a choice; a choice no item belongs to is a distractor.")
    _rows(draft, "choices", beside, choice_body, title=lambda position, values: f"Choice {position + 1}")
    _checkbox(draft, "shuffle", "Shuffle the items and choices for each learner")


def _ordering_section(draft: Draft, course: Course, beside: Beside) -> None:
    def body(row: str, path: str) -> None:
        _text(draft, "text", "Text", beside, row=row, rows="items")
        beside(f"{path}.text")
        _text(draft, "id", "Id", beside, row=row, rows="items", width=160)
        beside(f"{path}.id")

    st.caption("List the items in their correct order; learners see them shuffled.")
    _rows(draft, "items", beside, body, title=lambda position, values: f"Position {position + 1}")


def _credit_and_feedback(draft: Draft, beside: Beside, row: str, path: str) -> None:
    """The credit and feedback of an accepted answer or a numeric band, each with its problems."""
    _number(draft, "credit", "Credit", row=row, rows="answers", min_value=0.0, max_value=1.0, step=0.25, format="%g")
    beside(f"{path}.credit")
    _text(draft, "feedback", "Feedback (optional)", beside, row=row, rows="answers")
    beside(f"{path}.feedback")


def _short_answer_section(draft: Draft, course: Course, beside: Beside) -> None:
    def body(row: str, path: str) -> None:
        _text(
            draft, "text", "Answer", beside, row=row, rows="answers", help="Case, accents and punctuation are ignored; * matches anything."
        )
        beside(f"{path}.text")
        _credit_and_feedback(draft, beside, row, path)

    _rows(draft, "answers", beside, body, title=lambda position, values: f"Accepted answer {position + 1}")
    _text(draft, "wrong_feedback", "Feedback for any other answer", beside)
    beside("wrong_feedback")


def _numeric_section(draft: Draft, course: Course, beside: Beside) -> None:
    _text(draft, "unit", "Unit (optional)", beside)
    beside("unit")

    def body(row: str, path: str) -> None:
        mode_key = draft.key("mode", row, "answers")
        st.radio(
            "Accept",
            ["value", "range"],
            key=mode_key,
            horizontal=True,
            format_func=lambda m: "A value ± a tolerance" if m == "value" else "A range from min to max",
        )
        left, right = st.columns(2)
        if st.session_state.get(mode_key) == "range":
            with left:
                _number(draft, "min", "Min", row=row, rows="answers", value=None, format="%g")
            with right:
                _number(draft, "max", "Max", row=row, rows="answers", value=None, format="%g")
        else:
            with left:
                _number(draft, "value", "Value", row=row, rows="answers", value=None, format="%g")
            with right:
                _number(draft, "tolerance", "Tolerance ±", row=row, rows="answers", min_value=0.0, format="%g")
        for name in ("value", "tolerance", "min", "max"):
            beside(f"{path}.{name}")
        _credit_and_feedback(draft, beside, row, path)

    _rows(draft, "answers", beside, body, title=lambda position, values: f"Band {position + 1}")
    _text(draft, "wrong_feedback", "Feedback for any other number", beside)
    beside("wrong_feedback")


TYPE_SECTIONS: dict[QuestionType, Callable[[Draft, Course, Beside], None]] = {
    QuestionType.SINGLE_CHOICE: _choice_section,
    QuestionType.MULTIPLE_RESPONSE: _choice_section,
    QuestionType.TRUE_FALSE: _true_false_section,
    QuestionType.MATCHING: _matching_section,
    QuestionType.ORDERING: _ordering_section,
    QuestionType.SHORT_ANSWER: _short_answer_section,
    QuestionType.NUMERIC: _numeric_section,
}
"""The part of the form each question type adds to the fields every question has."""


def _rows(draft: Draft, rows: str, beside: Beside, body: Callable[[str, str], None], *, title: Callable[[int, Any], str]) -> None:
    """A list of rows, each in its own box with buttons to move it up or down or remove it, then "Add".

    The buttons carry words as well as icons: an icon alone is read out as its name ("arrow_upward icon").
    """
    st.markdown(f"**{ROW_TITLES[rows]}**")
    beside(rows)
    order = draft.rows[rows]
    for position, row in enumerate(order):
        path = f"{rows}[{position}]"
        with st.container(border=True):
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown(f"**{title(position, None)}**", width="stretch")
                st.button(
                    "Up",
                    icon=":material/arrow_upward:",
                    key=draft.key("up", row, rows),
                    help="Move up",
                    disabled=position == 0,
                    on_click=draft.move_row,
                    args=(rows, row, -1),
                )
                st.button(
                    "Down",
                    icon=":material/arrow_downward:",
                    key=draft.key("down", row, rows),
                    help="Move down",
                    disabled=position == len(order) - 1,
                    on_click=draft.move_row,
                    args=(rows, row, 1),
                )
                st.button(
                    "Remove",
                    icon=":material/delete:",
                    key=draft.key("remove", row, rows),
                    help=f"Remove this {ROW_NAMES[rows]}",
                    on_click=draft.remove_row,
                    args=(rows, row),
                )
            beside(path)
            body(row, path)
    label = "Add a band" if draft.kind is QuestionType.NUMERIC else ADD_LABELS[rows]
    st.button(label, key=draft.key(f"add-{rows}"), icon=":material/add:", on_click=draft.add_row, args=(rows,))


def _settings(draft: Draft, course: Course, beside: Beside) -> None:
    st.subheader("Settings")
    left, right = st.columns(2)
    with left:
        st.radio("Status", [s.value for s in Status], key=draft.key("status"), horizontal=True, format_func=str.capitalize)
        beside("status")
        st.radio("Difficulty", [d.value for d in Difficulty], key=draft.key("difficulty"), horizontal=True, format_func=str.capitalize)
        beside("difficulty")
        st.radio(
            "Pool",
            [p.value for p in Pool],
            key=draft.key("pool"),
            horizontal=True,
            format_func=lambda p: "Practice" if p == "practice" else "Exam",
            help="Practice: practice quizzes, lesson checks and review. Exam: unit tests and the final exam only.",
        )
        beside("pool")
    with right:
        _number(draft, "points", "Points", min_value=0.0, max_value=100.0, step=0.5, format="%g")
        beside("points")
        _checkbox(draft, "critical", "Critical", help="A safety or scope-of-practice point: a wrong answer fails a final exam.")
        beside("critical")
    tags = sorted({tag for q in course.questions for tag in q.tags} | set(st.session_state.get(draft.key("tags")) or []))
    st.multiselect("Tags", tags, key=draft.key("tags"), accept_new_options=True, help="Type a new tag and press Enter to add it.")
    beside("tags")
    for position in range(len(st.session_state.get(draft.key("tags")) or [])):
        beside(f"tags[{position}]")
    _text(draft, "exclusion_group", "Exclusion group (optional)", beside, help="Questions that cue each other share a group.")
    beside("exclusion_group")
    st.multiselect(
        "Lint rules accepted for this question",
        [r.value for r in LintRule],
        key=draft.key("lint_accept"),
        help="Rules you have checked and decided to keep; their advice is no longer shown.",
    )
    beside("lint_accept")
