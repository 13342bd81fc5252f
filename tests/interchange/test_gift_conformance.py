"""GIFT files from Moodle's own source tree import with the counts Moodle gets (read from ../shared/, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from learning.course import Course, load_course
from learning.interchange import Format, ImportOptions, ImportReport, read
from learning.questions import dump_question
from tests.conftest import SHARED, skip_or_fail, write_course

CONFORMANCE = SHARED / "conformance" / "gift"


def moodle_file(name: str) -> bytes:
    path = CONFORMANCE / name
    if not path.is_file():
        skip_or_fail(f"Moodle's GIFT conformance files are not at {CONFORMANCE} (the shared folder beside the project)")
    return path.read_bytes()


@pytest.fixture
def course(tmp_path: Path) -> Course:
    lessons, bank = write_course(tmp_path)
    return load_course(lessons_dir=lessons, bank_dir=bank)


def imported(name: str, course: Course) -> ImportReport:
    return read(moodle_file(name), ImportOptions(lesson="goals"), course, fmt=Format.GIFT)


def question_blocks(text: str) -> int:
    """How many questions a GIFT file holds, counted as Moodle splits it: blocks of lines between
    blank lines that hold something besides comments and category lines."""
    count = 0
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n")]
        if any(line and not line.startswith(("//", "$CATEGORY:")) for line in lines):
            count += 1
    return count


def test_moodle_questions_nine_questions_eight_imported_and_the_essay_reported(course: Course) -> None:
    report = imported("moodle-questions.gift.txt", course)
    assert [q.type for q in report.questions] == [
        "matching",
        "single_choice",
        "multiple_response",
        "numeric",
        "short_answer",
        "true_false",
        "true_false",
        "true_false",
    ]
    assert [(s.line, s.name) for s in report.skipped] == [(2, "Q8")]
    assert "essay" in report.skipped[0].reason
    assert report.imported + len(report.skipped) == 9 == question_blocks(moodle_file("moodle-questions.gift.txt").decode())
    matching, single, multiple, numeric, short, true_false = report.questions[:6]
    assert [c.text for c in matching.choices] == ["Forum", "Choice", "Database", "Wiki", "Chat"]  # "= -> Chat" is a spare choice
    assert len(matching.items) == 4
    assert [(o.text, o.correct, o.feedback) for o in single.options] == [
        ("yellow", True, "right; good!"),
        ("red", False, "wrong, it's yellow"),
        ("blue", False, "wrong, it's yellow"),
    ]
    assert [(o.text, o.weight) for o in multiple.options] == [("yellow", 0.5), ("red", -1.0), ("off-beige", 0.5), ("blue", -1.0)]
    assert dump_question(numeric)["answers"] == [{"value": 3.0, "tolerance": 2.0}]
    assert numeric.wrong_feedback == "Completely wrong"
    assert [(a.text, a.credit) for a in short.answers] == [("Frog", 1.0), ("Cat", 0.5)]
    assert short.wrong_feedback == "Completely wrong"
    assert (true_false.answer, true_false.feedback_true, true_false.feedback_false) == (
        False,
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )
    assert true_false.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert [q.answer for q in report.questions[6:]] == [True, True]


def test_moodle_questions_in_category_four_questions_with_html_made_safe(course: Course) -> None:
    report = imported("moodle-questions_in_category.gift.txt", course)
    assert report.skipped == []
    assert [q.type for q in report.questions] == ["matching", "single_choice", "short_answer", "true_false"]
    greeting = report.questions[1]
    assert greeting.prompt.startswith("[Listen to this greeting:](http://demo.moodle.net/file.php/5/media/bonjour.mp3)")
    acronym = report.questions[3]
    assert acronym.prompt == "Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment."
    for question in report.questions:
        text = str(dump_question(question))
        assert "<" not in text and "style" not in text


def test_moodle_examples_every_question_imported_or_reported(course: Course) -> None:
    data = moodle_file("moodle-examples.gift.txt")
    report = imported("moodle-examples.gift.txt", course)
    assert report.imported + len(report.skipped) == question_blocks(data.decode()) == 43
    by_line = {w.line: w.name for w in report.warnings}
    assert by_line[184] == "Grant's Tomb"
    prompts = [q.prompt for q in report.questions]
    assert "Grant is \\_\\_\\_\\_\\_ in Grant's tomb." in prompts
    assert "Who's buried in **Grant's tomb**?" in prompts  # [markdown]
    escapes = next(q for q in report.questions if q.prompt.startswith("Which of the following is NOT a control character"))
    assert [o.text for o in escapes.options] == ["~", "=", "#", "{", "}", "\\"]
    assert escapes.options[5].correct
    ranges = [dump_question(q)["answers"] for q in report.questions if q.type == "numeric"]
    assert [{"min": 3.141, "max": 3.142}] in ranges
    assert [{"value": 1822.0}, {"value": 1822.0, "tolerance": 2.0, "credit": 0.5}] in ranges
