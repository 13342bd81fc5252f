"""Every grader as a table of (response, expected score), partial credit and edge cases included."""

from __future__ import annotations

import pytest

from learning import grade, parse_response
from learning.errors import ResponseError
from learning.grading import normalise, short_answer_matches
from tests.conftest import build

CASES = [
    # single choice
    ("single_choice", {}, {"option": "a"}, 1.0),
    ("single_choice", {}, {"option": "b"}, 0.0),
    # true / false
    ("true_false", {}, {"value": True}, 1.0),
    ("true_false", {}, {"value": False}, 0.0),
    ("true_false", {"answer": False}, {"value": False}, 1.0),
    # multiple response, partial with default weights (+1/2 each correct, -1/2 each wrong)
    ("multiple_response", {}, {"options": ["a", "b"]}, 1.0),
    ("multiple_response", {}, {"options": ["a"]}, 0.5),
    ("multiple_response", {}, {"options": ["a", "c"]}, 0.0),
    ("multiple_response", {}, {"options": ["a", "b", "c"]}, 0.5),
    ("multiple_response", {}, {"options": ["c", "d"]}, 0.0),  # floored at 0
    ("multiple_response", {}, {"options": []}, 0.0),
    ("multiple_response", {}, {"options": ["a", "b", "c", "d"]}, 0.0),
    # multiple response, all or nothing
    ("multiple_response", {"scoring": "all_or_nothing"}, {"options": ["a", "b"]}, 1.0),
    ("multiple_response", {"scoring": "all_or_nothing"}, {"options": ["a"]}, 0.0),
    ("multiple_response", {"scoring": "all_or_nothing"}, {"options": ["a", "b", "c"]}, 0.0),
    # matching / categorising: fraction of items placed right; unplaced items count as wrong
    ("matching", {}, {"placements": {"i1": "mmt", "i2": "mt", "i3": "both", "i4": "mmt"}}, 1.0),
    ("matching", {}, {"placements": {"i1": "mmt", "i2": "mt", "i3": "both", "i4": "mt"}}, 0.75),
    ("matching", {}, {"placements": {"i1": "mmt", "i2": "mt"}}, 0.5),
    ("matching", {}, {"placements": {"i1": "neither"}}, 0.0),
    ("matching", {}, {"placements": {}}, 0.0),
    # ordering: fraction of items in their right position
    ("ordering", {}, {"order": ["s1", "s2", "s3", "s4"]}, 1.0),
    ("ordering", {}, {"order": ["s1", "s2", "s4", "s3"]}, 0.5),
    ("ordering", {}, {"order": ["s2", "s3", "s4", "s1"]}, 0.0),
    ("ordering", {}, {"order": ["s4", "s2", "s3", "s1"]}, 0.5),
    # short answer: case, accents and space ignored; best credit wins; wildcard
    ("short_answer", {}, {"text": "deep transverse friction"}, 1.0),
    ("short_answer", {}, {"text": "  Deep   Transverse FRICTION "}, 1.0),
    ("short_answer", {}, {"text": "déep transvérse friction"}, 1.0),
    ("short_answer", {}, {"text": "Deep transverse friction."}, 1.0),
    ("short_answer", {}, {"text": "deep-transverse friction!"}, 1.0),
    ("short_answer", {}, {"text": "'deep transverse' friction"}, 1.0),
    ("short_answer", {}, {"text": "deeptransverse friction"}, 0.0),
    ("short_answer", {}, {"text": "transverse friction"}, 0.5),
    ("short_answer", {}, {"text": "cross-fiber"}, 0.0),
    ("short_answer", {}, {"text": ""}, 0.0),
    # numeric: exact value, a partial band, outside every band
    ("numeric", {}, {"value": 500}, 1.0),
    ("numeric", {}, {"value": 520}, 0.5),
    ("numeric", {}, {"value": 550}, 0.5),
    ("numeric", {}, {"value": 551}, 0.0),
    ("numeric", {}, {"value": -3}, 0.0),
]


@pytest.mark.parametrize(("kind", "changes", "response", "expected"), CASES)
def test_grade_table(kind: str, changes: dict, response: dict, expected: float) -> None:
    question = build(kind, **changes)
    result = grade(question, parse_response(question, {"type": kind, **response}))
    assert result.score == pytest.approx(expected)
    assert result.correct is (expected == 1.0)
    assert result.points == pytest.approx(expected * question.points)


def test_weights_override_defaults() -> None:
    question = build(
        "multiple_response",
        options=[
            {"id": "a", "text": "A", "correct": True, "weight": 0.75, "feedback": "Mostly."},
            {"id": "b", "text": "B", "correct": True, "weight": 0.25, "feedback": "A bit."},
            {"id": "c", "text": "C", "weight": -1.0, "feedback": "Costly."},
        ],
    )
    assert grade(question, parse_response(question, {"type": "multiple_response", "options": ["a"]})).score == 0.75
    assert grade(question, parse_response(question, {"type": "multiple_response", "options": ["a", "b", "c"]})).score == 0.0


