"""GIFT round trips: any question of any type, and the whole shipped bank, come back equal."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.course import Course, load_course
from learning.interchange import Format, ImportOptions, MediaStore, export, read
from learning.interchange.build import build
from learning.interchange.gift import parse, write
from learning.questions import QUESTION_ADAPTER, QuestionBase
from tests.conftest import ROOT, write_course

# Texts with GIFT's special characters and Markdown, as an author might write them. No "<":
# imported text loses anything that looks like an HTML tag, by design.
WORDS = st.sampled_from(
    [
        "massage", "Grüße", "日本", "x", "42", "3.5", "~", "=", "#", "####", "{", "}", ":", "::", "\\", "\\n", "%", "%50%",
        "*", "**bold**", "_it_", "`code`", "[link](https://example.org)", "->", "-\\>", "[html]", "[markdown]x", "//", "$CATEGORY:",
        "{#1:2}", "T", "FALSE", "a=b", "50%", "(see)", "!", "\"quoted\"", "'s", "@", "&amp;", "_____",
    ]
)  # fmt: skip
WORD = st.text(alphabet=st.sampled_from("abcxyzäß"), min_size=1, max_size=6)
LINE = st.lists(st.one_of(WORDS, WORD), min_size=1, max_size=6).map(" ".join)
TEXT = st.lists(LINE, min_size=1, max_size=2).map("\n\n".join)
SLUGS = st.from_regex(r"[a-z][a-z0-9]{0,4}", fullmatch=True)
IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,5}", fullmatch=True)
CREDITS = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.9]), st.floats(0, 1, allow_nan=False))
NUMBERS = st.one_of(st.integers(-10_000, 10_000).map(float), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
PLACES = st.sampled_from([("goals", ["obj-goals"]), ("goals", ["obj-hours", "obj-goals"]), ("techniques", ["obj-techniques"])])


@st.composite
def common(draw, kind: str) -> dict:
    lesson, objectives = draw(PLACES)
    fields = {
        "id": draw(st.from_regex(r"q[a-z0-9]{1,6}(?:-[a-z0-9]{1,3})?", fullmatch=True)),
        "version": draw(st.integers(1, 9)),
        "type": kind,
        "lesson": lesson,
        "section": draw(st.sampled_from(["first", "key-takeaways"])),
        "objectives": objectives,
        "difficulty": draw(st.sampled_from(["easy", "medium", "hard"])),
        "points": draw(st.sampled_from([0.5, 1.0, 2.5])),
        "critical": draw(st.booleans()),
        "tags": draw(st.lists(SLUGS, max_size=2, unique=True)),
        "pool": draw(st.sampled_from(["practice", "exam"])),
        "exclusion_group": draw(st.none() | SLUGS),
        "lint_accept": draw(st.lists(st.sampled_from(["longest-key", "near-duplicate"]), max_size=2, unique=True)),
        "scenario": draw(st.none() | TEXT),
        "prompt": draw(TEXT),
        "explanation": draw(TEXT),
    }
    return fields


@st.composite
def choice(draw, kind: str) -> dict:
    ids = draw(st.lists(IDS, min_size=2, max_size=6, unique=True))
    right = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=1 if kind == "single_choice" else len(ids), unique=True))
    weighted = kind == "multiple_response" and draw(st.booleans())
    shares = [draw(st.integers(1, 20)) for _ in right]
    options = []
    for option_id in ids:
        option = {"id": option_id, "text": draw(LINE), "correct": option_id in right, "feedback": draw(TEXT), "pinned": draw(st.booleans())}
        if weighted and option_id in right:
            option["weight"] = shares[right.index(option_id)] / sum(shares)
        elif kind == "multiple_response" and option_id not in right:
            option["weight"] = draw(st.none() | st.floats(-1, 0, allow_nan=False))
        options.append(option)
    extra = {"scoring": draw(st.sampled_from(["partial", "all_or_nothing"]))} if kind == "multiple_response" else {}
    return {**draw(common(kind)), "options": options, "shuffle": draw(st.booleans()), **extra}


@st.composite
def matching(draw) -> dict:
    choice_ids = draw(st.lists(IDS, min_size=2, max_size=5, unique=True))
    item_ids = draw(st.lists(IDS, min_size=2, max_size=6, unique=True))
    items = []
    for item_id in item_ids:
        item = {"id": item_id, "text": draw(LINE), "answer": draw(st.sampled_from(choice_ids))}
        items.append({**item, "feedback": draw(TEXT)} if draw(st.booleans()) else item)
    choices = [{"id": c, "text": draw(LINE)} for c in choice_ids]  # a choice no item uses is a distractor
    return {**draw(common("matching")), "items": items, "choices": choices, "shuffle": draw(st.booleans())}


@st.composite
def ordering(draw) -> dict:
    item_ids = draw(st.lists(IDS, min_size=2, max_size=12, unique=True))
    return {**draw(common("ordering")), "items": [{"id": i, "text": draw(LINE)} for i in item_ids]}


@st.composite
def short_answer(draw) -> dict:
    texts = draw(st.lists(LINE.filter(lambda t: t.replace("*", "").strip()), min_size=1, max_size=4))
    answers = [{"text": t, "credit": draw(CREDITS), **({"feedback": draw(TEXT)} if draw(st.booleans()) else {})} for t in texts]
    answers[draw(st.integers(0, len(answers) - 1))]["credit"] = 1.0
    before, after = draw(st.sampled_from([("", ""), ("*", ""), ("", " *"), ("a*", "*")]))  # wildcards
    answers[0]["text"] = before + answers[0]["text"] + after
    return {**draw(common("short_answer")), "answers": answers, "wrong_feedback": draw(TEXT)}


@st.composite
def band(draw) -> dict:
    if draw(st.booleans()):
        shape = {"value": draw(NUMBERS), "tolerance": draw(st.sampled_from([0.0, 0.5, 2.0]) | st.floats(0, 100, allow_nan=False))}
    else:
        low, high = sorted([draw(NUMBERS), draw(NUMBERS)])
        shape = {"min": low, "max": high}
    return {**shape, "credit": draw(CREDITS), **({"feedback": draw(TEXT)} if draw(st.booleans()) else {})}


@st.composite
def numeric(draw) -> dict:
    answers = draw(st.lists(band(), min_size=1, max_size=4))
    answers[0]["credit"] = 1.0
    return {**draw(common("numeric")), "answers": answers, "unit": draw(st.none() | LINE), "wrong_feedback": draw(TEXT)}


@st.composite
def true_false(draw) -> dict:
    return {**draw(common("true_false")), "answer": draw(st.booleans()), "feedback_true": draw(TEXT), "feedback_false": draw(TEXT)}


QUESTIONS = st.one_of(
    choice("single_choice"), choice("multiple_response"), true_false(), matching(), ordering(), short_answer(), numeric()
).map(QUESTION_ADAPTER.validate_python)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    lessons, bank = write_course(tmp_path_factory.mktemp("course"))
    return load_course(lessons_dir=lessons, bank_dir=bank)


def round_trip(questions: list[QuestionBase], course: Course) -> list[QuestionBase]:
    exported = write(questions, MediaStore(None))
    parsed = parse(exported.content.decode("utf-8"), MediaStore(None))
    report = build(parsed, Format.GIFT, ImportOptions(lesson="goals"), course, existing={}, used_ids=())
    assert report.skipped == []
    assert report.warnings == []
    return [q.model_copy(update={"status": original.status}) for q, original in zip(report.questions, questions, strict=True)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(QUESTIONS, min_size=1, max_size=3, unique_by=lambda q: q.id))
def test_any_questions_come_back_equal(course: Course, questions: list[QuestionBase]) -> None:
    assert round_trip(questions, course) == questions


def test_the_shipped_bank_comes_back_equal_with_nothing_to_report() -> None:
    shipped = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    assert shipped.problems == []
    exported = export(shipped.questions, Format.GIFT)
    report = read(exported.content, ImportOptions(lesson=shipped.lessons[0].id), shipped, fmt=Format.GIFT, existing={}, used_ids=())
    assert report.skipped == []
    assert report.warnings == []
    back = [q.model_copy(update={"status": o.status}) for q, o in zip(report.questions, shipped.questions, strict=True)]
    assert back == shipped.questions


def test_a_file_of_two_lessons_round_trips_through_read(course: Course) -> None:
    """Through the public ``read``: the format is detected and ``$CATEGORY`` lines do not disturb our lessons."""
    originals = list(course.questions)
    exported = export(originals, Format.GIFT)
    report = read(exported.content, ImportOptions(lesson="goals"), course, existing={}, used_ids=())
    assert report.format is Format.GIFT
    assert [q.model_copy(update={"status": o.status}) for q, o in zip(report.questions, originals, strict=True)] == originals
    assert {q.lesson for q in report.questions} == {"goals", "techniques"}


GIFT_TOKENS = st.sampled_from(
    [
        "::", "::t::", "{", "}", "~", "=", "#", "####", "->", "%50%", "%-100%", "%x%", "\\", "\\n", "\n", "\n\n", " ", "a", "1", "3:2",
        "1..2", "..", "T", "TRUE", "FALSE", "[html]", "[plain]", "[markdown]", "[moodle]", "<b>", "</b>", "<script>", "$CATEGORY: x/goals",
        "// c", "// learning: ", '{"id":"x"}', '{"options":[{"id":"a"}],"exact":{"options.0.weight":[0.3,0.5]}}',
        '{"type":"ordering","items":[1]}',
        '{"items":[{"id":"i"}],"choices":["c"],"distractors":[]}', '{"exact":{"prompt":"x","answers.x.credit":[1,1]}}', "*", "1:SA:",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(GIFT_TOKENS, max_size=40).map("".join))
def test_any_text_is_read_or_reported_never_crashes(course: Course, text: str) -> None:
    parsed = parse(text, MediaStore(None))
    report = build(parsed, Format.GIFT, ImportOptions(lesson="goals"), course, existing={}, used_ids=())
    assert report.imported + len(report.skipped) == len(parsed.drafts) + len(parsed.skipped)
