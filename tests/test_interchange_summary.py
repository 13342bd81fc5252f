"""The import preview's rows and an export's file name."""

from __future__ import annotations

from datetime import date

import pytest

from learning.interchange import Format, ImportReport
from learning.interchange.summary import export_file_name, first_words, preview_rows
from tests.conftest import build

TWELVE = "one two three four five six seven eight nine ten eleven twelve"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Which   aim\nis   right?", "Which aim is right?"),
        (TWELVE, TWELVE),
        (TWELVE + " thirteen", TWELVE + " …"),
        ("A \\<b\\> tag and \\*stars\\*", "A <b> tag and *stars*"),
        ("Which stroke is **rhythmic tapping**? _Not_ a*b", "Which stroke is rhythmic tapping? Not a*b"),
        ("", ""),
    ],
)  # fmt: skip
def test_first_words(text: str, expected: str) -> None:
    assert first_words(text) == expected


def test_preview_rows_say_what_each_question_becomes() -> None:
    report = ImportReport(
        format=Format.GIFT,
        questions=[build("true_false", status="draft"), build("numeric", id="goals-07", prompt="How many **hours**?")],
        updates=["sample-true-false"],
    )
    assert preview_rows(report) == [
        {"id": "sample-true-false", "type": "true false", "lesson": "goals", "section": "first", "status": "draft",
         "prompt": "A prompt?", "action": "update"},
        {"id": "goals-07", "type": "numeric", "lesson": "goals", "section": "first", "status": "active",
         "prompt": "How many hours?", "action": "new"},
    ]  # fmt: skip
    assert list(preview_rows(report)[0]) == ["id", "prompt", "action", "type", "lesson", "section", "status"]  # the preview's order


@pytest.mark.parametrize(
    ("query", "suffix", "expected"),
    [
        ({}, ".xml", "question-bank-2025-03-14.xml"),
        ({"lesson": "deep-tissue", "status": "draft"}, ".gift.txt", "question-bank-deep-tissue-draft-2025-03-14.gift.txt"),
        ({"type": "short_answer", "critical": "yes", "q": "hours"}, ".csv", "question-bank-short-answer-critical-search-2025-03-14.csv"),
        ({"tag": "../Week 3/", "critical": "no"}, ".csv", "question-bank-week-3-not-critical-2025-03-14.csv"),
    ],
)
def test_export_file_name_says_what_the_filter_chose(query: dict[str, str], suffix: str, expected: str) -> None:
    assert export_file_name(query, day=date(2025, 3, 14), suffix=suffix) == expected
