"""What an instructor reads from an item analysis: the quiz's figures each with a line on what it
means, one row per question (for the page, the command line and its CSV), a question's options
as rows, the quiz a page opens on, and a question's figures averaged over every quiz that used it
(the question bank's columns).

The figures are :mod:`learning.statistics`'; the report holding them is the store's
(:class:`learning.store.statistics.StatisticsReport`). Nothing here reads the database. The
guidance in the meanings is Moodle's ("Quiz report statistics" in Moodle's documentation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from learning import render
from learning.questions import dump_question
from learning.quiz import GradingMethod, QuizKind, QuizSpec, WhichAttempts
from learning.statistics import FEW_ATTEMPTS, OptionAnalysis, OptionFigure, QuestionStatistics, QuizStatistics, flags, option_flags

if TYPE_CHECKING:
    from learning.store.statistics import StatisticsReport

PROMPT_WORDS = 8

QUESTION_COLUMNS = (
    "number",
    "id",
    "type",
    "prompt",
    "attempts",
    "facility %",
    "sd %",
    "random guess %",
    "intended weight %",
    "effective weight %",
    "discrimination index",
    "discriminative efficiency",
    "flags",
)
"""The columns of :func:`question_rows`, in the order shown."""


@dataclass(frozen=True)
class QuizFigure:
    """One figure of the whole quiz: its name, its value as shown, and what it means."""

    name: str
    value: float | None
    shown: str
    meaning: str


def _number(value: float | None, *, digits: int = 2, unit: str = "") -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def quiz_figures(quiz: QuizStatistics) -> list[QuizFigure]:
    """The quiz's figures in the order Moodle shows them; mean, median and spread as % of the most
    an attempt could earn, so quizzes of different lengths read alike."""

    def percent(value: float | None) -> float | None:
        return None if value is None or not quiz.max_total else 100 * value / quiz.max_total

    mean, median, sd = percent(quiz.mean), percent(quiz.median), percent(quiz.sd)
    standard_error = percent(quiz.standard_error)
    few = f"; under {FEW_ATTEMPTS} the figures are too few to trust" if quiz.attempts < FEW_ATTEMPTS else ""
    return [
        QuizFigure("Attempts", quiz.attempts, str(quiz.attempts), f"How many attempts the figures come from{few}."),
        QuizFigure(
            "Mean", mean, _number(mean, digits=1, unit="%"), "The average score. A test that sorts learners out aims for 50% to 75%."
        ),
        QuizFigure("Median", median, _number(median, digits=1, unit="%"), "Half the attempts scored less than this."),
        QuizFigure(
            "Standard deviation",
            sd,
            _number(sd, digits=1, unit="%"),
            "How spread out the scores are; 12% to 18% is the aim, less means the scores bunch together.",
        ),
        QuizFigure(
            "Skewness",
            quiz.skewness,
            _number(quiz.skewness),
            "Which way the scores lean: below 0 a tail of low scores, above 0 a tail of high ones; about −1 is the aim.",
        ),
        QuizFigure(
            "Kurtosis",
            quiz.kurtosis,
            _number(quiz.kurtosis),
            "How peaked the scores are: 0 is a bell curve; above 1, the test hardly separates the best and weakest from the rest.",
        ),
        QuizFigure(
            "Internal consistency",
            quiz.cic,
            _number(quiz.cic, digits=1, unit="%"),
            "Whether the questions measure the same thing (Cronbach's alpha): above 75% is good for a classroom test, "
            "below 64% the test needs work.",
        ),
        QuizFigure(
            "Error ratio",
            quiz.error_ratio,
            _number(quiz.error_ratio, digits=1, unit="%"),
            "How much of the spread in scores is chance rather than what learners know; above 50% is too much.",
        ),
        QuizFigure(
            "Standard error",
            standard_error,
            _number(standard_error, digits=1, unit="%"),
            "How far a score may be from the learner's true level by chance; two scores closer than twice this are not really different.",
        ),
    ]


def first_words(text: str, words: int = PROMPT_WORDS) -> str:
    """The first words of a prompt, as the question table shows it (see :func:`learning.render.first_words`)."""
    return render.first_words(text, words)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def question_order(report: StatisticsReport, order: Sequence[str] = ()) -> list[QuestionStatistics]:
    """The report's questions in ``order`` (the bank's), any others after them by id."""
    place = {question_id: n for n, question_id in enumerate(order)}
    return sorted(report.analysis.questions, key=lambda q: (place.get(q.question_id, len(place)), q.question_id))


def question_rows(report: StatisticsReport, *, order: Sequence[str] = ()) -> list[dict[str, object]]:
    """One row per question of the report, columns :data:`QUESTION_COLUMNS`: figures as Moodle
    shows them (facility, spread, guess and weights in %; discrimination and efficiency as 0 to
    100), numbered in ``order`` (the bank's), the flags joined by semicolons."""
    rows: list[dict[str, object]] = []
    for number, figures in enumerate(question_order(report, order), start=1):
        found = report.questions.get(figures.question_id)
        question = found.question if found else None
        rows.append(
            {
                "number": number,
                "id": figures.question_id,
                "type": question.type.replace("_", " ") if question else "",
                "prompt": first_words(question.prompt) if question else "(no longer in the bank)",
                "attempts": figures.attempts,
                "facility %": _percent(figures.facility),
                "sd %": _percent(figures.sd),
                "random guess %": _percent(figures.random_guess),
                "intended weight %": _one_decimal(figures.intended_weight),
                "effective weight %": _one_decimal(figures.effective_weight),
                "discrimination index": _one_decimal(figures.discrimination_index),
                "discriminative efficiency": _one_decimal(figures.discriminative_efficiency),
                "flags": "; ".join(found.flags) if found else "",
            }
        )
    return rows


def option_lines(options: OptionAnalysis) -> list[tuple[OptionFigure, str]]:
    """Each option (or accepted answer, or band) with its figures in words: how many chose it,
    their share and the point-biserial correlation with the rest of the attempt."""
    lines = []
    for option in options.options:
        correlation = "no point-biserial" if option.point_biserial is None else f"point-biserial {option.point_biserial:+.2f}"
        lines.append((option, f"chosen by {option.count} ({option.share:.0%}) · {correlation}"))
    return lines


def placement_rows(options: OptionAnalysis, *, items: Mapping[str, str], choices: Mapping[str, str]) -> list[dict[str, object]]:
    """For a matching question, one row per item with how many placed it on each choice (the
    texts from ``items`` and ``choices``, by id)."""
    return [
        {"item": items.get(item_id, item_id), **{text: placed.get(choice_id, 0) for choice_id, text in choices.items()}}
        for item_id, placed in options.placements.items()
    ]


def report_json(report: StatisticsReport) -> dict[str, Any]:
    """The whole report as JSON data, each question as its bank file has it (None when it is no
    longer in the bank and no copy was kept)."""
    data = report.model_dump(mode="json", exclude={"questions": {"__all__": {"question"}}})
    for question_id, found in report.questions.items():
        data["questions"][question_id]["question"] = dump_question(found.question) if found.question else None
    return data


# --- which quiz and which attempts -----------------------------------------------------------


def default_quiz(quizzes: Sequence[QuizSpec], taken: Collection[str]) -> str | None:
    """The quiz the statistics page opens on: the final exam when it has attempts, else the
    first quiz that has any, else the final exam, else the first quiz."""
    exams = [q.id for q in quizzes if q.kind is QuizKind.FINAL_EXAM]
    with_attempts = [q.id for q in quizzes if q.id in taken]
    for choice in ([e for e in exams if e in taken], with_attempts, exams, [q.id for q in quizzes]):
        if choice:
            return choice[0]
    return None


def which_words(which: WhichAttempts | None, method: GradingMethod) -> str:
    """How a choice of attempts reads, short enough for a select on a phone (None: the ones the
    quiz's grading method counts)."""
    if which is None:
        counted = WhichAttempts.counted_by(method)
        if counted is WhichAttempts.ALL:
            return "Every attempt (the grade averages them)"
        return f"{counted.value.capitalize()} attempt (what the grade counts)"
    return "Every attempt" if which is WhichAttempts.ALL else f"{which.value.capitalize()} attempt"


# --- across quizzes: the question bank's columns -------------------------------------------


class AcrossQuizzes(BaseModel):
    """A question's figures averaged over every quiz that used it, weighted by attempts."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    quizzes: int
    attempts: int
    facility: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    flags: list[str]


def _weighted(pairs: list[tuple[float | None, int]]) -> float | None:
    known = [(value, weight) for value, weight in pairs if value is not None and weight > 0]
    total = sum(weight for _, weight in known)
    return sum(value * weight for value, weight in known) / total if total else None


def across_quizzes(reports: Iterable[StatisticsReport]) -> dict[str, AcrossQuizzes]:
    """Each question's facility, discrimination index and efficiency averaged over the quizzes
    that drew it, each quiz weighing as many attempts as it has, with the flags those averages
    raise and every quiz's flags about its wrong options.

    A question drawn by no attempt is left out: it has no figures yet.
    """
    seen: dict[str, list[tuple[QuestionStatistics, OptionAnalysis | None]]] = defaultdict(list)
    for report in reports:
        for figures in report.analysis.questions:
            if figures.attempts:
                found = report.questions.get(figures.question_id)
                seen[figures.question_id].append((figures, found.options if found else None))
    averaged: dict[str, AcrossQuizzes] = {}
    for question_id, uses in sorted(seen.items()):
        attempts = sum(f.attempts for f, _ in uses)
        mean = QuestionStatistics(
            question_id=question_id,
            attempts=attempts,
            facility=_weighted([(f.facility, f.attempts) for f, _ in uses]),
            sd=None,
            random_guess=None,
            intended_weight=None,
            effective_weight=None,
            discrimination_index=_weighted([(f.discrimination_index, f.attempts) for f, _ in uses]),
            discriminative_efficiency=_weighted([(f.discriminative_efficiency, f.attempts) for f, _ in uses]),
            negative_covariance=any(f.negative_covariance for f, _ in uses),
        )
        worded = flags(mean) + [flag for _, options in uses for flag in option_flags(options)]
        averaged[question_id] = AcrossQuizzes(
            question_id=question_id,
            quizzes=len(uses),
            attempts=attempts,
            facility=mean.facility,
            discrimination_index=mean.discrimination_index,
            discriminative_efficiency=mean.discriminative_efficiency,
            flags=list(dict.fromkeys(worded)),
        )
    return averaged
