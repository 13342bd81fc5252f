"""One table of question types: every type has a model, a response, a grader, a widget, an xAPI
mapping and a section under "By type" in ``docs/authoring.md``."""

from __future__ import annotations

import re

import pytest

from learning import grade
from learning.grading import GRADERS
from learning.questions import QUESTION_CLASSES, RESPONSE_CLASSES, QuestionType
from learning.ui.widgets import WIDGETS, Widget
from learning.xapi import INTERACTION_TYPES, definition
from tests.conftest import ALL_TYPES, ROOT, build


def authoring_types() -> list[str]:
    """The types listed under "By type:" in the authoring guide, one top-level bullet each."""
    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = text.split("\nBy type:\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^- `([a-z_]+)`", section, flags=re.MULTILINE)


def test_every_table_covers_every_type() -> None:
    types = set(QuestionType)
    assert set(QUESTION_CLASSES) == types
    assert set(RESPONSE_CLASSES) == types
    assert set(GRADERS) == types
    assert set(WIDGETS) == types
    assert all(isinstance(widget, Widget) for widget in WIDGETS.values())


def test_every_type_has_one_section_in_the_authoring_guide() -> None:
    listed = authoring_types()
    assert sorted(listed) == sorted(t.value for t in QuestionType)


def test_the_sample_course_has_a_question_of_every_type() -> None:
    assert sorted(ALL_TYPES) == sorted(t.value for t in QuestionType)


@pytest.mark.parametrize("kind", list(QuestionType))
def test_each_type_knows_its_facts(kind: QuestionType) -> None:
    question = build(kind.value)
    assert type(question) is QUESTION_CLASSES[kind]
    response = question.correct_response()
    assert type(response) is RESPONSE_CLASSES[kind]
    assert grade(question, response).score == 1.0
    assert question.correct_answer()
    assert question.XAPI_INTERACTION in INTERACTION_TYPES
    pattern = definition(question)["correctResponsesPattern"]
    assert pattern and all(isinstance(p, str) for p in pattern)
