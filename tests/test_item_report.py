"""What an instructor reads from an item analysis: figures with meanings, rows, the default quiz,
and a question's figures averaged over the quizzes that used it."""

from __future__ import annotations

import pytest

from learning.item_report import (
    QUESTION_COLUMNS,
    across_quizzes,
    default_quiz,
    first_words,
    question_rows,
    quiz_figures,
    which_words,
)
from learning.questions import QUESTION_ADAPTER
from learning.quiz import GradingMethod, QuizSpec, WhichAttempts
from learning.statistics import Marks, flags, item_analysis, option_analysis
from learning.store import QuestionReport, StatisticsReport
from tests.conftest import question


def _report(columns: dict[str, list[float]], *, quiz_id: str = "quiz", options=None) -> StatisticsReport:
    """A report of one attempt per row of ``columns`` (each question worth 1 mark)."""
    rows = [
        (attempt, qid, position, float(mark), 1.0)
        for position, (qid, marks) in enumerate(columns.items())
        for attempt, mark in enumerate(marks)
    ]
    analysis = item_analysis(Marks.of(rows))
    options = options or {}
    questions = {
        figures.question_id: QuestionReport(
            question_id=figures.question_id,
            question=None,
            flags=flags(figures, options.get(figures.question_id)),
            options=options.get(figures.question_id),
        )
        for figures in analysis.questions
    }
    learners = len(next(iter(columns.values())))
    return StatisticsReport(
        quiz_id=quiz_id, cohort_id=None, which=WhichAttempts.ALL, learners=learners, analysis=analysis, questions=questions
    )


def test_quiz_figures_give_mean_median_and_spread_as_a_share_of_the_most_an_attempt_earns() -> None:
    report = _report({"q1": [1, 1, 0, 0], "q2": [1, 0, 1, 0]})  # totals 2, 1, 1, 0 out of 2
    figures = {f.name: f for f in quiz_figures(report.analysis.quiz)}
    assert list(figures) == [
        "Attempts",
        "Mean",
        "Median",
        "Standard deviation",
        "Skewness",
        "Kurtosis",
        "Internal consistency",
        "Error ratio",
        "Standard error",
    ]
    assert (figures["Mean"].value, figures["Mean"].shown) == (50.0, "50.0%")
    assert figures["Median"].value == 50.0
    assert figures["Standard deviation"].value == pytest.approx(100 * report.analysis.quiz.sd / 2)
    assert "too few to trust" in figures["Attempts"].meaning
    assert all(f.meaning.endswith(".") for f in figures.values())
    assert figures["Internal consistency"].shown == f"{report.analysis.quiz.cic:.1f}%"


def test_a_figure_that_cannot_be_computed_shows_a_dash() -> None:
    report = _report({"q1": [1], "q2": [0]})
    figures = {f.name: f.shown for f in quiz_figures(report.analysis.quiz)}
    assert figures["Standard deviation"] == figures["Internal consistency"] == "–"


def test_question_rows_follow_the_bank_order_and_show_percentages() -> None:
    report = _report({"b": [1, 1, 0, 0], "a": [1, 0, 1, 0]})
    rows = question_rows(report, order=["b", "a"])
    assert [r["id"] for r in rows] == ["b", "a"] and [r["number"] for r in rows] == [1, 2]
    assert list(rows[0]) == list(QUESTION_COLUMNS)
    assert rows[0]["facility %"] == 50.0 and rows[0]["intended weight %"] == 50.0
    assert rows[0]["prompt"] == "(no longer in the bank)"
    assert "too few to trust" in rows[0]["flags"]
    assert [r["id"] for r in question_rows(report)] == ["a", "b"]  # without an order, by id


def test_first_words() -> None:
    assert first_words("One  two\nthree", 8) == "One two three"
    assert first_words("a b c d", 2) == "a b …"


