"""Quiz specs, deterministic assembly and the attempt state machine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from learning import Attempt, AttemptStatus, QuizSpec, assemble, load_course, overall_score, parse_response
from learning.errors import AssemblyError, AttemptError
from learning.quiz import AnswerChange, GradingMethod
from tests.conftest import ALL_TYPES, NOW, build


@pytest.fixture
def questions():
    made = [build(kind) for kind in ALL_TYPES]
    made += [build("true_false", id=f"extra-{n}", objectives=["obj-techniques"], critical=n == 0) for n in range(4)]
    return made


def spec(**changes) -> QuizSpec:
    return QuizSpec.model_validate({"id": "quiz", "title": "Quiz", **changes})


def test_assembly_is_deterministic_for_a_seed(questions) -> None:
    quiz = spec(question_count=6)
    assert assemble(quiz, questions, seed=42) == assemble(quiz, questions, seed=42)
    draws = {tuple(d.id for d in assemble(quiz, questions, seed=seed)) for seed in range(20)}
    assert len(draws) > 1


def test_blueprint_is_honoured(questions) -> None:
    quiz = spec(question_count=5, blueprint=[{"objectives": ["obj-techniques"], "count": 3}, {"objectives": ["obj-hours"], "count": 1}])
    for seed in range(25):
        drawn = assemble(quiz, questions, seed=seed)
        assert len(drawn) == 5
        assert sum("obj-techniques" in d.objectives for d in drawn) >= 3
        assert sum("obj-hours" in d.objectives for d in drawn) >= 1
        assert len({d.id for d in drawn}) == 5


def test_blueprint_that_cannot_be_filled(questions) -> None:
    with pytest.raises(AssemblyError, match="asks for 2 questions on hours, but only 1 can be drawn for it"):
        assemble(spec(question_count=4, blueprint=[{"objectives": ["obj-hours"], "count": 2, "label": "hours"}]), questions, seed=1)


def test_count_larger_than_pool(questions) -> None:
    with pytest.raises(AssemblyError, match="needs 50 questions but only 11"):
        assemble(spec(question_count=50), questions, seed=1)


def test_blueprint_larger_than_count_is_invalid() -> None:
    with pytest.raises(ValidationError, match="asks for 5 questions but question_count is 2"):
        spec(question_count=2, blueprint=[{"objectives": ["obj-goals"], "count": 5}])


def test_only_active_questions_and_chosen_lessons(questions) -> None:
    questions[0] = questions[0].model_copy(update={"status": "retired"})
    drawn = assemble(spec(lessons=["goals"]), questions, seed=3)
    assert "sample-single-choice" not in {d.id for d in drawn}
    assert len(drawn) == len(questions) - 1


def test_pools_keep_exam_questions_out_of_practice(questions) -> None:
    exam = [build("true_false", id=f"exam-{n}", pool="exam") for n in range(3)]
    practice = {d.id for d in assemble(spec(), questions + exam, seed=1)}
    assert practice == {q.id for q in questions}
    assert {d.id for d in assemble(spec(pools=["exam"]), questions + exam, seed=1)} == {q.id for q in exam}
    assert len(assemble(spec(pools=["practice", "exam"]), questions + exam, seed=1)) == len(questions) + 3


def test_exclusion_groups_never_share_an_attempt() -> None:
    grouped = [build("true_false", id=f"twin-{n}", exclusion_group="twins") for n in range(3)]
    others = [build("true_false", id=f"other-{n}") for n in range(3)]
    for seed in range(40):
        drawn = [d.id for d in assemble(spec(question_count=4), grouped + others, seed=seed)]
        assert sum(i.startswith("twin") for i in drawn) == 1
    with pytest.raises(AssemblyError, match="needs 5 questions but only 4 can be drawn together"):
        assemble(spec(question_count=5), grouped + others, seed=1)


def test_a_fixed_critical_block_by_tag() -> None:
    """Hand-worked: 3 clot and 2 scope critical questions, 4 plain ones; 2 clot + 1 any critical + 3 plain."""
    bank = [build("true_false", id=f"clot-{n}", critical=True, tags=["safety-clot"]) for n in range(3)]
    bank += [build("true_false", id=f"scope-{n}", critical=True, tags=["safety-scope"]) for n in range(2)]
    bank += [build("true_false", id=f"plain-{n}", objectives=["obj-techniques"]) for n in range(4)]
    quiz = spec(
        question_count=6,
        critical_count=3,
        blueprint=[
            {"tags": ["safety-clot"], "critical": True, "count": 2},
            {"objectives": ["obj-techniques"], "count": 2},
        ],
    )
    for seed in range(60):
        drawn = {d.id: d for d in assemble(quiz, bank, seed=seed)}
        assert sum(d.critical for d in drawn.values()) == 3
        assert sum(i.startswith("clot") for i in drawn) >= 2
        assert sum(i.startswith("plain") for i in drawn) == 3


def test_critical_count_must_fit() -> None:
    with pytest.raises(ValidationError, match="asks for 3 critical questions but critical_count is 2"):
        spec(question_count=5, critical_count=2, blueprint=[{"tags": ["x"], "critical": True, "count": 3}])
    with pytest.raises(ValidationError, match="a blueprint rule needs lessons, objectives, tags or critical"):
        spec(question_count=5, blueprint=[{"count": 1}])
    with pytest.raises(ValidationError, match="critical_count: needs a question_count"):
        spec(critical_count=1)


def test_pinned_options_keep_their_place() -> None:
    options = [{"id": x, "text": x.upper(), "correct": x == "a", "feedback": "f"} for x in "abcd"]
    options[3]["pinned"] = True
    question = build("single_choice", options=options)
    orders = {tuple(assemble(spec(), [question], seed=s)[0].option_order) for s in range(30)}
    assert all(order[3] == "d" for order in orders)
    assert len(orders) > 1


def test_ordering_is_never_shown_in_the_right_order() -> None:
    question = build("ordering")
    for seed in range(50):
        assert assemble(spec(), [question], seed=seed)[0].item_order != ["s1", "s2", "s3", "s4"]


def test_no_shuffle_keeps_bank_order(questions) -> None:
    drawn = assemble(spec(shuffle_questions=False, shuffle_options=False), questions, seed=9)
    assert [d.id for d in drawn] == [q.id for q in questions]
    assert drawn[0].option_order == ["a", "b", "c"]


def respond(question, **data):
    return parse_response(question, {"type": question.type, **data})


def test_practice_attempt_answers_then_scores(questions) -> None:
    by_id = {q.id: q for q in questions}
    attempt = Attempt.start(spec(shuffle_questions=False), questions[:2], seed=1, now=NOW)
    first = by_id[attempt.questions[0].id]
    assert first.id == "sample-single-choice"
    answered = attempt.answer(first, respond(first, option="a"), now=NOW)
    assert answered.change is AnswerChange.SAVED and answered.answer.grade.correct
    attempt = answered.attempt
    again = attempt.answer(first, respond(first, option="a"), now=NOW + timedelta(seconds=1))  # a double click
    assert (again.attempt, again.change, again.answer) == (attempt, AnswerChange.UNCHANGED, answered.answer)
    with pytest.raises(AttemptError) as raised:
        attempt.answer(first, respond(first, option="b"), now=NOW)
    assert raised.value.reason == "answered"
    result = attempt.submit(now=NOW).result(pass_mark=0.5, critical_gates_pass=False)
    assert (result.score, result.passed, result.unanswered) == (0.5, True, ["sample-multiple-response"])


def test_exam_answers_can_change_until_submitted(questions) -> None:
    quiz = spec(feedback_mode="exam", shuffle_questions=False)
    attempt = Attempt.start(quiz, questions[:1], seed=1, now=NOW)
    question = questions[0]
    attempt = attempt.answer(question, respond(question, option="b"), now=NOW).attempt
    attempt = attempt.answer(question, respond(question, option="a"), now=NOW + timedelta(seconds=5)).attempt
    submitted = attempt.submit(now=NOW + timedelta(minutes=1))
    assert submitted.status is AttemptStatus.SUBMITTED
    assert submitted.submit(now=NOW + timedelta(hours=1)) == submitted
    assert submitted.result(pass_mark=0.8, critical_gates_pass=True).score == 1.0
    with pytest.raises(AttemptError) as raised:
        submitted.answer(question, respond(question, option="b"), now=NOW)
    assert raised.value.reason == "submitted"


def test_time_limit(questions) -> None:
    quiz = spec(feedback_mode="exam", time_limit_minutes=10, question_count=2)
    attempt = Attempt.start(quiz, questions, seed=5, now=NOW)
    assert attempt.deadline == NOW + timedelta(minutes=10)
    assert attempt.time_left(NOW + timedelta(minutes=4)) == timedelta(minutes=6)
    late = NOW + timedelta(minutes=10, seconds=1)
    question = next(q for q in questions if q.id == attempt.questions[0].id)
    response = parse_response(question, {"type": question.type, **_right(question)})
    late_answer = attempt.answer(question, response, now=late)
    assert late_answer.change is AnswerChange.TIME_UP and late_answer.answer is None
    assert late_answer.attempt.status is AttemptStatus.SUBMITTED and late_answer.attempt.answers == {}
    assert late_answer.attempt.submitted_at == attempt.deadline
    assert attempt.submit(now=late + timedelta(hours=2)).submitted_at == attempt.deadline


def test_a_clock_stepped_back_gives_no_time_back(questions) -> None:
    """The server clock is trusted, but the attempt's time never goes backwards: not before its
    start, its latest answer or its submission."""
    quiz = spec(feedback_mode="exam", time_limit_minutes=60, question_count=2, shuffle_questions=False)
    attempt = Attempt.start(quiz, questions, seed=5, now=NOW)
    first, second = (next(q for q in questions if q.id == d.id) for d in attempt.questions)
    assert attempt.time_left(NOW - timedelta(hours=2)) == timedelta(minutes=60), "never more than the time limit"
    assert attempt.submit(now=NOW - timedelta(hours=3)).submitted_at == NOW, "never submitted before it started"
    at_50 = NOW + timedelta(minutes=50)
    attempt = attempt.answer(first, respond(first, **_right(first)), now=at_50).attempt
    behind = at_50 - timedelta(hours=2)  # the clock steps back two hours
    assert attempt.clock(behind) == at_50
    assert attempt.time_left(behind) == timedelta(minutes=10)
    answered = attempt.answer(second, respond(second, **_right(second)), now=behind)
    assert answered.answer.answered_at == at_50, "no answer is dated before one already given"
    assert answered.attempt.submit(now=behind).submitted_at == at_50
    assert attempt.answer(second, respond(second, **_right(second)), now=NOW + timedelta(minutes=61)).change is AnswerChange.TIME_UP


def _right(question) -> dict:
    return {
        "single_choice": {"option": "a"},
        "multiple_response": {"options": ["a", "b"]},
        "true_false": {"value": getattr(question, "answer", True)},
        "matching": {"placements": {"i1": "mmt", "i2": "mt", "i3": "both", "i4": "mmt"}},
        "ordering": {"order": ["s1", "s2", "s3", "s4"]},
        "short_answer": {"text": "deep transverse friction"},
        "numeric": {"value": 500},
    }[question.type]


def test_a_wrong_critical_item_fails_the_attempt(questions) -> None:
    quiz = spec(lessons=[], objectives=["obj-techniques"], shuffle_questions=False, feedback_mode="exam")
    attempt = Attempt.start(quiz, questions, seed=0, now=NOW)
    by_id = {q.id: q for q in questions}
    for drawn in attempt.questions:
        question = by_id[drawn.id]
        value = not question.answer if question.critical else question.answer
        attempt = attempt.answer(question, respond(question, value=value), now=NOW).attempt
    gated = attempt.submit(now=NOW).result(pass_mark=0.7, critical_gates_pass=True)
    assert (gated.score, gated.passed, gated.failed_critical) == (0.75, False, ["extra-0"])
    assert "critical question on safety or scope of practice was not answered correctly" in gated.reason
    ungated = attempt.submit(now=NOW).result(pass_mark=0.7, critical_gates_pass=False)
    assert ungated.passed


def test_per_objective_breakdown(questions) -> None:
    attempt = Attempt.start(spec(shuffle_questions=False), questions, seed=0, now=NOW)
    numeric = next(q for q in questions if q.type == "numeric")
    attempt = attempt.answer(numeric, respond(numeric, value=500), now=NOW).attempt
    result = attempt.submit(now=NOW).result(pass_mark=0.8, critical_gates_pass=False)
    hours = next(o for o in result.by_objective if o.objective == "obj-hours")
    assert (hours.points, hours.max_points, hours.fraction) == (1.0, 1.0, 1.0)
    assert {o.objective for o in result.by_objective} == {"obj-goals", "obj-hours", "obj-techniques"}


def test_answering_a_question_not_drawn_or_of_another_version(questions) -> None:
    attempt = Attempt.start(spec(lessons=["goals"], objectives=["obj-hours"]), questions, seed=0, now=NOW)
    other = questions[0]
    with pytest.raises(AttemptError) as raised:
        attempt.answer(other, respond(other, option="a"), now=NOW)
    assert raised.value.reason == "not_drawn"
    numeric = next(q for q in questions if q.type == "numeric").model_copy(update={"version": 2})
    with pytest.raises(AttemptError) as raised:
        attempt.answer(numeric, respond(numeric, value=500), now=NOW)
    assert raised.value.reason == "version"


def test_times_must_be_timezone_aware(questions) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Attempt.start(spec(), questions, seed=0, now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("method", "expected"),
    [(GradingMethod.HIGHEST, 0.9), (GradingMethod.LAST, 0.6), (GradingMethod.FIRST, 0.5), (GradingMethod.AVERAGE, 2.0 / 3)],
)
def test_grading_methods(method: GradingMethod, expected: float) -> None:
    assert overall_score([0.5, 0.9, 0.6], method) == pytest.approx(expected)
    assert overall_score([], method) is None


def test_attempt_round_trips_through_json(questions) -> None:
    attempt = Attempt.start(spec(question_count=3), questions, seed="abc", now=NOW)
    question = next(q for q in questions if q.id == attempt.questions[0].id)
    attempt = attempt.answer(question, respond(question, **_right(question)), now=NOW).attempt
    assert Attempt.model_validate_json(attempt.model_dump_json()) == attempt


def test_sample_quiz_spec_loads(course_dirs) -> None:
    lessons, bank = course_dirs
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert [q.id for q in course.quizzes] == ["goals-practice"]