def test_grade_carries_feedback_and_correct_answer() -> None:
    question = build("single_choice", points=2)
    result = grade(question, parse_response(question, {"type": "single_choice", "option": "b"}))
    assert [f.feedback for f in result.feedback] == ["No: therapists do not diagnose."]
    assert result.correct_answer == "Relaxation"
    assert (result.points, result.max_points) == (0.0, 2.0)


CORRECT_ANSWERS = [
    # (type, changes to the sample question, the right answer in words, a full-marks response)
    ("single_choice", {}, "Relaxation", {"option": "a"}),
    ("multiple_response", {}, "Insurers; Courts", {"options": ["a", "b"]}),
    ("true_false", {}, "True", {"value": True}),
    ("true_false", {"answer": False}, "False", {"value": False}),
    (
        "matching",
        {},
        "Courts → Medical massage therapist; Clients → Massage therapist; Licensing boards → Both; Auditors → Medical massage therapist",
        {"placements": {"i1": "mmt", "i2": "mt", "i3": "both", "i4": "mmt"}},
    ),
    (
        "ordering",
        {},
        "1. Prescription; 2. Records; 3. Treatment; 4. Maximum medical improvement",
        {"order": ["s1", "s2", "s3", "s4"]},
    ),
    ("short_answer", {}, "deep transverse friction", {"text": "deep transverse friction"}),
    ("short_answer", {"answers": [{"text": "deep * friction"}]}, "deep * friction", {"text": "deep x friction"}),
    ("numeric", {}, "500 hours", {"value": 500}),
    ("numeric", {"answers": [{"value": 2.5, "tolerance": 0.5}], "unit": None}, "2.5 ± 0.5", {"value": 2.5}),
    ("numeric", {"answers": [{"min": 450, "max": 550}]}, "450 to 550 hours", {"value": 450}),
]


@pytest.mark.parametrize(("kind", "changes", "answer", "response"), CORRECT_ANSWERS)
def test_each_question_knows_its_right_answer(kind: str, changes: dict, answer: str, response: dict) -> None:
    question = build(kind, **changes)
    assert question.correct_answer() == answer
    assert question.correct_response() == parse_response(question, {"type": kind, **response})
    assert grade(question, question.correct_response()).correct_answer == answer
    assert grade(question, question.correct_response()).score == 1.0


def test_feedback_for_each_choice_made() -> None:
    question = build("multiple_response")
    result = grade(question, parse_response(question, {"type": "multiple_response", "options": ["a", "c"]}))
    assert [(f.choice, f.correct, f.feedback) for f in result.feedback] == [("a", True, "Yes."), ("c", False, "No.")]
    assert result.correct_answer == "Insurers; Courts"


@pytest.mark.parametrize(
    ("kind", "response", "message"),
    [
        ("single_choice", {"option": "z"}, "question 'sample-single-choice' has no option 'z'"),
        ("multiple_response", {"options": ["a", "q"]}, "question 'sample-multiple-response' has no option 'q'"),
        ("matching", {"placements": {"i9": "mt"}}, "question 'sample-matching' has no item 'i9'"),
        ("matching", {"placements": {"i1": "nobody"}}, "question 'sample-matching' has no choice 'nobody'"),
        ("ordering", {"order": ["s1", "s1", "s2", "s3"]}, "must list each item once"),
        ("single_choice", {"type": "true_false", "value": True}, "is single_choice, but the response is true_false"),
    ],
)
def test_response_that_does_not_fit_is_a_validation_error(kind: str, response: dict, message: str) -> None:
    question = build(kind)
    with pytest.raises(ResponseError, match=message):
        parse_response(question, {"type": kind, **response})


def test_malformed_response_is_a_response_error() -> None:
    question = build("numeric")
    with pytest.raises(ResponseError, match="value"):
        parse_response(question, {"type": "numeric", "value": "lots"})
    with pytest.raises(ResponseError, match="finite"):
        parse_response(question, {"type": "numeric", "value": float("nan")})


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("MMI", "mmi", True),
        ("maximum medical improvement", "Maximum  medical improvement ", True),
        ("deep * friction", "deep transverse friction", True),
        ("deep * friction", "deep friction friction", True),
        ("cyriax*", "Cyriax's method", True),
        ("cyriax", "cyriax method", False),
        ("a.b", "axb", False),  # pattern text is literal, not a regular expression
    ],
)
def test_short_answer_matching(pattern: str, text: str, matches: bool) -> None:
    assert short_answer_matches(pattern, text) is matches


def test_normalise_folds_case_accents_and_space() -> None:
    assert normalise("  Éffleurage\tÀ  la  SUÉDOISE ") == "effleurage a la suedoise"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remedial.", "remedial"),
        ("stretch-reflex", "stretch reflex"),
        ("“Stretch reflex”!", "stretch reflex"),
        ("S.O.A.P. notes", "soap notes"),
        ("the client's", "the clients"),
        ("pain/weakness", "pain weakness"),
        ("MMI (maximum medical improvement)", "mmi maximum medical improvement"),
    ],
)
def test_normalise_ignores_punctuation(text: str, expected: str) -> None:
    assert normalise(text) == expected
