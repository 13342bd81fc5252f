"""Question widgets (one per question type, in ``WIDGETS``) and feedback, shared by lessons, quizzes and review.

Each type's :class:`Widget` both draws its input and collects the response from it. Every widget
key includes the attempt and question ids, so answers never leak between questions. No option
is ever preselected.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

import streamlit as st

from learning.course import Course
from learning.errors import LearningError, StorageUnavailable
from learning.grading import Grade
from learning.interchange.media import MEDIA_FOLDER, media_path
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
from learning.render import blocks, inline, question_parts, render_markdown
from learning.ui import nav
from learning.wording import ANSWER_NOT_SAVED

log = logging.getLogger("learning.ui")

ORDINALS = ["1st", "2nd", "3rd"] + [f"{n}th" for n in range(4, 21)]
Input = tuple[dict[str, Any] | None, str | None]
WidgetState = Mapping[Any, Any]  # st.session_state, or a plain dict in tests
Q = TypeVar("Q", bound=QuestionBase)


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
    """The scenario (if any) and the prompt, with images of the bank's media folder shown."""
    if question.scenario:
        with st.container(border=True):
            show_question_text(question.scenario, course, label="**Client scenario**  \n")
    show_question_text(question.prompt, course, label=f"**{number}** " if number else "")


def show_question_text(text: str, course: Course, *, label: str = "") -> None:
    """Question text as escaped Markdown; an image of the bank's media folder is shown with its
    alt text as the image's text alternative, any other image is a plain link."""
    for part in question_parts(text):
        if part.kind == "image":
            if label:
                st.markdown(label)
                label = ""
            path = _media_file(course, part.source or "")
            if path is not None:
                st.image(str(path), alt=part.text or "image", width="content")
            else:
                st.caption(f"(image not available: {inline(part.text or part.source or '')})")
        else:
            st.markdown(label + part.text)
            label = ""


def _media_file(course: Course, target: str) -> Path | None:
    """The file of a ``media/<name>`` image inside the bank's media folder, or None (not there, or outside it)."""
    if course.bank_dir is None:
        return None
    path = media_path(course.bank_dir, target)
    if path is None or not path.is_file():
        return None
    folder = (course.bank_dir / MEDIA_FOLDER).resolve()
    return path if path.resolve().parent == folder else None


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


