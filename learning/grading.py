"""Grading: ``grade(question, response) -> Grade``, pure (no I/O, no clock).

Each question type has its own small grader in ``GRADERS``. Scores are fractions in [0, 1]:

- single choice, true/false: 1 for the right answer, else 0.
- multiple response, ``partial``: the sum of the chosen options' weights, floored at 0 and
  capped at 1 (by default each correct option is worth 1/n and each wrong one -1/n, where n is
  the number of correct options); ``all_or_nothing``: 1 only for exactly the correct set.
- matching and categorising: the fraction of items placed on their right choice.
- ordering: the fraction of items in their right position.
- short answer: the best credit among the accepted answers that match (case, accents and
  surrounding space ignored; ``*`` matches any run of characters).
- numeric: the best credit among the bands that contain the number.

The right answer in words and a full-marks response are facts of each question class
(``question.correct_answer()``, ``question.correct_response()``); the functions of the same
names here are kept for callers that import them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from learning.questions import (
    MatchingQuestion,
    MatchingResponse,
    MultipleResponseQuestion,
    MultipleResponseResponse,
    NumericQuestion,
    NumericResponse,
    OrderingQuestion,
    OrderingResponse,
    QuestionBase,
    QuestionType,
    Response,
    Scoring,
    ShortAnswerQuestion,
    ShortAnswerResponse,
    SingleChoiceQuestion,
    SingleChoiceResponse,
    TrueFalseQuestion,
    TrueFalseResponse,
    _number,
    check_response,
    question_type,
)


class ChoiceFeedback(BaseModel):
    """Feedback on one thing the learner chose, placed or typed."""

    model_config = ConfigDict(frozen=True)

    choice: str = Field(description="The option or item id, or the text typed.")
    text: str = Field(description="What the learner chose, as shown to them.")
    correct: bool
    feedback: str | None = None


class Grade(BaseModel):
    """The result of grading one response."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    question_version: int
    score: float = Field(ge=0.0, le=1.0, description="Fraction of the question's points earned.")
    points: float
    max_points: float
    correct: bool = Field(description="True only for full marks.")
    feedback: list[ChoiceFeedback]
    correct_answer: str = Field(description="The right answer, in words, for display.")


Outcome = tuple[float, list[ChoiceFeedback]]


def _single_choice(question: SingleChoiceQuestion, response: SingleChoiceResponse) -> Outcome:
    option = question.option(response.option)
    return (1.0 if option.correct else 0.0), [
        ChoiceFeedback(choice=option.id, text=option.text, correct=option.correct, feedback=option.feedback)
    ]


def _multiple_response(question: MultipleResponseQuestion, response: MultipleResponseResponse) -> Outcome:
    chosen = [o for o in question.options if o.id in response.options]
    feedback = [ChoiceFeedback(choice=o.id, text=o.text, correct=o.correct, feedback=o.feedback) for o in chosen]
    if question.scoring is Scoring.ALL_OR_NOTHING:
        right = {o.id for o in question.options if o.correct}
        return (1.0 if set(response.options) == right else 0.0), feedback
    weights = question.weights()
    return sum(weights[o.id] for o in chosen), feedback


def _true_false(question: TrueFalseQuestion, response: TrueFalseResponse) -> Outcome:
    correct = response.value == question.answer
    text = "True" if response.value else "False"
    feedback = question.feedback_true if response.value else question.feedback_false
    return (1.0 if correct else 0.0), [ChoiceFeedback(choice=text.lower(), text=text, correct=correct, feedback=feedback)]


def _matching(question: MatchingQuestion, response: MatchingResponse) -> Outcome:
    feedback = []
    right = 0
    for item in question.items:
        placed = response.placements.get(item.id)
        if placed is None:
            continue
        correct = placed == item.answer
        right += correct
        feedback.append(
            ChoiceFeedback(choice=item.id, text=f"{item.text} → {question.choice_text(placed)}", correct=correct, feedback=item.feedback)
        )
    return right / len(question.items), feedback


def _ordering(question: OrderingQuestion, response: OrderingResponse) -> Outcome:
    texts = {i.id: i.text for i in question.items}
    feedback = []
    right = 0
    for position, (given, expected) in enumerate(zip(response.order, question.items, strict=True), start=1):
        correct = given == expected.id
        right += correct
        feedback.append(ChoiceFeedback(choice=given, text=f"{position}. {texts[given]}", correct=correct))
    return right / len(question.items), feedback


_DROPPED = frozenset(".'’‘\"“”`´")


