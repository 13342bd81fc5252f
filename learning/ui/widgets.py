"""Question widgets (one per question type) and feedback, shared by lessons, quizzes and review.

Every widget key includes the attempt and question ids, so answers never leak between
questions. No option is ever preselected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from learning.course import Course
from learning.errors import LearningError
from learning.grading import Grade
from learning.questions import (
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    QuestionBase,
    QuestionType,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    question_type,
)
from learning.quiz import DrawnQuestion
from learning.render import blocks, inline, render_markdown
from learning.ui import nav

ORDINALS = ["1st", "2nd", "3rd"] + [f"{n}th" for n in range(4, 21)]
Input = tuple[dict | None, str | None]


def show_markdown(text: str, course: Course) -> None:
    """Authored Markdown, escaped, with "In practice" notes as callouts."""
    rendered = render_markdown(text, course.glossary)
    for block in blocks(rendered.markdown):
        if block.kind == "in_practice":
            st.info(f"**In practice:** {block.text}", icon=":material/medical_services:")
        elif block.kind == "quote":
            st.markdown("\n".join(f"> {line}" for line in block.text.splitlines()))
        elif block.kind == "figure":
            path = course.figure_path(block.source or "")
            if path is not None:
                st.image(str(path), alt=block.text, width="stretch")
        else:
            st.markdown(block.text)


def show_question(question: QuestionBase, course: Course, *, number: str | None = None) -> None:
    if question.scenario:
        with st.container(border=True):
            st.markdown(f"**Client scenario**  \n{inline(question.scenario)}")
    label = f"**{number}** " if number else ""
    st.markdown(label + inline(question.prompt))


def _single(question: SingleChoiceQuestion, drawn: DrawnQuestion, key: str, previous: dict | None) -> None:
    order = drawn.option_order or [o.id for o in question.options]
    texts = {o.id: inline(o.text) for o in question.options}
    index = order.index(previous["option"]) if previous else None
    st.radio("Choose one answer", order, index=index, format_func=texts.__getitem__, key=key)


def _true_false(question: TrueFalseQuestion, drawn: DrawnQuestion, key: str, previous: dict | None) -> None:
    index = [True, False].index(previous["value"]) if previous else None
    st.radio(
        "True or false?",
        [True, False],
        index=index,
        format_func=lambda v: "True" if v else "False",
        key=key,
        horizontal=True,
    )


def _multiple(question: MultipleResponseQuestion, drawn: DrawnQuestion, key: str, previous: dict | None) -> None:
    st.caption("Choose all that apply.")
    order = drawn.option_order or [o.id for o in question.options]
    texts = {o.id: inline(o.text) for o in question.options}
    chosen = set(previous["options"]) if previous else set()
    for option in order:
        st.checkbox(texts[option], value=option in chosen, key=f"{key}-{option}")


def _matching(question: MatchingQuestion, drawn: DrawnQuestion, key: str, previous: dict | None) -> None:
    items = {i.id: i for i in question.items}
    order = drawn.item_order or list(items)
    choices = drawn.option_order or [c.id for c in question.choices]
    texts = {c.id: inline(c.text) for c in question.choices}
    placed = dict(previous["placements"]) if previous else {}
    for item_id in order:
        _choose(inline(items[item_id].text), choices, texts, current=placed.get(item_id), key=f"{key}-{item_id}")


def _ordering(question: OrderingQuestion, drawn: DrawnQuestion, key: str, previous: dict | None) -> None:
    st.caption("Put the items in order: choose what comes 1st, 2nd, and so on. Use each item once.")
    shown = drawn.item_order or [i.id for i in question.items]
    texts = {i.id: inline(i.text) for i in question.items}
    earlier = list(previous["order"]) if previous else [None] * len(shown)
    for position in range(len(shown)):
        _choose(ORDINALS[position], shown, texts, current=earlier[position], key=f"{key}-{position}")


def _choose(label: str, options: list[str], texts: dict[str, str], *, current: str | None, key: str) -> None:
    """A select with nothing chosen until the learner chooses (or their saved choice)."""
    st.selectbox(
        label,
        options,
        index=options.index(current) if current in options else None,
        format_func=texts.__getitem__,
        placeholder="Choose…",
        key=key,
    )


def _short(question: ShortAnswerQuestion, drawn: DrawnQuestion, key: str, previous: dict | None) -> None:
    st.text_input("Your answer", value=previous["text"] if previous else "", max_chars=200, key=key)


def _numeric(question: NumericQuestion, drawn: DrawnQuestion, key: str, previous: dict | None) -> None:
    label = f"Your answer ({inline(question.unit)})" if question.unit else "Your answer"
    st.number_input(label, value=previous["value"] if previous else None, step=1.0, format="%g", key=key)


DRAW: dict[QuestionType, Callable[..., None]] = {
    QuestionType.SINGLE_CHOICE: _single,
    QuestionType.MULTIPLE_RESPONSE: _multiple,
    QuestionType.TRUE_FALSE: _true_false,
    QuestionType.MATCHING: _matching,
    QuestionType.ORDERING: _ordering,
    QuestionType.SHORT_ANSWER: _short,
    QuestionType.NUMERIC: _numeric,
}


def question_input(question: QuestionBase, drawn: DrawnQuestion, *, key: str, previous: dict | None = None) -> None:
    """Draw the answer widget for ``question``; :func:`collect` reads what the learner entered."""
    DRAW[question_type(question)](question, drawn, key, previous)


def collect(question: QuestionBase, drawn: DrawnQuestion, *, key: str, state: Mapping) -> Input:
    """The response the widgets drawn under ``key`` hold (from ``st.session_state``), or None and what is missing.

    It reads widget state by key, so it works in a form's submit callback, before the page is drawn again.
    """
    match question_type(question):
        case QuestionType.SINGLE_CHOICE:
            choice = state.get(key)
            return ({"type": "single_choice", "option": choice} if choice else None), "Choose an answer first."
        case QuestionType.TRUE_FALSE:
            value = state.get(key)
            return ({"type": "true_false", "value": value} if value is not None else None), "Choose True or False first."
        case QuestionType.MULTIPLE_RESPONSE:
            order = drawn.option_order or [o.id for o in question.options]
            picked = [o for o in order if state.get(f"{key}-{o}")]
            return ({"type": "multiple_response", "options": picked} if picked else None), "Choose at least one answer first."
        case QuestionType.MATCHING:
            items = drawn.item_order or [i.id for i in question.items]
            placements = {i: state.get(f"{key}-{i}") for i in items}
            if None in placements.values():
                return None, "Choose a match for every item first."
            return {"type": "matching", "placements": placements}, None
        case QuestionType.ORDERING:
            order = [state.get(f"{key}-{n}") for n in range(len(question.items))]
            if None in order:
                return None, "Fill every position first."
            if len(set(order)) != len(order):
                return None, "Each item can be used only once; one appears twice."
            return {"type": "ordering", "order": order}, None
        case QuestionType.SHORT_ANSWER:
            text = state.get(key) or ""
            return ({"type": "short_answer", "text": text} if text.strip() else None), "Type an answer first."
        case QuestionType.NUMERIC:
            value = state.get(key)
            return ({"type": "numeric", "value": value} if value is not None else None), "Enter a number first."
    raise TypeError(question.type)


def answer_form(
    question: QuestionBase,
    drawn: DrawnQuestion,
    *,
    key: str,
    label: str,
    save: Callable[[dict, str | None], None],
    previous: dict | None = None,
    ask_confidence: bool = False,
) -> None:
    """The answer widgets in a form whose button saves the response through ``save(response, confidence)``.

    Saving runs in the button's callback, before the page is drawn again, so one click costs one
    run of the page. What stops a save (an incomplete answer, an error) is shown under the form.
    """
    flash_key = f"flash-{key}"

    def submitted() -> None:
        response, problem = collect(question, drawn, key=key, state=st.session_state)
        if response is None:
            st.session_state[flash_key] = ("warning", problem)
            return
        try:
            save(response, st.session_state.get(f"sure-{key}"))
        except LearningError as error:
            message = str(error)
            st.session_state[flash_key] = ("error", message[0].upper() + message[1:] + ("" if message.endswith(".") else "."))

    with st.form(key=f"form-{key}", border=False):
        question_input(question, drawn, key=key, previous=previous)
        if ask_confidence:
            st.segmented_control("How sure are you? (optional)", ["hard", "good", "easy"], format_func=str.capitalize, key=f"sure-{key}")
        st.form_submit_button(label, type="primary", on_click=submitted)
    flash = st.session_state.pop(flash_key, None)
    if flash:
        kind, message = flash
        (st.warning if kind == "warning" else st.error)(message)


def show_grade(question: QuestionBase, grade: Grade, course: Course, *, link_lesson: bool = True) -> None:
    """The grade, the feedback on each choice made, the right answer, the explanation and a lesson link."""
    if grade.correct:
        st.success("**Correct.**", icon=":material/check_circle:")
    elif grade.score > 0:
        st.warning(f"**Partly right:** {round(grade.score * 100)}% of the marks.", icon=":material/adjust:")
    else:
        st.error("**Not quite.**", icon=":material/cancel:")
    if grade.feedback:
        st.markdown("**Your answer:**")
    for item in grade.feedback:
        mark = ":green[:material/check_circle:]" if item.correct else ":red[:material/cancel:]"
        text = f"{mark} {inline(item.text)}"
        if item.feedback:
            text += f"  \n{inline(item.feedback)}"
        st.markdown(text)
    if not grade.correct:
        st.markdown(f"**The right answer:** {inline(grade.correct_answer)}")
    st.markdown(f"**Why:** {inline(question.explanation)}")
    if link_lesson:
        lesson_link(question, course)


def lesson_link(question: QuestionBase, course: Course) -> None:
    """A link to the lesson section the question tests."""
    lesson = course.lesson(question.lesson)
    section = lesson.section(question.section) if lesson else None
    if lesson and section:
        nav.link(
            f"Review it in the lesson: {lesson.title} › {section.title}",
            "lesson",
            icon=":material/menu_book:",
            key=f"review-{question.id}",
            lesson=lesson.id,
            section=section.id,
        )