class Widget(ABC, Generic[Q]):
    """The input for one question type: draws it and reads back what the learner entered.

    ``draw`` puts widgets on the page under ``key`` (showing ``previous``, a saved response, if
    any); ``collect`` reads the same keys from widget state. Together they own the keys, so they
    cannot drift apart.
    """

    @abstractmethod
    def draw(self, question: Q, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None) -> None:
        """Draw the input, with nothing chosen unless ``previous`` holds a saved response."""

    @abstractmethod
    def collect(self, question: Q, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
        """The response the widgets under ``key`` hold, or None and what is missing."""


class SingleChoiceWidget(Widget[SingleChoiceQuestion]):
    def draw(self, question: SingleChoiceQuestion, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None) -> None:
        order = drawn.option_order or [o.id for o in question.options]
        texts = {o.id: inline(o.text) for o in question.options}
        index = order.index(previous["option"]) if previous else None
        st.radio("Choose one answer", order, index=index, format_func=texts.__getitem__, key=key)

    def collect(self, question: SingleChoiceQuestion, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
        choice = state.get(key)
        return ({"type": question.type, "option": choice} if choice else None), "Choose an answer first."


class TrueFalseWidget(Widget[TrueFalseQuestion]):
    def draw(self, question: TrueFalseQuestion, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None) -> None:
        index = [True, False].index(previous["value"]) if previous else None
        st.radio(
            "True or false?",
            [True, False],
            index=index,
            format_func=lambda v: "True" if v else "False",
            key=key,
            horizontal=True,
        )

    def collect(self, question: TrueFalseQuestion, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
        value = state.get(key)
        return ({"type": question.type, "value": value} if value is not None else None), "Choose True or False first."


class MultipleResponseWidget(Widget[MultipleResponseQuestion]):
    """A checkbox per option, keyed ``{key}-{option id}``."""

    def draw(self, question: MultipleResponseQuestion, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None) -> None:
        st.caption("Choose all that apply.")
        texts = {o.id: inline(o.text) for o in question.options}
        chosen = set(previous["options"]) if previous else set()
        for option in self._order(question, drawn):
            st.checkbox(texts[option], value=option in chosen, key=f"{key}-{option}")

    def collect(self, question: MultipleResponseQuestion, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
        picked = [o for o in self._order(question, drawn) if state.get(f"{key}-{o}")]
        return ({"type": question.type, "options": picked} if picked else None), "Choose at least one answer first."

    @staticmethod
    def _order(question: MultipleResponseQuestion, drawn: DrawnQuestion) -> list[str]:
        return drawn.option_order or [o.id for o in question.options]


class MatchingWidget(Widget[MatchingQuestion]):
    """A select of the choices per item, keyed ``{key}-{item id}``."""

    def draw(self, question: MatchingQuestion, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None) -> None:
        items = {i.id: i for i in question.items}
        choices = drawn.option_order or [c.id for c in question.choices]
        texts = {c.id: inline(c.text) for c in question.choices}
        placed = dict(previous["placements"]) if previous else {}
        for item_id in self._items(question, drawn):
            _choose(inline(items[item_id].text), choices, texts, current=placed.get(item_id), key=f"{key}-{item_id}")

    def collect(self, question: MatchingQuestion, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
        placements = {i: state.get(f"{key}-{i}") for i in self._items(question, drawn)}
        if None in placements.values():
            return None, "Choose a match for every item first."
        return {"type": question.type, "placements": placements}, None

    @staticmethod
    def _items(question: MatchingQuestion, drawn: DrawnQuestion) -> list[str]:
        return drawn.item_order or [i.id for i in question.items]


class OrderingWidget(Widget[OrderingQuestion]):
    """A select of the items per position, keyed ``{key}-{position}`` from 0."""

    def draw(self, question: OrderingQuestion, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None) -> None:
        st.caption("Put the items in order: choose what comes 1st, 2nd, and so on. Use each item once.")
        shown = drawn.item_order or [i.id for i in question.items]
        texts = {i.id: inline(i.text) for i in question.items}
        earlier = list(previous["order"]) if previous else [None] * len(shown)
        for position in range(len(shown)):
            _choose(ORDINALS[position], shown, texts, current=earlier[position], key=f"{key}-{position}")

    def collect(self, question: OrderingQuestion, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
        order = [state.get(f"{key}-{n}") for n in range(len(question.items))]
        if None in order:
            return None, "Fill every position first."
        if len(set(order)) != len(order):
            return None, "Each item can be used only once; one appears twice."
        return {"type": question.type, "order": order}, None


class ShortAnswerWidget(Widget[ShortAnswerQuestion]):
    def draw(self, question: ShortAnswerQuestion, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None) -> None:
        st.text_input("Your answer", value=previous["text"] if previous else "", max_chars=200, key=key)

    def collect(self, question: ShortAnswerQuestion, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
        text = state.get(key) or ""
        return ({"type": question.type, "text": text} if text.strip() else None), "Type an answer first."


class NumericWidget(Widget[NumericQuestion]):
    def draw(self, question: NumericQuestion, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None) -> None:
        label = f"Your answer ({inline(question.unit)})" if question.unit else "Your answer"
        st.number_input(label, value=previous["value"] if previous else None, step=1.0, format="%g", key=key)

    def collect(self, question: NumericQuestion, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
        value = state.get(key)
        return ({"type": question.type, "value": value} if value is not None else None), "Enter a number first."


WIDGETS: dict[QuestionType, Widget[Any]] = {
    QuestionType.SINGLE_CHOICE: SingleChoiceWidget(),
    QuestionType.MULTIPLE_RESPONSE: MultipleResponseWidget(),
    QuestionType.TRUE_FALSE: TrueFalseWidget(),
    QuestionType.MATCHING: MatchingWidget(),
    QuestionType.ORDERING: OrderingWidget(),
    QuestionType.SHORT_ANSWER: ShortAnswerWidget(),
    QuestionType.NUMERIC: NumericWidget(),
}


def question_input(question: QuestionBase, drawn: DrawnQuestion, *, key: str, previous: Mapping[str, Any] | None = None) -> None:
    """Draw the answer widget for ``question``; :func:`collect` reads what the learner entered."""
    WIDGETS[question_type(question)].draw(question, drawn, key=key, previous=previous)


def collect(question: QuestionBase, drawn: DrawnQuestion, *, key: str, state: WidgetState) -> Input:
    """The response the widgets drawn under ``key`` hold (from ``st.session_state``), or None and what is missing.

    It reads widget state by key, so it works in a form's submit callback, before the page is drawn again.
    """
    return WIDGETS[question_type(question)].collect(question, drawn, key=key, state=state)


def answer_form(
    question: QuestionBase,
    drawn: DrawnQuestion,
    *,
    key: str,
    label: str,
    save: Callable[[dict[str, Any], str | None], None],
    previous: Mapping[str, Any] | None = None,
    ask_confidence: bool = False,
) -> None:
    """The answer widgets in a form whose button saves the response through ``save(response, confidence)``.

    Saving runs in the button's callback, before the page is drawn again, so one click costs one
    run of the page. What stops a save (an incomplete answer, an error, the records out of reach)
    is shown under the form, and the answer entered stays in the widgets to send again.
    """
    flash_key = f"flash-{key}"

    def submitted() -> None:
        response, problem = collect(question, drawn, key=key, state=st.session_state)
        if response is None:
            st.session_state[flash_key] = ("warning", problem)
            return
        try:
            save(response, st.session_state.get(f"sure-{key}"))
        except StorageUnavailable:
            log.warning("an answer was not saved: the records cannot be reached", exc_info=True)
            st.session_state[flash_key] = ("error", ANSWER_NOT_SAVED)
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


def show_grade(question: QuestionBase, grade: Grade, course: Course, *, link_lesson: bool = True, whose: str = "Your answer") -> None:
    """The grade, the feedback on each choice made, the right answer, the explanation and a lesson
    link (``whose`` heads the choices made: an instructor reads "Their answer")."""
    if grade.correct:
        st.success("**Correct.**", icon=":material/check_circle:")
    elif grade.score > 0:
        st.warning(f"**Partly right:** {round(grade.score * 100)}% of the marks.", icon=":material/adjust:")
    else:
        st.error("**Not quite.**", icon=":material/cancel:")
    if grade.feedback:
        st.markdown(f"**{whose}:**")
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