def normalise(text: str) -> str:
    """Fold case and accents, ignore punctuation, trim, and collapse runs of white space.

    Full stops, apostrophes and quotes are dropped ("Remedial." is "remedial", "S.O.A.P." is
    "soap"); other punctuation separates words ("stretch-reflex" is "stretch reflex").
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (
        "" if c in _DROPPED else " " if unicodedata.category(c).startswith("P") else c for c in decomposed if not unicodedata.combining(c)
    )
    return " ".join("".join(kept).casefold().split())


def short_answer_matches(pattern: str, text: str) -> bool:
    """Whether ``text`` matches an accepted answer ``pattern`` (``*`` matches any run of characters)."""
    parts = [re.escape(normalise(part)) if part.strip() else "" for part in pattern.split("*")]
    if "*" not in pattern:
        return normalise(text) == normalise(pattern)
    regex = ".*".join(parts)
    return re.fullmatch(regex, normalise(text)) is not None


def best_short_answer(question: ShortAnswerQuestion, text: str) -> int | None:
    """The index of the accepted answer that ``text`` earns credit by: of those it matches, the
    first with the most credit; None when it matches none."""
    matches = [i for i, a in enumerate(question.answers) if short_answer_matches(a.text, text)]
    return max(matches, key=lambda i: question.answers[i].credit, default=None)


def best_band(question: NumericQuestion, value: float) -> int | None:
    """The index of the band ``value`` earns credit by: of those containing it, the first with
    the most credit; None when it is in none."""
    bands = [i for i, a in enumerate(question.answers) if a.contains(value)]
    return max(bands, key=lambda i: question.answers[i].credit, default=None)


def matched_answer(question: ShortAnswerQuestion | NumericQuestion, response: Mapping[str, object]) -> tuple[int | None, str]:
    """Which accepted answer or band a stored response matched, and the response as shown."""
    if isinstance(question, ShortAnswerQuestion):
        text = str(response.get("text", ""))
        return best_short_answer(question, text), text.strip()
    value = response.get("value")
    number = float(value) if isinstance(value, int | float) else math.nan
    return (best_band(question, number) if math.isfinite(number) else None), _number(number) if math.isfinite(number) else str(value)


def _short_answer(question: ShortAnswerQuestion, response: ShortAnswerResponse) -> Outcome:
    index = best_short_answer(question, response.text)
    best = question.answers[index] if index is not None else None
    if best is None:
        return 0.0, [ChoiceFeedback(choice=response.text, text=response.text, correct=False, feedback=question.wrong_feedback)]
    return best.credit, [ChoiceFeedback(choice=response.text, text=response.text, correct=best.credit == 1.0, feedback=best.feedback)]


def _numeric(question: NumericQuestion, response: NumericResponse) -> Outcome:
    index = best_band(question, response.value)
    best = question.answers[index] if index is not None else None
    shown = _number(response.value) + (f" {question.unit}" if question.unit else "")
    if best is None:
        return 0.0, [ChoiceFeedback(choice=str(response.value), text=shown, correct=False, feedback=question.wrong_feedback)]
    return best.credit, [ChoiceFeedback(choice=str(response.value), text=shown, correct=best.credit == 1.0, feedback=best.feedback)]


GRADERS: dict[QuestionType, Callable[..., Outcome]] = {
    QuestionType.SINGLE_CHOICE: _single_choice,
    QuestionType.MULTIPLE_RESPONSE: _multiple_response,
    QuestionType.TRUE_FALSE: _true_false,
    QuestionType.MATCHING: _matching,
    QuestionType.ORDERING: _ordering,
    QuestionType.SHORT_ANSWER: _short_answer,
    QuestionType.NUMERIC: _numeric,
}


def correct_answer(question: QuestionBase) -> str:
    """The right answer to ``question`` in words, as shown after answering."""
    return question.correct_answer()


def grade(question: QuestionBase, response: Response) -> Grade:
    """Grade one response to one question.

    Raises:
        ResponseError: the response is of another type or names options or items the
            question does not have.
    """
    check_response(question, response)
    score, feedback = GRADERS[question_type(question)](question, response)
    score = min(1.0, max(0.0, round(score, 9)))
    return Grade(
        question_id=question.id,
        question_version=question.version,
        score=score,
        points=round(score * question.points, 9),
        max_points=question.points,
        correct=score == 1.0,
        feedback=feedback,
        correct_answer=correct_answer(question),
    )


def correct_response(question: QuestionBase) -> Response:
    """A response that earns full marks, e.g. to show or to test with."""
    return question.correct_response()
