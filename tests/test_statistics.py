"""Item analysis against a case worked by hand, a textbook alpha and an independent numpy computation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learning.questions import QUESTION_ADAPTER
from learning.statistics import (
    Marks,
    flags,
    item_analysis,
    option_analysis,
    point_biserial,
    random_guess_score,
)
from tests.conftest import question

# Six learners, four questions (q4 is worth 2 marks), partial credit on q3. Totals: 5, 4.5, 3, 2.5, 1, 0.
HAND = {"q1": [1, 1, 1, 0, 1, 0], "q2": [1, 1, 0, 1, 0, 0], "q3": [1, 0.5, 1, 0.5, 0, 0], "q4": [2, 2, 1, 1, 0, 0]}
MAX = {"q1": 1.0, "q2": 1.0, "q3": 1.0, "q4": 2.0}


def _marks(columns: dict[str, list[float]], maxima: dict[str, float]) -> Marks:
    rows = []
    for position, (qid, marks) in enumerate(columns.items()):
        rows += [(attempt, qid, position, float(mark), maxima[qid]) for attempt, mark in enumerate(marks)]
    return Marks.of(rows)


def test_a_case_worked_by_hand() -> None:
    analysis = item_analysis(_marks(HAND, MAX), guesses={"q1": 0.25})
    by_id = {q.question_id: q for q in analysis.questions}
    q1 = by_id["q1"]
    # q1: x = 1 1 1 0 1 0 (mean 2/3), y = total - x = 4 3.5 2 2.5 0 0 (mean 2).
    # Σdx² = 4/9 + 8/9 = 4/3, so var x = 4/15; Σdy² = 14.5, var y = 2.9; Σdx·dy = 1.5, cov = 0.3.
    # Sorted: x 0 0 1 1 1 1 against y 0 0 2 2.5 3.5 4 gives Σ = 4, covmax = 0.8.
    assert q1.attempts == 6 and q1.random_guess == 0.25
    assert q1.facility == pytest.approx(2 / 3)
    assert q1.sd == pytest.approx(math.sqrt(4 / 15))
    assert q1.discrimination_index == pytest.approx(100 * 0.3 / math.sqrt(4 / 15 * 2.9))  # 34.11
    assert q1.discrimination_index == pytest.approx(34.1144, abs=1e-4)
    assert q1.discriminative_efficiency == pytest.approx(37.5)
    assert q1.intended_weight == pytest.approx(20.0)
    expected = {  # facility, sd, discrimination index, discriminative efficiency, intended weight, effective weight
        "q1": (0.6667, 0.5164, 34.1144, 37.5, 20.0, 19.8741),
        "q2": (0.5, 0.5477, 58.1238, 62.5, 20.0, 23.6140),
        "q3": (0.5, 0.4472, 69.7863, 71.4286, 20.0, 22.0889),
        "q4": (0.5, 0.4472, 93.1589, 100.0, 40.0, 34.4230),
    }
    for qid, (facility, sd, di, de, iw, ew) in expected.items():
        got = by_id[qid]
        assert (got.facility, got.sd, got.discrimination_index) == pytest.approx((facility, sd, di), abs=1e-4), qid
        assert (got.discriminative_efficiency, got.intended_weight, got.effective_weight) == pytest.approx((de, iw, ew), abs=1e-4), qid
        assert not got.negative_covariance
    # Effective weights: 100·√cov(x, total) / Σ√cov; covariances with the total are 17/30, 0.8, 0.7 and 1.7.
    assert sum(q.effective_weight or 0 for q in analysis.questions) == pytest.approx(100)
    assert by_id["q1"].effective_weight == pytest.approx(100 * math.sqrt(17 / 30) / sum(map(math.sqrt, (17 / 30, 0.8, 0.7, 1.7))))

    quiz = analysis.quiz
    # Totals 5, 4.5, 3, 2.5, 1, 0: mean 8/3, median (3 + 2.5) / 2, Σd² = 113/6, sd = √(113/30).
    assert (quiz.attempts, quiz.items, quiz.max_total) == (6, 4, 5.0)
    assert quiz.mean == pytest.approx(8 / 3)
    assert quiz.median == pytest.approx(2.75)
    assert quiz.sd == pytest.approx(math.sqrt(113 / 30))
    assert quiz.skewness == pytest.approx(-0.19265, abs=1e-5)
    assert quiz.kurtosis == pytest.approx(-1.35386, abs=1e-5)
    # Alpha: 4/3 · (1 - (4/15 + 0.3 + 0.2 + 0.8) / (113/30)) = 0.77876.
    assert quiz.cic == pytest.approx(100 * 4 / 3 * (1 - (4 / 15 + 0.3 + 0.2 + 0.8) / (113 / 30)))
    assert quiz.cic == pytest.approx(77.876, abs=1e-3)
    assert quiz.error_ratio == pytest.approx(100 * math.sqrt(1 - quiz.cic / 100))
    assert quiz.standard_error == pytest.approx(quiz.error_ratio * quiz.sd / 100)


def test_alpha_is_the_textbook_cronbach_alpha_and_kr20_for_right_or_wrong_items() -> None:
    rng = np.random.default_rng(7)
    right_or_wrong = (rng.random((30, 8)) < np.linspace(0.2, 0.9, 8)).astype(float)
    right_or_wrong[:10] = 1.0  # some agreement between items, so alpha is not near zero
    analysis = item_analysis(_marks({f"q{i}": list(right_or_wrong[:, i]) for i in range(8)}, {f"q{i}": 1.0 for i in range(8)}))
    k, totals = 8, right_or_wrong.sum(axis=1)
    cronbach = k / (k - 1) * (1 - right_or_wrong.var(axis=0, ddof=1).sum() / totals.var(ddof=1))
    p = right_or_wrong.mean(axis=0)
    kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / totals.var(ddof=0))
    assert analysis.quiz.cic == pytest.approx(100 * cronbach)
    assert analysis.quiz.cic == pytest.approx(100 * kr20)


def test_the_median_of_an_odd_number_of_attempts_is_the_middle_one() -> None:
    analysis = item_analysis(_marks({"q1": [1, 0, 1], "q2": [1, 0, 0]}, {"q1": 1, "q2": 1}))
    assert analysis.quiz.median == 1.0
    assert analysis.quiz.kurtosis is None  # needs four attempts


def test_one_attempt_gives_only_what_one_attempt_can() -> None:
    analysis = item_analysis(_marks({"q1": [1], "q2": [0]}, {"q1": 1, "q2": 1}))
    q1 = analysis.questions[0]
    assert (q1.facility, q1.sd, q1.discrimination_index, q1.effective_weight) == (1.0, None, None, None)
    assert (analysis.quiz.mean, analysis.quiz.sd, analysis.quiz.cic) == (1.0, None, None)


def test_randomly_drawn_questions_use_each_questions_own_attempts_and_positions_for_alpha() -> None:
    # Attempt 0 drew a and b, attempt 1 drew a and c, attempt 2 drew b and c.
    rows = [(0, "a", 0, 1.0, 1.0), (0, "b", 1, 1.0, 1.0), (1, "a", 0, 0.0, 1.0), (1, "c", 1, 1.0, 1.0), (2, "b", 0, 0.0, 1.0)]
    rows.append((2, "c", 1, 0.0, 1.0))
    analysis = item_analysis(Marks.of(rows))
    assert {q.question_id: q.attempts for q in analysis.questions} == {"a": 2, "b": 2, "c": 2}
    assert analysis.quiz.items == 2  # two positions, as Moodle counts randomly drawn questions by slot
    totals = np.array([2.0, 1.0, 0.0])
    positions = np.array([[1.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
    expected = 2 * (1 - positions.var(axis=0, ddof=1).sum() / totals.var(ddof=1))
    assert analysis.quiz.cic == pytest.approx(100 * expected)


def test_no_attempts_give_an_empty_report() -> None:
    analysis = item_analysis(Marks.of([]))
    assert analysis.questions == [] and (analysis.quiz.attempts, analysis.quiz.mean, analysis.quiz.cic) == (0, None, None)


def test_a_question_against_the_total_has_no_effective_weight_and_is_flagged() -> None:
    columns = {"good1": [1, 1, 1, 0, 0, 0], "good2": [1, 1, 0, 1, 0, 0], "bad": [0, 0, 0, 1, 1, 1]}
    analysis = item_analysis(_marks(columns, dict.fromkeys(columns, 1.0)))
    bad = next(q for q in analysis.questions if q.question_id == "bad")
    assert bad.negative_covariance and bad.effective_weight is None
    assert any("against the quiz total" in f for f in flags(bad))


@st.composite
def mark_tables(draw):
    learners = draw(st.integers(3, 12))
    items = draw(st.integers(2, 6))
    maxima = [draw(st.sampled_from([1.0, 2.0, 3.0])) for _ in range(items)]
    credits = st.sampled_from([0.0, 0.25, 0.5, 1.0])
    table = np.array([[draw(credits) * maxima[i] for i in range(items)] for _ in range(learners)])
    return table, maxima


@settings(max_examples=60, deadline=None)
@given(mark_tables())
def test_question_figures_match_an_independent_numpy_computation(data) -> None:
    table, maxima = data
    columns = {f"q{i}": list(table[:, i]) for i in range(table.shape[1])}
    analysis = item_analysis(_marks(columns, {f"q{i}": m for i, m in enumerate(maxima)}))
    totals = table.sum(axis=1)
    for i, figures in enumerate(analysis.questions):
        x, y = table[:, i], totals - table[:, i]
        assert figures.facility == pytest.approx(x.mean() / maxima[i])
        assert figures.sd == pytest.approx(x.std(ddof=1) / maxima[i])
        if x.std() > 0 and y.std() > 0:
            assert figures.discrimination_index == pytest.approx(100 * np.corrcoef(x, y)[0, 1])
            best = np.cov(np.sort(x), np.sort(y))[0, 1]
            assert figures.discriminative_efficiency == pytest.approx(100 * np.cov(x, y)[0, 1] / best)
        else:
            assert figures.discrimination_index is None
        assert figures.negative_covariance == (np.cov(x, totals)[0, 1] < -1e-12)


def test_random_guess_scores_follow_moodle() -> None:
    single = QUESTION_ADAPTER.validate_python(question("single_choice"))
    assert random_guess_score(single) == pytest.approx(1 / len(single.options))
    assert random_guess_score(QUESTION_ADAPTER.validate_python(question("true_false"))) == 0.5
    matching = QUESTION_ADAPTER.validate_python(question("matching"))
    assert random_guess_score(matching) == pytest.approx(1 / len(matching.choices))
    assert random_guess_score(QUESTION_ADAPTER.validate_python(question("multiple_response"))) is None
    assert random_guess_score(QUESTION_ADAPTER.validate_python(question("numeric"))) == 0.0


def test_a_distractor_the_strongest_learners_choose_is_flagged() -> None:
    q = QUESTION_ADAPTER.validate_python(question("single_choice"))
    right = next(o.id for o in q.options if o.correct)
    wrong = [o.id for o in q.options if not o.correct]
    # The three strongest (by the rest of their attempt) chose the first wrong option; the weakest chose the key.
    responses = [({"option": wrong[0]}, 9.0), ({"option": wrong[0]}, 8.0), ({"option": wrong[0]}, 7.0)]
    responses += [({"option": right}, 2.0), ({"option": right}, 1.0), ({"option": right}, 0.0)]
    analysis = option_analysis(q, responses)
    figures = {o.key: o for o in analysis.options}
    assert (figures[wrong[0]].count, figures[right].count) == (3, 3)
    assert figures[wrong[0]].point_biserial == pytest.approx(point_biserial([True] * 3 + [False] * 3, [9, 8, 7, 2, 1, 0]))
    assert figures[wrong[0]].point_biserial > 0.9
    stats = item_analysis(_marks({q.id: [0, 0, 0, 1, 1, 1], "other": [1, 1, 1, 0, 0, 0]}, {q.id: 1.0, "other": 1.0})).questions[0]
    found = flags(stats, analysis)
    assert any("chosen more by stronger learners" in f for f in found), found
    assert any("too few to trust" in f for f in found)
    if len(wrong) > 1:
        assert any("distracts almost no one" in f for f in found)


def test_typed_answers_are_grouped_by_what_they_matched_and_the_rest_listed() -> None:
    q = QUESTION_ADAPTER.validate_python(question("short_answer"))
    accepted = q.answers[0].text.replace("*", "x")
    responses = [({"text": accepted}, 3.0), ({"text": accepted.upper()}, 2.0), ({"text": "something else"}, 1.0)]
    responses.append(({"text": "something else"}, 0.0))
    analysis = option_analysis(q, responses)
    assert analysis.options[0].count == 2
    assert analysis.unmatched == [("something else", 2)]


def test_a_covariance_with_the_total_of_rounding_noise_is_not_against_it() -> None:
    # Found by the property above: q2's covariance with the total is 0, computed as -1.4e-17.
    table = np.array([[0, 0.25, 0.5, 0], [0, 1, 1, 1.5], [1, 0.25, 0.5, 3], [0, 0, 1, 0], [0.25, 1, 1, 1.5]])
    columns = {f"q{i}": list(table[:, i]) for i in range(4)}
    analysis = item_analysis(_marks(columns, {"q0": 1.0, "q1": 1.0, "q2": 1.0, "q3": 3.0}))
    q2 = next(q for q in analysis.questions if q.question_id == "q2")
    assert not q2.negative_covariance and q2.effective_weight == 0.0
