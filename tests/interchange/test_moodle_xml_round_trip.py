"""Moodle XML round trips: what the writer writes, the reader reads back to the same questions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.course import Course, load_course
from learning.interchange import Format, ImportOptions, export, read
from learning.interchange.text import clean_markdown
from learning.questions import QUESTION_ADAPTER, QuestionBase
from tests.conftest import ROOT, question, write_course

# Text the bank stores as it is: Markdown with no raw HTML, no surrounding space (an import
# cleans and trims every text, as Moodle trims it, so other text does not come back unchanged).
text = (
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda s: s and clean_markdown(s) == s)
)
ids = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)
slugs = st.from_regex(r"[a-z]{1,6}(-[a-z0-9]{1,4})?", fullmatch=True)
credits = st.sampled_from([0.0, 0.1, 0.25, 0.35, 1 / 3, 0.5, 0.93])
common = {
    "prompt": text,
    "explanation": text,
    "points": st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    "critical": st.booleans(),
    "difficulty": st.sampled_from(["easy", "medium", "hard"]),
    "section": st.sampled_from(["first", "key-takeaways"]),
    "objectives": st.sampled_from([["obj-goals"], ["obj-hours", "obj-goals"]]),
    "tags": st.lists(slugs, max_size=3, unique=True),
    "pool": st.sampled_from(["practice", "exam"]),
    "exclusion_group": st.none() | slugs,
    "lint_accept": st.sampled_from([[], ["longest-key"], ["near-duplicate", "all-of-the-above"]]),
    "scenario": st.none() | text,
}


def _common(draw) -> dict:
    return {key: value for key, value in ((k, draw(v)) for k, v in common.items()) if value is not None}


@st.composite
def choice_questions(draw, kind: str) -> dict:
    option_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    right = (
        [draw(st.sampled_from(option_ids))]
        if kind == "single_choice"
        else draw(st.lists(st.sampled_from(option_ids), min_size=1, unique=True))
    )
    options = [
        {"id": o, "text": draw(text), "correct": o in right, "feedback": draw(text), "pinned": draw(st.booleans())} for o in option_ids
    ]
    extra: dict = {"shuffle": draw(st.booleans())}
    if kind == "multiple_response":
        extra["scoring"] = draw(st.sampled_from(["partial", "all_or_nothing"]))
        if draw(st.booleans()):  # exact weights, most not in Moodle's list
            share = draw(st.sampled_from([0.35, 0.5, 0.65, 1.0])) if len(right) == 2 else 1 / len(right)
            for option in options:
                if option["correct"]:
                    option["weight"] = share if option["id"] == right[0] or len(right) != 2 else 1 - share
                else:
                    option["weight"] = -draw(credits)
            if len(right) == 2 and share == 1.0:
                next(o for o in options if o["id"] == right[1])["weight"] = 0.0001
                next(o for o in options if o["id"] == right[0])["weight"] = 0.9999
    return question(kind, options=options, **extra, **_common(draw))


@st.composite
def true_false_questions(draw) -> dict:
    return question("true_false", answer=draw(st.booleans()), feedback_true=draw(text), feedback_false=draw(text), **_common(draw))


@st.composite
def matching_questions(draw) -> dict:
    choice_ids = draw(st.lists(ids, min_size=2, max_size=5, unique=True))
    item_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    items = [{"id": i, "text": draw(text), "answer": draw(st.sampled_from(choice_ids))} for i in item_ids]
    for item in items:
        if draw(st.booleans()):
            item["feedback"] = draw(text)
    choices = [{"id": c, "text": draw(text)} for c in choice_ids]
    return question("matching", items=items, choices=choices, shuffle=draw(st.booleans()), **_common(draw))


@st.composite
def ordering_questions(draw) -> dict:
    item_ids = draw(st.lists(ids, min_size=2, max_size=7, unique=True))
    return question("ordering", items=[{"id": i, "text": draw(text)} for i in item_ids], **_common(draw))


@st.composite
def short_answer_questions(draw) -> dict:
    answers = [{"text": draw(text), "credit": 1.0}]
    for _ in range(draw(st.integers(0, 3))):
        answers.append({"text": draw(text) + draw(st.sampled_from(["", "*"])), "credit": draw(credits), "feedback": draw(text)})
    answers = [a for a in answers if a["text"].replace("*", "").strip()] or [{"text": "answer", "credit": 1.0}]
    answers[0]["credit"] = 1.0
    return question("short_answer", answers=answers, wrong_feedback=draw(text), **_common(draw))


@st.composite
def numeric_questions(draw) -> dict:
    value = draw(st.floats(-1e6, 1e6, allow_nan=False))
    band = {"value": value, "tolerance": draw(st.sampled_from([0, 0.1, 1, 5])), "credit": 1.0}
    low = draw(st.floats(-1e6, 1e6, allow_nan=False))
    ranged = {"min": low, "max": low + draw(st.floats(0, 100)), "credit": draw(credits), "feedback": draw(text)}
    extra = {"unit": draw(text)} if draw(st.booleans()) else {"unit": None}
    return question("numeric", answers=[band, ranged], wrong_feedback=draw(text), **extra, **_common(draw))


questions = st.one_of(
    choice_questions("single_choice"),
    choice_questions("multiple_response"),
    true_false_questions(),
    matching_questions(),
    ordering_questions(),
    short_answer_questions(),
    numeric_questions(),
).map(QUESTION_ADAPTER.validate_python)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    lessons, bank = write_course(tmp_path_factory.mktemp("course"))
    return load_course(lessons_dir=lessons, bank_dir=bank)


def _round_trip(originals: list[QuestionBase], course: Course):
    exported = export(originals, Format.MOODLE_XML)
    report = read(exported.content, ImportOptions(lesson="techniques"), course, fmt=Format.MOODLE_XML, existing={}, used_ids=())
    return report


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(questions, min_size=1, max_size=4).map(lambda qs: [q.model_copy(update={"id": f"goals-{n:02d}"}) for n, q in enumerate(qs)])
)
def test_written_questions_read_back_equal(course, originals: list[QuestionBase]) -> None:
    report = _round_trip(originals, course)
    assert report.skipped == []
    assert report.warnings == []
    assert [q.model_copy(update={"status": o.status}) for q, o in zip(report.questions, originals, strict=True)] == originals


def test_the_shipped_bank_reads_back_equal_with_no_problem() -> None:
    shipped = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    originals = list(shipped.questions)
    exported = export(originals, Format.MOODLE_XML)
    report = read(exported.content, ImportOptions(lesson="goals"), shipped, existing={}, used_ids=())
    assert report.skipped == []
    assert report.warnings == []
    assert len(report.questions) == len(originals) > 300
    assert [q.model_copy(update={"status": o.status}) for q, o in zip(report.questions, originals, strict=True)] == originals


def test_every_question_type_is_covered_by_the_round_trip_strategy() -> None:
    from hypothesis import find

    for kind in ("single_choice", "multiple_response", "true_false", "matching", "ordering", "short_answer", "numeric"):
        assert find(questions, lambda q, kind=kind: q.type == kind).type == kind


def test_a_file_of_ten_thousand_questions_is_read(course: Course, tmp_path: Path) -> None:
    """Not a timing test (bench/ times it): a file of the size the speed target names reads completely."""
    base = [QUESTION_ADAPTER.validate_python(question(kind)) for kind in sorted({"single_choice", "true_false", "numeric"})]
    many = [base[n % len(base)].model_copy(update={"id": f"goals-{n:05d}"}) for n in range(10_000)]
    report = _round_trip(many, course)
    assert report.imported == 10_000
