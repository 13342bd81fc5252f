"""Certificates as data: codes, the link, who may have one, the objectives by unit, the words
printed, and what the verification page may say."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from learning import load_course
from learning.certificate import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    UnitObjectives,
    Verdict,
    Verification,
    date_words,
    eligible,
    holder_can,
    hours_words,
    new_code,
    normal_code,
    objectives_by_unit,
    score_words,
    shown_code,
    verify_url,
)
from tests.conftest import ROOT


def test_a_code_carries_at_least_100_random_bits_and_reads_in_groups_of_four() -> None:
    assert len(CODE_ALPHABET) ** CODE_LENGTH >= 2**100
    assert not set("IO01") & set(CODE_ALPHABET)  # no look-alikes
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert re.fullmatch(f"[{CODE_ALPHABET}]{{20}}", code)
        assert re.fullmatch(r"(\w{4}-){4}\w{4}", shown_code(code))
        assert normal_code(shown_code(code)) == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7KQM-3XZ9-PH2D-W8RT-C4NB", "7KQM3XZ9PH2DW8RTC4NB"),
        ("  7kqm 3xz9 ph2d w8rt c4nb\n", "7KQM3XZ9PH2DW8RTC4NB"),
        ("7KQM3XZ9PH2DW8RTC4NB", "7KQM3XZ9PH2DW8RTC4NB"),
        ("7KQM-3XZ9-PH2D-W8RT", None),  # too short
        ("7KQM-3XZ9-PH2D-W8RT-C4NB-A", None),  # too long
        ("7KQM-3XZ9-PH2D-W8RT-C4N0", None),  # a zero is in no code
        ("", None),
        ("<script>", None),
    ],
)
def test_codes_are_read_as_people_type_them(typed: str, stored: str | None) -> None:
    assert normal_code(typed) == stored


def test_the_verification_link_carries_the_code_as_printed() -> None:
    code = "7KQM3XZ9PH2DW8RTC4NB"
    assert verify_url("https://school.example/", code) == "https://school.example/verify?code=7KQM-3XZ9-PH2D-W8RT-C4NB"
    assert verify_url("https://school.example/study", code) == "https://school.example/study/verify?code=7KQM-3XZ9-PH2D-W8RT-C4NB"


@pytest.mark.parametrize(
    ("lessons", "read", "passed", "expected"),
    [
        (["a", "b"], ["a", "b"], True, True),
        (["a", "b"], ["b", "a", "gone"], True, True),  # a lesson since removed from the course does not matter
        (["a", "b"], ["a"], True, False),
        (["a", "b"], ["a", "b"], False, False),
        ([], [], True, False),  # a course with no lessons (broken files) never gives one
    ],
)
def test_who_may_have_a_certificate(lessons, read, passed, expected) -> None:
    assert eligible(lessons=lessons, read=read, passed_final=passed) is expected


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(0, "0 hours"), (3, "0.1 hours"), (30, "0.5 hours"), (60, "1 hour"), (63, "1.1 hours"), (90, "1.5 hours"), (853, "14.2 hours")],
)
def test_hours_studied_to_the_tenth(minutes: int, words: str) -> None:
    assert hours_words(minutes) == words


def test_scores_dates_and_objectives_as_printed() -> None:
    assert score_words(0.875) == "88%"
    assert score_words(1.0) == "100%"
    assert date_words(date(2026, 3, 2)) == "2 March 2026"
    assert holder_can("The learner can state the aim both professions share.") == "State the aim both professions share."
    assert holder_can("Knows the red flags.") == "Knows the red flags."


def test_the_objectives_by_unit_follow_the_syllabus_each_once() -> None:
    course = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    covered = objectives_by_unit(course)
    assert [u.unit for u in covered] == [u.title for u in course.units]
    texts = [t for u in covered for t in u.objectives]
    assert len(texts) == len(set(texts))
    taught = {o for lesson in course.lessons for o in lesson.objectives}
    assert len(texts) == len(taught)
    assert covered[0].objectives[0] == holder_can(course.syllabus.objective(course.lessons_in(course.units[0].id)[0].objectives[0]).text)


def certificate(**changes) -> Certificate:
    base = {
        "code": "7KQM3XZ9PH2DW8RTC4NB",
        "learner_id": 7,
        "learner_name": "Sam Rivera",
        "course_title": "A course",
        "passed_on": date(2026, 3, 2),
        "score": 0.9,
        "minutes_studied": 600,
        "objectives": [UnitObjectives(unit="Basics", objectives=["State the aim."])],
        "issued_at": datetime(2026, 3, 3, tzinfo=UTC),
    }
    return Certificate.model_validate({**base, **changes})


def test_the_verification_page_learns_four_things_of_a_valid_certificate_and_only_that_of_others() -> None:
    valid = Verification.of(certificate())
    assert valid.model_dump() == {
        "verdict": Verdict.VALID,
        "learner_name": "Sam Rivera",
        "course_title": "A course",
        "passed_on": date(2026, 3, 2),
        "score": 0.9,
    }
    revoked = Verification.of(certificate(revoked_at=datetime(2026, 4, 1, tzinfo=UTC), revoked_reason="copied answers"))
    nothing = {"learner_name": None, "course_title": None, "passed_on": None, "score": None}
    assert revoked.model_dump() == {"verdict": Verdict.REVOKED, **nothing}
    assert Verification.of(None).verdict is Verdict.UNKNOWN