def _spec(quiz_id: str, kind: str = "practice") -> QuizSpec:
    return QuizSpec.model_validate({"id": quiz_id, "title": quiz_id, "kind": kind})


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ({"final", "unit"}, "final"),  # the final exam when it has attempts
        ({"unit"}, "unit"),  # else the first quiz that has any
        (set(), "final"),  # else the final exam
    ],
)
def test_the_page_opens_on_the_final_exam_or_the_first_quiz_taken(taken, expected) -> None:
    quizzes = [_spec("practice"), _spec("unit", "unit_test"), _spec("final", "final_exam")]
    assert default_quiz(quizzes, taken) == expected


def test_without_a_final_exam_the_first_quiz_and_without_quizzes_none() -> None:
    assert default_quiz([_spec("one"), _spec("two")], set()) == "one"
    assert default_quiz([], set()) is None


@pytest.mark.parametrize(
    ("which", "method", "words"),
    [
        (None, GradingMethod.HIGHEST, "Highest attempt (what the grade counts)"),
        (None, GradingMethod.AVERAGE, "Every attempt (the grade averages them)"),
        (WhichAttempts.FIRST, GradingMethod.HIGHEST, "First attempt"),
        (WhichAttempts.ALL, GradingMethod.LAST, "Every attempt"),
    ],
)
def test_which_attempts_in_words(which, method, words) -> None:
    assert which_words(which, method) == words


def test_a_questions_figures_are_averaged_over_the_quizzes_that_used_it_weighted_by_attempts() -> None:
    first = _report({"shared": [1, 1, 0, 0], "only-first": [1, 0, 1, 0]}, quiz_id="one")
    second = _report({"shared": [1, 1, 1, 1, 1, 0], "other": [1, 1, 1, 0, 0, 0]}, quiz_id="two")
    averaged = across_quizzes([first, second])
    assert set(averaged) == {"shared", "only-first", "other"}
    shared = averaged["shared"]
    assert (shared.quizzes, shared.attempts) == (2, 10)
    f1, f2 = (next(q for q in r.analysis.questions if q.question_id == "shared") for r in (first, second))
    assert shared.facility == pytest.approx((4 * f1.facility + 6 * f2.facility) / 10)
    assert shared.facility == pytest.approx(0.7)
    di = (4 * f1.discrimination_index + 6 * f2.discrimination_index) / 10
    assert shared.discrimination_index == pytest.approx(di)
    assert any("too few to trust" in f for f in shared.flags)  # 10 attempts in all
    assert averaged["only-first"].quizzes == 1


def test_a_quiz_where_nobody_could_spread_does_not_pull_the_average() -> None:
    spread = _report({"q": [1, 0, 1, 0], "r": [1, 0, 0, 1]}, quiz_id="one")
    flat = _report({"q": [1, 1], "r": [1, 0]}, quiz_id="two")  # everyone right on q: no discrimination index
    averaged = across_quizzes([spread, flat])["q"]
    alone = next(f for f in spread.analysis.questions if f.question_id == "q")
    assert averaged.discrimination_index == pytest.approx(alone.discrimination_index)
    assert averaged.facility == pytest.approx((4 * 0.5 + 2 * 1.0) / 6)


def test_the_wrong_options_flags_of_every_quiz_are_kept() -> None:
    q = QUESTION_ADAPTER.validate_python(question("single_choice"))
    wrong = next(o for o in q.options if not o.correct)
    right = next(o for o in q.options if o.correct)
    responses = [({"option": wrong.id}, 3.0), ({"option": wrong.id}, 2.0), ({"option": right.id}, 1.0), ({"option": right.id}, 0.0)]
    options = option_analysis(q, responses)
    report = _report({q.id: [0, 0, 1, 1], "other": [1, 1, 0, 0]}, options={q.id: options})
    found = across_quizzes([report, _report({q.id: [1, 0]}, quiz_id="two")])[q.id].flags
    assert any(f'"{wrong.text}" is chosen more by stronger learners' in f for f in found), found
    assert len(found) == len(set(found))
