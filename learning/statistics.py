"""Item analysis: how each question and the whole quiz performed, by Moodle's definitions.

The figures follow Moodle's quiz statistics report exactly (``question/classes/statistics/
questions/calculator.php`` for the questions, ``mod/quiz/report/statistics/classes/calculator.php``
for the quiz, as documented in "Quiz statistics calculations" on Moodle's developer docs), so a
teacher who reads Moodle's report can read this one. For each question, ``x`` is the mark on the
question (its points times the credit earned; an unanswered question earns 0) and ``y`` the rest
of the attempt's marks (the attempt's total minus ``x``), over the attempts that drew the
question; variances and covariances are sample ones (divided by ``s - 1``).

- **facility**: mean ``x`` / max mark (0 to 1);
- **sd**: the standard deviation of ``x`` as a fraction of the max mark;
- **random guess score**: what answering at random earns on average (single choice: the mean of
  the options' credits; true/false 0.5; matching 1 / choices; short answer and numeric the credit
  of a ``*`` catch-all, else 0; multiple response and ordering: none);
- **intended weight**: 100 × max mark / the attempt's max total;
- **effective weight**: 100 × √cov(x, total) / Σ √cov(x, total) over the questions whose
  covariance with the total is not negative; a question with a negative one has none, and is flagged;
- **discrimination index**: 100 × the correlation of ``x`` and ``y``;
- **discriminative efficiency**: 100 × cov(x, y) / the covariance of ``x`` and ``y`` each sorted
  on its own (the most this question could have discriminated with these marks).

For the quiz, over the attempts' totals: mean, median, standard deviation, skewness and kurtosis
(Moodle's k-statistics), the coefficient of internal consistency (Cronbach's alpha × 100, which
is KR-20 for questions marked right or wrong), the error ratio and the standard error. Alpha
needs items every attempt has: the questions when every attempt drew the same ones, else the
positions in the attempt, as Moodle does for randomly drawn questions.

Per option, :func:`option_analysis` counts choices and correlates choosing each option with the
rest score (point-biserial). :func:`flags` words what a teacher should check.

Everything is computed with numpy over whole columns; nothing here reads the database.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from learning.grading import matched_answer
from learning.questions import (
    AcceptedAnswer,
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericAnswer,
    NumericQuestion,
    QuestionBase,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

FEW_ATTEMPTS = 20
HARD = 0.30
EASY = 0.90
LOW_DISCRIMINATION = 25.0
LOW_EFFICIENCY = 15.0
RARE_DISTRACTOR = 0.05
ROUNDING = 1e-12


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class QuestionStatistics(_Frozen):
    """One question's figures over the attempts that drew it (None where Moodle shows none)."""

    question_id: str
    attempts: int
    facility: float | None
    sd: float | None
    random_guess: float | None
    intended_weight: float | None
    effective_weight: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    negative_covariance: bool


class QuizStatistics(_Frozen):
    """The figures of the attempts' totals, in marks (``max_total`` is the most an attempt could earn)."""

    attempts: int
    max_total: float | None
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None
    items: int


class ItemAnalysis(_Frozen):
    quiz: QuizStatistics
    questions: list[QuestionStatistics]


