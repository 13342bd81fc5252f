"""xAPI statements as tables: each type's interaction, correct-responses pattern and response string."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learning.xapi import AnswerRecord, actor, definition, iso_duration, response_text, statement, statements, timestamp
from tests.conftest import NOW, build

SITE = "https://school.example"

DEFINITIONS = [
    # (type, changes to the sample question, interactionType, correctResponsesPattern)
    ("single_choice", {}, "choice", ["a"]),
    ("multiple_response", {}, "choice", ["a[,]b"]),
    ("true_false", {}, "true-false", ["true"]),
    ("true_false", {"answer": False}, "true-false", ["false"]),
    ("matching", {}, "matching", ["i1[.]mmt[,]i2[.]mt[,]i3[.]both[,]i4[.]mmt"]),
    ("ordering", {}, "sequencing", ["s1[,]s2[,]s3[,]s4"]),
    ("short_answer", {}, "fill-in", ["deep transverse friction"]),
    (
        "short_answer",
        {"answers": [{"text": "MMI"}, {"text": "maximum medical improvement"}, {"text": "maximum*", "credit": 0.5}]},
        "fill-in",
        ["MMI", "maximum medical improvement"],
    ),
    ("numeric", {}, "numeric", ["500[:]500"]),
    ("numeric", {"answers": [{"value": 2.5, "tolerance": 0.25}]}, "numeric", ["2.25[:]2.75"]),
    ("numeric", {"answers": [{"min": 450, "max": 550}]}, "numeric", ["450[:]550"]),
]


@pytest.mark.parametrize(("kind", "changes", "interaction", "pattern"), DEFINITIONS)
def test_definition_table(kind: str, changes: dict, interaction: str, pattern: list[str]) -> None:
    result = definition(build(kind, **changes))
    assert result["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert result["interactionType"] == interaction
    assert result["correctResponsesPattern"] == pattern
    assert result["name"] == {"en-US": "A prompt?"}


@pytest.mark.parametrize("kind", ["single_choice", "multiple_response"])
def test_choice_questions_list_their_choices(kind: str) -> None:
    question = build(kind)
    assert definition(question)["choices"] == [{"id": o.id, "description": {"en-US": o.text}} for o in question.options]


@pytest.mark.parametrize("kind", ["true_false", "matching", "ordering", "short_answer", "numeric"])
def test_other_questions_have_no_components(kind: str) -> None:
    assert set(definition(build(kind))) == {"type", "interactionType", "name", "correctResponsesPattern"}


def test_a_long_prompt_is_cut_for_the_name() -> None:
    assert definition(build("single_choice", prompt="x" * 300))["name"]["en-US"] == "x" * 200


RESPONSES = [
    # (type, stored response, xAPI response)
    ("single_choice", {"option": "b"}, "b"),
    ("multiple_response", {"options": ["b", "a"]}, "a[,]b"),
    ("multiple_response", {"options": []}, ""),
    ("true_false", {"value": True}, "true"),
    ("true_false", {"value": False}, "false"),
    ("matching", {"placements": {"i2": "mt", "i1": "mmt"}}, "i1[.]mmt[,]i2[.]mt"),
    ("matching", {"placements": {}}, ""),
    ("ordering", {"order": ["s2", "s1", "s4", "s3"]}, "s2[,]s1[,]s4[,]s3"),
    ("short_answer", {"text": "Deep friction"}, "Deep friction"),
    ("numeric", {"value": 520}, "520"),
    ("numeric", {"value": 520.0}, "520"),
    ("numeric", {"value": 2.5}, "2.5"),
    ("numeric", {"type": "numeric", "value": -3}, "-3"),
]


@pytest.mark.parametrize(("kind", "response", "expected"), RESPONSES)
def test_response_table(kind: str, response: dict, expected: str) -> None:
    assert response_text(build(kind), response) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=40), "PT40S"),
        (timedelta(seconds=2.5), "PT2.50S"),
        (timedelta(minutes=2), "PT120S"),
        (timedelta(seconds=-5), "PT0S"),
    ],
)
def test_iso_duration(delta: timedelta, expected: str) -> None:
    assert iso_duration(delta) == expected


def test_timestamp_writes_utc_as_z() -> None:
    assert timestamp(NOW) == "2026-03-02T09:30:00Z"


def record(**changes: object) -> AnswerRecord:
    fields: dict = {
        "answer_id": 7,
        "attempt_id": "att-1",
        "quiz_id": "goals-practice",
        "attempt_started_at": NOW,
        "question": build("numeric"),
        "question_version": 1,
        "revision": 1,
        "response": {"type": "numeric", "value": 520},
        "score": 0.5,
        "correct": False,
        "points": 0.5,
        "max_points": 1.0,
        "answered_at": NOW + timedelta(seconds=30),
    }
    return AnswerRecord(**{**fields, **changes})


def test_statement() -> None:
    agent = actor(name="Sam Rivera", username="sam", site_url=SITE)
    result = statement(record(), agent=agent, since=NOW, site_url=SITE)
    assert result == {
        "id": result["id"],
        "actor": {"objectType": "Agent", "name": "Sam Rivera", "account": {"homePage": SITE, "name": "sam"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": f"{SITE}/questions/sample-numeric", "definition": definition(build("numeric"))},
        "result": {
            "score": {"scaled": 0.5, "raw": 0.5, "min": 0, "max": 1.0},
            "success": False,
            "response": "520",
            "duration": "PT30S",
        },
        "context": {
            "contextActivities": {"parent": [{"id": f"{SITE}/quizzes/goals-practice", "objectType": "Activity"}]},
            "extensions": {f"{SITE}/xapi/attempt": "att-1", f"{SITE}/xapi/question-version": 1, f"{SITE}/xapi/revision": 1},
        },
        "timestamp": "2026-03-02T09:30:30Z",
    }
    # The id is stable, so exporting twice gives the same statements, and differs per answer.
    assert statement(record(), agent=agent, since=NOW, site_url=SITE)["id"] == result["id"]
    assert statement(record(answer_id=8), agent=agent, since=NOW, site_url=SITE)["id"] != result["id"]


def test_durations_run_from_the_previous_answer_in_the_same_attempt() -> None:
    later = NOW + timedelta(minutes=10)
    records = [
        record(answer_id=1, answered_at=NOW + timedelta(seconds=40)),
        record(answer_id=2, attempt_id="att-2", attempt_started_at=later, answered_at=later + timedelta(seconds=5)),
        record(answer_id=3, answered_at=NOW + timedelta(seconds=70)),
        record(answer_id=4, revision=2, answered_at=NOW + timedelta(seconds=75.5)),
    ]
    result = statements(records, agent=actor(name="Sam", username="sam", site_url=SITE), site_url=SITE)
    assert [s["result"]["duration"] for s in result] == ["PT40S", "PT5S", "PT30S", "PT5.50S"]
    assert statements([], agent={}, site_url=SITE) == []
