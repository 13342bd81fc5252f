"""The pure part of editing the bank: diffs, the bank page's filters and rows, new ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learning.authoring import BankFilter, LastEdit, bank_rows, counts_by_status, diff, filter_questions, next_id, searchable_text
from learning.questions import QuestionType, Status
from tests.conftest import ALL_TYPES, build

QUESTIONS = [
    build("single_choice"),
    build("true_false", critical=True, tags=["safety-clot"], status=Status.DRAFT),
    build("matching", lesson="techniques", objectives=["obj-techniques"], scenario="Dana has a swollen calf."),
    build("numeric", status=Status.RETIRED),
    build("short_answer", lesson="techniques", objectives=["obj-techniques"], tags=["claim-c05"]),
]


def ids(questions) -> list[str]:
    return [q.id for q in questions]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["sample-single-choice", "sample-true-false", "sample-matching", "sample-numeric", "sample-short-answer"]),
        ({"lesson": "techniques"}, ["sample-matching", "sample-short-answer"]),
        ({"objective": "obj-hours"}, ["sample-numeric"]),
        ({"type": "true_false"}, ["sample-true-false"]),
        ({"status": "draft"}, ["sample-true-false"]),
        ({"status": "retired"}, ["sample-numeric"]),
        ({"critical": "yes"}, ["sample-true-false"]),
        ({"critical": "no", "lesson": "techniques"}, ["sample-matching", "sample-short-answer"]),
        ({"tag": "claim-c05"}, ["sample-short-answer"]),
        ({"q": "swollen"}, ["sample-matching"]),  # scenario
        ({"q": "DIAGNOSIS"}, ["sample-single-choice"]),  # an option, any case
        ({"q": "therapists do not"}, ["sample-single-choice"]),  # option feedback, every word
        ({"q": "module's figure"}, ["sample-numeric"]),  # wrong-answer feedback
        ({"q": "licensing boards"}, ["sample-matching"]),  # a matching item
        ({"q": "because"}, ids(QUESTIONS)),  # the explanation
        ({"q": "sample"}, []),  # ids and lessons are not searched as text
        ({"type": "essay", "status": "gone", "critical": "maybe"}, ids(QUESTIONS)),  # unknown values are ignored
    ],
)
def test_filters(query: dict[str, str], expected: list[str]) -> None:
    assert ids(filter_questions(QUESTIONS, BankFilter.from_query(query))) == expected


def test_a_filter_round_trips_through_the_url_query() -> None:
    chosen = BankFilter(lesson="goals", type=QuestionType.MATCHING, status=Status.DRAFT, critical=False, tag="x", text="calf")
    assert chosen.to_query() == {"lesson": "goals", "type": "matching", "status": "draft", "critical": "no", "tag": "x", "q": "calf"}
    assert BankFilter.from_query(chosen.to_query()) == chosen
    assert BankFilter().to_query() == {}


def test_every_type_has_searchable_text() -> None:
    for kind in ALL_TYPES:
        assert "a prompt?" in searchable_text(build(kind))


def test_counts_by_status_list_every_status() -> None:
    assert counts_by_status(QUESTIONS) == {Status.ACTIVE: 3, Status.DRAFT: 1, Status.RETIRED: 1}
    assert counts_by_status([]) == {Status.ACTIVE: 0, Status.DRAFT: 0, Status.RETIRED: 0}


def test_diff_shows_what_changed_between_versions() -> None:
    old = build("true_false")
    new = old.model_copy(update={"version": 2, "prompt": "A clearer prompt?"})
    text = diff(old, new)
    assert text.splitlines()[:2] == ["--- sample-true-false version 1", "+++ sample-true-false version 2"]
    assert '-  "prompt": "A prompt?",' in text
    assert '+  "prompt": "A clearer prompt?",' in text
    assert diff(old, old) == ""


@pytest.mark.parametrize(
    ("lesson", "used", "expected"),
    [
        ("deep-tissue", [], "deep-tissue-01"),
        ("deep-tissue", ["deep-tissue-01", "deep-tissue-12"], "deep-tissue-13"),
        ("deep-tissue", ["deep-tissue-99"], "deep-tissue-100"),
        ("deep", ["deep-tissue-12", "deep-03"], "deep-04"),  # another lesson's series is not this one's
        ("goals", ["goals-7", "goals-07", "goals-08"], "goals-09"),
        ("goals", ["goals-intro", "goals-02"], "goals-03"),
        ("goals", ["goals-9"], "goals-10"),
        ("goals", ["goals-01", "goals-07", "techniques-09"], "goals-08"),
    ],
)
def test_next_id(lesson: str, used: list[str], expected: str) -> None:
    assert next_id(lesson, set(used)) == expected


def test_bank_rows() -> None:
    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    rows = bank_rows(
        QUESTIONS[:2],
        last_edits={"sample-true-false": LastEdit(version=1, author="Morgan Lee", saved_at=when)},
        warnings={"sample-single-choice": ["longest-key"]},
    )
    assert rows[0] == {
        "id": "sample-single-choice",
        "lesson": "goals › first",
        "type": "single choice",
        "objectives": "obj-goals",
        "difficulty": "medium",
        "critical": False,
        "status": "active",
        "version": 1,
        "last edited": "",
        "lint": "longest-key",
    }
    assert rows[1]["last edited"] == "2026-03-02 09:30 by Morgan Lee"
    assert rows[1]["critical"] is True