@dataclass(frozen=True)
class Marks:
    """The marks of the attempts analysed, one entry per drawn question per attempt.

    ``attempt`` numbers the attempts 0..n-1, ``question`` holds question ids, ``position`` the
    place of the question in its attempt, ``mark`` the marks earned and ``max_mark`` its points.
    """

    attempt: NDArray[np.int64]
    question: NDArray[np.str_]
    position: NDArray[np.int64]
    mark: NDArray[np.float64]
    max_mark: NDArray[np.float64]

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str, int, float, float]]) -> Marks:
        """From ``(attempt, question id, position, mark, max mark)`` rows."""
        listed = list(rows)
        if not listed:
            empty = np.array([], dtype=np.int64)
            return cls(empty, np.array([], dtype=np.str_), empty.copy(), np.array([], dtype=float), np.array([], dtype=float))
        attempt, question, position, mark, max_mark = zip(*listed, strict=True)
        return cls(
            np.asarray(attempt, dtype=np.int64),
            np.asarray(question, dtype=np.str_),
            np.asarray(position, dtype=np.int64),
            np.asarray(mark, dtype=float),
            np.asarray(max_mark, dtype=float),
        )

    def totals(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Each attempt's total mark and the most it could have earned."""
        count = int(self.attempt.max()) + 1 if self.attempt.size else 0
        total = np.bincount(self.attempt, weights=self.mark, minlength=count).astype(float)
        most = np.bincount(self.attempt, weights=self.max_mark, minlength=count).astype(float)
        return total, most


def item_analysis(marks: Marks, *, guesses: Mapping[str, float | None] | None = None) -> ItemAnalysis:
    """Every question's figures and the quiz's, from the marks of the attempts analysed."""
    guesses = guesses or {}
    totals, max_totals = marks.totals()
    rows: list[dict[str, object]] = []
    covariances: dict[str, float | None] = {}
    ids, starts = _groups(marks.question)
    order = np.argsort(marks.question, kind="stable")
    ends = [*starts[1:], len(order)] if ids else []
    for question_id, start, end in zip(ids, starts, ends, strict=True):
        chosen = order[start:end]
        figures, cov_total = _question(marks, chosen, totals, max_totals)
        covariances[question_id] = cov_total
        rows.append({"question_id": question_id, "random_guess": guesses.get(question_id), **figures})
    positive = sum(math.sqrt(c) for c in covariances.values() if c is not None and c >= 0)
    questions = []
    for row in rows:
        cov = covariances[str(row["question_id"])]
        weight = 100 * math.sqrt(cov) / positive if positive and cov is not None and cov >= 0 else None
        questions.append(QuestionStatistics.model_validate({**row, "effective_weight": weight}))
    return ItemAnalysis(quiz=_quiz(marks, totals, max_totals), questions=questions)


def _groups(values: NDArray[np.str_]) -> tuple[list[str], list[int]]:
    """The distinct values in sorted order and where each starts among the sorted values."""
    if not values.size:
        return [], []
    unique, starts = np.unique(np.sort(values, kind="stable"), return_index=True)
    return [str(u) for u in unique], [int(s) for s in starts]


def _question(
    marks: Marks, chosen: NDArray[np.intp], totals: NDArray[np.float64], max_totals: NDArray[np.float64]
) -> tuple[dict[str, object], float | None]:
    x = marks.mark[chosen]
    most = marks.max_mark[chosen]
    attempts = marks.attempt[chosen]
    total = totals[attempts]
    y = total - x
    s = len(x)
    figures: dict[str, object] = {
        "attempts": s,
        "facility": float(np.mean(np.divide(x, most, out=np.zeros_like(x), where=most > 0))) if s else None,
        "intended_weight": float(np.mean(100 * most / max_totals[attempts])) if s and np.all(max_totals[attempts] > 0) else None,
        "sd": None,
        "discrimination_index": None,
        "discriminative_efficiency": None,
        "negative_covariance": False,
    }
    if s <= 1:
        return figures, None
    dx, dy, dt = x - x.mean(), y - y.mean(), total - total.mean()
    var_x, var_y = float(dx @ dx) / (s - 1), float(dy @ dy) / (s - 1)
    cov = float(dx @ dy) / (s - 1)
    cov_max = float((np.sort(x) - x.mean()) @ (np.sort(y) - y.mean())) / (s - 1)
    cov_total = float(dx @ dt) / (s - 1)
    if abs(cov_total) < ROUNDING * max(1.0, float(np.abs(dx).max() * np.abs(dt).max())):
        cov_total = 0.0  # rounding noise, not a question against the total
    mean_max = float(most.mean())
    figures["sd"] = math.sqrt(var_x) / mean_max if mean_max else None
    figures["discrimination_index"] = 100 * cov / math.sqrt(var_x * var_y) if var_x * var_y else None
    figures["discriminative_efficiency"] = 100 * cov / cov_max if cov_max else None
    figures["negative_covariance"] = cov_total < 0
    return figures, cov_total


def _quiz(marks: Marks, totals: NDArray[np.float64], max_totals: NDArray[np.float64]) -> QuizStatistics:
    s = len(totals)
    items, item_variance = _items(marks)
    empty = {"mean": None, "median": None, "sd": None, "skewness": None, "kurtosis": None, "cic": None}
    figures: dict[str, float | None] = {**empty, "error_ratio": None, "standard_error": None}
    if s:
        mean = float(totals.mean())
        ranked = np.sort(totals)
        middle = s // 2
        figures["mean"] = mean
        figures["median"] = float(ranked[middle]) if s % 2 else float((ranked[middle - 1] + ranked[middle]) / 2)
    if s > 1:
        d = totals - totals.mean()
        power2, power3, power4 = float(np.sum(d**2)), float(np.sum(d**3)), float(np.sum(d**4))
        sd = math.sqrt(power2 / (s - 1))
        figures["sd"] = sd
        if s > 2:
            m2, m3, m4 = power2 / s, power3 / s, power4 / s
            k2 = s * m2 / (s - 1)
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            if k2:
                figures["skewness"] = k3 / k2**1.5
                if s > 3:
                    k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
                    figures["kurtosis"] = k4 / (k2 * k2)
                if items > 1 and item_variance is not None:
                    cic = (100 * items / (items - 1)) * (1 - item_variance / k2)
                    figures["cic"] = cic
                    if cic <= 100:
                        error_ratio = 100 * math.sqrt(1 - cic / 100)
                        figures["error_ratio"] = error_ratio
                        figures["standard_error"] = error_ratio * sd / 100
    max_total = float(max_totals.mean()) if s else None
    return QuizStatistics(attempts=s, max_total=max_total, items=items, **figures)


def _items(marks: Marks) -> tuple[int, float | None]:
    """The number of items per attempt and the sum of their mark variances, for alpha.

    The items are the questions when every attempt drew the same ones, else the positions in the
    attempt (as Moodle counts a randomly drawn question by its slot).
    """
    if not marks.attempt.size:
        return 0, None
    attempts = int(marks.attempt.max()) + 1
    per_attempt = np.bincount(marks.attempt, minlength=attempts)
    questions = np.unique(marks.question)
    keys: NDArray[np.int64]
    if len(questions) == per_attempt.max() and np.all(per_attempt == len(questions)):
        keys = np.searchsorted(questions, marks.question).astype(np.int64)
    else:
        keys = marks.position
    item_count = int(keys.max()) + 1
    # Sample variance of each item's marks over the attempts that have it.
    n = np.bincount(keys, minlength=item_count)
    total = np.bincount(keys, weights=marks.mark, minlength=item_count)
    squares = np.bincount(keys, weights=marks.mark**2, minlength=item_count)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.where(n > 1, (squares - total**2 / np.maximum(n, 1)) / np.maximum(n - 1, 1), 0.0)
    return int(per_attempt.max()), float(np.sum(np.maximum(variance, 0.0)))


# --- guessing ------------------------------------------------------------------------------


def random_guess_score(question: QuestionBase) -> float | None:
    """What answering ``question`` at random earns on average, as Moodle's question types define it."""
    if isinstance(question, SingleChoiceQuestion):
        return sum(1.0 if o.correct else 0.0 for o in question.options) / len(question.options)
    if isinstance(question, TrueFalseQuestion):
        return 0.5
    if isinstance(question, MatchingQuestion):
        return 1 / len(question.choices)
    if isinstance(question, ShortAnswerQuestion):
        return next((a.credit for a in question.answers if a.text.strip() == "*"), 0.0)
    if isinstance(question, NumericQuestion):
        return 0.0
    return None  # multiple response and ordering: Moodle gives none


# --- options -------------------------------------------------------------------------------


class OptionFigure(_Frozen):
    """How often one option (or accepted answer, or band) was chosen, and by whom."""

    key: str
    text: str
    correct: bool
    count: int
    share: float
    point_biserial: float | None


class OptionAnalysis(_Frozen):
    """One question's options; for matching a placement table, for typed answers the ones that matched nothing."""

    question_id: str
    responses: int
    options: list[OptionFigure]
    placements: dict[str, dict[str, int]] = {}
    unmatched: list[tuple[str, int]] = []
    typed: bool = False  # the options are accepted answers or bands, not distractors


def point_biserial(chosen: Sequence[bool], rest: Sequence[float]) -> float | None:
    """The correlation of choosing (1) or not (0) with the rest score; None without spread in either."""
    a = np.asarray(chosen, dtype=float)
    b = np.asarray(rest, dtype=float)
    if len(a) < 2:
        return None
    da, db = a - a.mean(), b - b.mean()
    spread = float(np.sqrt((da @ da) * (db @ db)))
    return float(da @ db) / spread if spread else None


def option_analysis(question: QuestionBase, responses: Sequence[tuple[Mapping[str, object], float]]) -> OptionAnalysis:
    """Each option of ``question`` with how many chose it and its point-biserial with the rest score.

    ``responses`` are the stored responses (as bank JSON) with the rest score of their attempt.
    """
    rest = [score for _, score in responses]
    total = len(responses)

    def figure(key: str, text: str, correct: bool, chosen: list[bool]) -> OptionFigure:
        hits = sum(chosen)
        return OptionFigure(
            key=key,
            text=text,
            correct=correct,
            count=hits,
            share=hits / total if total else 0.0,
            point_biserial=point_biserial(chosen, rest),
        )

    if isinstance(question, SingleChoiceQuestion | MultipleResponseQuestion):
        picked = [_chosen_options(r) for r, _ in responses]
        options = [figure(o.id, o.text, o.correct, [o.id in p for p in picked]) for o in question.options]
        return OptionAnalysis(question_id=question.id, responses=total, options=options)
    if isinstance(question, TrueFalseQuestion):
        values = [r.get("value") for r, _ in responses]
        options = [figure(str(v).lower(), "True" if v else "False", v == question.answer, [x is v for x in values]) for v in (True, False)]
        return OptionAnalysis(question_id=question.id, responses=total, options=options)
    if isinstance(question, MatchingQuestion):
        placements: dict[str, dict[str, int]] = {item.id: {} for item in question.items}
        for response, _ in responses:
            placed = response.get("placements")
            for item, choice in placed.items() if isinstance(placed, dict) else []:
                if item in placements:
                    placements[item][str(choice)] = placements[item].get(str(choice), 0) + 1
        return OptionAnalysis(question_id=question.id, responses=total, options=[], placements=placements)
    if isinstance(question, ShortAnswerQuestion | NumericQuestion):
        return _typed(question, responses)
    return OptionAnalysis(question_id=question.id, responses=total, options=[])


def _chosen_options(response: Mapping[str, object]) -> set[str]:
    if "option" in response:
        return {str(response["option"])}
    chosen = response.get("options")
    return {str(o) for o in chosen} if isinstance(chosen, list | set | frozenset | tuple) else set()


def _figure(key: str, text: str, correct: bool, chosen: list[bool], rest: Sequence[float]) -> OptionFigure:
    hits = sum(chosen)
    share = hits / len(chosen) if chosen else 0.0
    return OptionFigure(key=key, text=text, correct=correct, count=hits, share=share, point_biserial=point_biserial(chosen, rest))


def _typed(question: ShortAnswerQuestion | NumericQuestion, responses: Sequence[tuple[Mapping[str, object], float]]) -> OptionAnalysis:
    """Typed answers grouped by the accepted answer or band they matched (the first that gives the
    most credit, as grading picks it); the ones that matched nothing listed with their counts."""
    rest = [score for _, score in responses]
    matched: dict[int, list[bool]] = defaultdict(lambda: [False] * len(responses))
    unmatched: Counter[str] = Counter()
    matched_before: dict[tuple[str, str], tuple[int | None, str]] = {}  # learners often type the same
    for row, (response, _) in enumerate(responses):
        key = (repr(response.get("text")), repr(response.get("value")))
        if key not in matched_before:
            matched_before[key] = matched_answer(question, response)
        index, shown = matched_before[key]
        if index is None:
            unmatched[shown] += 1
        else:
            matched[index][row] = True
    options = []
    answers: Sequence[AcceptedAnswer | NumericAnswer] = question.answers
    for index, answer in enumerate(answers):
        label = answer.text if isinstance(answer, AcceptedAnswer) else answer.describe()
        chosen = matched.get(index, [False] * len(responses))
        options.append(_figure(str(index), label, answer.credit == 1.0, chosen, rest))
    return OptionAnalysis(question_id=question.id, responses=len(responses), options=options, unmatched=unmatched.most_common(), typed=True)


# --- flags ---------------------------------------------------------------------------------


def flags(figures: QuestionStatistics, options: OptionAnalysis | None = None) -> list[str]:
    """What a teacher should check about a question, in plain words; empty when nothing stands out."""
    found = []
    if figures.attempts < FEW_ATTEMPTS:
        found.append(f"only {figures.attempts} attempts: too few to trust these figures")
    if figures.facility is not None and figures.facility < HARD:
        found.append(f"hard: learners earned {figures.facility:.0%} of its marks (below {HARD:.0%})")
    if figures.facility is not None and figures.facility > EASY:
        found.append(f"easy: learners earned {figures.facility:.0%} of its marks (above {EASY:.0%})")
    if figures.discrimination_index is not None and figures.discrimination_index < LOW_DISCRIMINATION:
        found.append(
            f"discrimination index {figures.discrimination_index:.0f} (below {LOW_DISCRIMINATION:.0f}): "
            "learners who do well on the rest do not clearly do better on this one"
        )
    if figures.discriminative_efficiency is not None and figures.discriminative_efficiency < LOW_EFFICIENCY:
        found.append(f"discriminative efficiency {figures.discriminative_efficiency:.0f} (below {LOW_EFFICIENCY:.0f})")
    if figures.negative_covariance:
        found.append("its marks go against the quiz total: check the key and the wording")
    return found + option_flags(options)


def option_flags(options: OptionAnalysis | None) -> list[str]:
    """What a teacher should check about a question's wrong options, in plain words (typed
    answers have none: an accepted answer or band nobody gave is not a distractor)."""
    found = []
    for option in options.options if options and not options.typed else []:
        if option.correct:
            continue
        if option.share < RARE_DISTRACTOR and options is not None and options.responses:
            found.append(f'wrong option "{option.text}" was chosen by {option.share:.0%} of learners: it distracts almost no one')
        if option.point_biserial is not None and option.point_biserial > 0:
            found.append(
                f'wrong option "{option.text}" is chosen more by stronger learners (point-biserial {option.point_biserial:+.2f}): '
                "check the key and whether this option is also right"
            )
    return found
