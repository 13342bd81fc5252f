"""Properties that hold for every question and response hypothesis can think of."""

from __future__ import annotations

from difflib import SequenceMatcher

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from learning import grade, parse_response
from learning.bank import load_bank, render_bank
from learning.grading import correct_response
from learning.questions import QUESTION_ADAPTER, dump_question
from tests.conftest import question

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(lambda s: s.strip())
ids = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)
common = {
    "prompt": text,
    "explanation": text,
    "points": st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    "critical": st.booleans(),
    "difficulty": st.sampled_from(["easy", "medium", "hard"]),
    "status": st.sampled_from(["active", "draft", "retired"]),
}


@st.composite
def choice_questions(draw, kind: str) -> dict:
    option_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    if kind == "single_choice":
        right = {draw(st.sampled_from(option_ids))}
    else:
        right = set(draw(st.lists(st.sampled_from(option_ids), min_size=1, unique=True)))
    options = [
        {"id": o, "text": draw(text), "correct": o in right, "feedback": draw(text), "pinned": draw(st.booleans())} for o in option_ids
    ]
    extra = {"scoring": draw(st.sampled_from(["partial", "all_or_nothing"]))} if kind == "multiple_response" else {}
    return question(kind, options=options, **extra, **{k: draw(v) for k, v in common.items()})


@st.composite
def matching_questions(draw) -> dict:
    choice_ids = draw(st.lists(ids, min_size=2, max_size=5, unique=True))
    item_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    items = [{"id": i, "text": draw(text), "answer": draw(st.sampled_from(choice_ids))} for i in item_ids]
    choices = [{"id": c, "text": draw(text)} for c in choice_ids]
    return question("matching", items=items, choices=choices, **{k: draw(v) for k, v in common.items()})


@st.composite
def ordering_questions(draw) -> dict:
    item_ids = draw(st.lists(ids, min_size=2, max_size=7, unique=True))
    return question("ordering", items=[{"id": i, "text": draw(text)} for i in item_ids], **{k: draw(v) for k, v in common.items()})


@st.composite
def short_answer_questions(draw) -> dict:
    answers = [{"text": draw(text), "credit": 1.0}, {"text": draw(text), "credit": draw(st.sampled_from([0.25, 0.5]))}]
    answers = [a for a in answers if a["text"].replace("*", "").strip()] or [{"text": "answer", "credit": 1.0}]
    answers[0]["credit"] = 1.0
    return question("short_answer", answers=answers, wrong_feedback=draw(text), **{k: draw(v) for k, v in common.items()})


@st.composite
def numeric_questions(draw) -> dict:
    value = draw(st.integers(-1000, 1000))
    tolerance = draw(st.sampled_from([0, 1, 5]))
    return question(
        "numeric",
        answers=[{"value": value, "tolerance": tolerance, "credit": 1.0}, {"min": value - 50, "max": value + 50, "credit": 0.5}],
        **{k: draw(v) for k, v in common.items()},
    )


questions = st.one_of(
    choice_questions("single_choice"),
    choice_questions("multiple_response"),
    st.builds(lambda a, p: question("true_false", answer=a, prompt=p), st.booleans(), text),
    matching_questions(),
    ordering_questions(),
    short_answer_questions(),
    numeric_questions(),
).map(QUESTION_ADAPTER.validate_python)


@st.composite
def question_and_response(draw):
    q = draw(questions)
    match q.type:
        case "single_choice":
            data = {"option": draw(st.sampled_from([o.id for o in q.options]))}
        case "multiple_response":
            data = {"options": draw(st.lists(st.sampled_from([o.id for o in q.options]), unique=True))}
        case "true_false":
            data = {"value": draw(st.booleans())}
        case "matching":
            placements = draw(st.dictionaries(st.sampled_from([i.id for i in q.items]), st.sampled_from([c.id for c in q.choices])))
            data = {"placements": placements}
        case "ordering":
            data = {"order": draw(st.permutations([i.id for i in q.items]))}
        case "short_answer":
            data = {"text": draw(st.one_of(text, st.sampled_from([a.text for a in q.answers])))}
        case _:
            data = {"value": draw(st.floats(-2000, 2000, allow_nan=False))}
    return q, parse_response(q, {"type": q.type, **data})


@given(question_and_response())
def test_any_grade_is_within_zero_and_one(pair) -> None:
    q, response = pair
    result = grade(q, response)
    assert 0.0 <= result.score <= 1.0
    assert 0.0 <= result.points <= q.points
    assert result.correct == (result.score == 1.0)


@given(questions)
def test_the_correct_answer_scores_one(q) -> None:
    assert grade(q, correct_response(q)).score == 1.0


@given(question_and_response(), st.randoms(use_true_random=False))
def test_display_order_never_changes_a_grade(pair, rng) -> None:
    q, response = pair
    if q.type in ("single_choice", "multiple_response"):
        shown = list(q.options)
        rng.shuffle(shown)
        reordered = q.model_copy(update={"options": shown})
    elif q.type == "matching":
        items, choices = list(q.items), list(q.choices)
        rng.shuffle(items)
        rng.shuffle(choices)
        reordered = q.model_copy(update={"items": items, "choices": choices})
    else:
        reordered = q
    assert grade(reordered, response).score == grade(q, response).score


@given(questions)
def test_models_round_trip(q) -> None:
    assert QUESTION_ADAPTER.validate_python(dump_question(q)) == q
    assert QUESTION_ADAPTER.validate_json(QUESTION_ADAPTER.dump_json(q)) == q


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(st.lists(questions, min_size=1, max_size=4, unique_by=lambda q: q.id))
def test_bank_files_round_trip(tmp_path, qs) -> None:
    folder = tmp_path / "quiz_bank"
    folder.mkdir(exist_ok=True)
    text = render_bank(qs)
    (folder / "a.json").write_text(text, encoding="utf-8")
    loaded = load_bank(folder)
    assert loaded.problems == []
    assert loaded.questions == qs
    assert render_bank(loaded.questions) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abc de", max_size=60), st.text(alphabet="abc de", max_size=60))
def test_the_lint_prefilter_never_drops_a_near_duplicate_difflib_would_find(a: str, b: str) -> None:
    """The near-duplicate lint skips pairs whose Indel similarity (rapidfuzz) is under the line;
    that is exact only because difflib's ratio is never above it."""
    assert SequenceMatcher(None, a, b, autojunk=False).ratio() <= Indel.normalized_similarity(a, b) + 1e-9
