"""Question and response models: one pydantic class per question type, joined by ``type``.

A question is read from a bank file, validated here (every error an instructor can act on),
and written back in the same shape. A response is what a learner submits for one question;
:func:`check_response` makes sure it only names options and items that question has.

Each question class also carries its type's facts, so a new type is one class here (plus its
response class, grader, widget and authoring section): its right answer in words
(``correct_answer``), a full-marks response (``correct_response``), the responses it accepts
(``_check_parts``), and its xAPI interaction (``XAPI_INTERACTION``, ``xapi_correct_responses``,
``xapi_components``). Each response class knows its xAPI response string (``xapi``).
"""

from __future__ import annotations

import enum
import math
from abc import abstractmethod
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    model_validator,
)

from learning.errors import ResponseError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=80)]
ShortId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=40)]
Credit = Annotated[float, Field(ge=0.0, le=1.0)]


class QuestionType(enum.StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_RESPONSE = "multiple_response"
    TRUE_FALSE = "true_false"
    MATCHING = "matching"
    ORDERING = "ordering"
    SHORT_ANSWER = "short_answer"
    NUMERIC = "numeric"


TYPE_TAGS: tuple[str, ...] = tuple(t.value for t in QuestionType)
"""Every question type's ``type`` tag, in the order of :class:`QuestionType`."""


class Status(enum.StrEnum):
    ACTIVE = "active"
    DRAFT = "draft"
    RETIRED = "retired"


class Difficulty(enum.StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Pool(enum.StrEnum):
    """Which quizzes may draw a question.

    Practice questions appear in practice quizzes, lesson checks and review. Exam questions are
    kept for unit tests and the final exam, so a learner meets them fresh; they reach review only
    once the learner has finished the course.
    """

    PRACTICE = "practice"
    EXAM = "exam"


class LintRule(enum.StrEnum):
    """The item-writing checks of :mod:`learning.lint`, named so a question can accept one."""

    LONGEST_KEY = "longest-key"
    ALL_OF_THE_ABOVE = "all-of-the-above"
    ABSOLUTE_IN_DISTRACTOR = "absolute-in-distractor"
    MISSING_FEEDBACK = "missing-feedback"
    NEAR_DUPLICATE = "near-duplicate"
    TRUE_FALSE_BALANCE = "true-false-balance"


class Scoring(enum.StrEnum):
    """How a multiple-response question turns choices into a score."""

    PARTIAL = "partial"
    ALL_OR_NOTHING = "all_or_nothing"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False, frozen=True)


class Option(_Model):
    """One choice of a single-choice or multiple-response question."""

    id: ShortId
    text: Text
    correct: bool = False
    feedback: Text
    pinned: bool = Field(default=False, description="Keep this option in its place when options are shuffled.")
    weight: Annotated[float, Field(ge=-1.0, le=1.0)] | None = Field(
        default=None,
        description="Multiple response only: credit for choosing this option (negative for a wrong one).",
    )


class MatchItem(_Model):
    """An item to place onto one of a matching question's choices."""

    id: ShortId
    text: Text
    answer: ShortId = Field(description="The id of the choice this item belongs to.")
    feedback: Text | None = None


class MatchChoice(_Model):
    id: ShortId
    text: Text


class OrderItem(_Model):
    id: ShortId
    text: Text


class AcceptedAnswer(_Model):
    """A short answer that earns ``credit``; ``*`` in ``text`` matches any run of characters."""

    text: Text
    credit: Credit = 1.0
    feedback: Text | None = None


class NumericAnswer(_Model):
    """A band of accepted numbers: ``value`` ± ``tolerance``, or ``min`` to ``max`` inclusive."""

    value: float | None = None
    tolerance: Annotated[float, Field(ge=0.0)] = 0.0
    min: float | None = None
    max: float | None = None
    credit: Credit = 1.0
    feedback: Text | None = None

    @model_validator(mode="after")
    def _one_form(self) -> NumericAnswer:
        has_value = self.value is not None
        has_range = self.min is not None or self.max is not None
        if has_value == has_range:
            raise ValueError("give either value (with an optional tolerance) or min and max")
        if has_range and (self.min is None or self.max is None):
            raise ValueError("a range needs both min and max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        for number in (self.value, self.min, self.max):
            if number is not None and not math.isfinite(number):
                raise ValueError("numbers must be finite")
        return self

    def bounds(self) -> tuple[float, float]:
        """The lowest and the highest number in the band."""
        if self.value is not None:
            return self.value - self.tolerance, self.value + self.tolerance
        assert self.min is not None and self.max is not None  # _one_form: a value or a whole range
        return self.min, self.max

    def contains(self, number: float) -> bool:
        if self.value is not None:
            return abs(number - self.value) <= self.tolerance + 1e-9
        low, high = self.bounds()
        return low - 1e-9 <= number <= high + 1e-9

    def example(self) -> float:
        """A number in the band: its value, or else its min."""
        return self.value if self.value is not None else self.bounds()[0]

    def describe(self) -> str:
        if self.value is not None:
            shown = _number(self.value)
            return f"{shown} ± {_number(self.tolerance)}" if self.tolerance else shown
        low, high = self.bounds()
        return f"{_number(low)} to {_number(high)}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class QuestionBase(_Model):
    """Fields every question type has, in the order they are written to a bank file, and the facts each type supplies."""

    if TYPE_CHECKING:
        # Each question class declares ``type`` as its own Literal, which the discriminated union
        # needs; declared here only for type checkers, so the bank schema keeps its field order.
        type: str

    XAPI_INTERACTION: ClassVar[str]
    """The xAPI ``interactionType`` of this question type."""

    id: Slug = Field(description="Stable id; never reused, even after the question is retired.")
    version: Annotated[int, Field(ge=1)] = Field(description="Bumped on every saved edit.")
    status: Status = Status.ACTIVE
    lesson: Slug = Field(description="The id of the lesson this question tests.")
    section: Slug = Field(description="The anchor of the lesson section this question tests.")
    objectives: Annotated[list[Slug], Field(min_length=1)]
    difficulty: Difficulty = Difficulty.MEDIUM
    points: Annotated[float, Field(gt=0, le=100)] = 1.0
    critical: bool = Field(
        default=False,
        description="A safety or scope-of-practice item; a spec may fail an attempt that gets it wrong.",
    )
    tags: list[Slug] = Field(default_factory=list)
    pool: Pool = Field(
        default=Pool.PRACTICE, description="practice (practice quizzes, lesson checks, review) or exam (unit tests and the final exam)."
    )
    exclusion_group: Slug | None = Field(
        default=None, description="Questions that share a group cue each other, so no attempt draws more than one of them."
    )
    lint_accept: list[LintRule] = Field(
        default_factory=list, description="Lint rules an author has checked and decided to keep for this question."
    )
    scenario: Text | None = Field(default=None, description="A client vignette shown above the prompt.")
    prompt: Text
    explanation: Text = Field(description="Why the right answer is right; shown after answering.")

    @model_validator(mode="after")
    def _unique_objectives(self) -> Self:
        _check_unique(self.objectives, "objectives", what="objective")
        return self

    @abstractmethod
    def correct_answer(self) -> str:
        """The right answer in words, as shown after answering."""

    @abstractmethod
    def correct_response(self) -> Response:
        """A response that earns full marks, e.g. to show or to test with."""

    def check_response(self, response: Response) -> None:
        """Raise :class:`ResponseError` unless ``response`` is of this question's type and names only parts it has."""
        if response.type != self.type:
            raise ResponseError(f"question {self.id!r} is {self.type}, but the response is {response.type}")
        self._check_parts(response)

    def _check_parts(self, response: Any) -> None:
        """Overridden by the types whose responses name options or items (``response`` is of this type)."""

    @abstractmethod
    def xapi_correct_responses(self) -> list[str]:
        """The xAPI ``correctResponsesPattern``: the full-marks responses in xAPI's response format."""

    def xapi_components(self) -> dict[str, Any]:
        """Interaction components added to the xAPI activity definition (``choices`` and the like)."""
        return {}


def _check_unique(ids: list[str], field: str, *, what: str) -> None:
    seen: set[str] = set()
    for position, value in enumerate(ids):
        if value in seen:
            raise ValueError(f"{field}[{position}]: {what} id {value!r} appears twice")
        seen.add(value)


class _ChoiceQuestion(QuestionBase):
    options: Annotated[list[Option], Field(min_length=2, max_length=12)]
    shuffle: bool = Field(default=True, description="Shuffle the options for each learner.")

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    def correct_options(self) -> list[Option]:
        return [o for o in self.options if o.correct]

    def _check_options(self, chosen: set[str]) -> None:
        _known(self, chosen, {o.id for o in self.options}, "option")

    def xapi_components(self) -> dict[str, Any]:
        return {"choices": [{"id": o.id, "description": {"en-US": o.text}} for o in self.options]}

    @model_validator(mode="after")
    def _unique_option_ids(self) -> Self:
        _check_unique([o.id for o in self.options], "options", what="option")
        return self


class SingleChoiceQuestion(_ChoiceQuestion):
    type: Literal["single_choice"]
    XAPI_INTERACTION = "choice"

    @model_validator(mode="after")
    def _exactly_one_correct(self) -> SingleChoiceQuestion:
        correct = [o.id for o in self.options if o.correct]
        if len(correct) != 1:
            raise ValueError(
                f"options: a single-choice question needs exactly one correct option, found {len(correct)}"
                + (f" ({', '.join(correct)})" if correct else "")
            )
        if any(o.weight is not None for o in self.options):
            raise ValueError("options: weight is only used by multiple-response questions")
        return self

    def correct_answer(self) -> str:
        return self.correct_options()[0].text

    def correct_response(self) -> SingleChoiceResponse:
        return SingleChoiceResponse(option=self.correct_options()[0].id)

    def _check_parts(self, response: SingleChoiceResponse) -> None:
        self._check_options({response.option})

    def xapi_correct_responses(self) -> list[str]:
        return [self.correct_options()[0].id]


class MultipleResponseQuestion(_ChoiceQuestion):
    type: Literal["multiple_response"]
    scoring: Scoring = Scoring.PARTIAL
    XAPI_INTERACTION = "choice"

    @model_validator(mode="after")
    def _weights(self) -> MultipleResponseQuestion:
        if not any(o.correct for o in self.options):
            raise ValueError("options: a multiple-response question needs at least one correct option")
        for position, option in enumerate(self.options):
            if option.weight is None:
                continue
            if option.correct and option.weight <= 0:
                raise ValueError(f"options[{position}].weight: a correct option needs a positive weight")
            if not option.correct and option.weight > 0:
                raise ValueError(f"options[{position}].weight: a wrong option's weight must be 0 or negative")
        positive = [o.weight for o in self.options if o.correct and o.weight is not None]
        if positive and len(positive) == sum(o.correct for o in self.options) and abs(sum(positive) - 1.0) > 1e-6:
            raise ValueError(f"options: the weights of the correct options must add up to 1, not {sum(positive):g}")
        return self

    def weights(self) -> dict[str, float]:
        """Credit per option: given weights, else 1/n for each correct and -1/n for each wrong."""
        n_correct = sum(o.correct for o in self.options)
        default = 1.0 / n_correct
        return {o.id: o.weight if o.weight is not None else (default if o.correct else -default) for o in self.options}

    def correct_answer(self) -> str:
        return "; ".join(o.text for o in self.correct_options())

    def correct_response(self) -> MultipleResponseResponse:
        return MultipleResponseResponse(options=frozenset(o.id for o in self.correct_options()))

    def _check_parts(self, response: MultipleResponseResponse) -> None:
        self._check_options(set(response.options))

    def xapi_correct_responses(self) -> list[str]:
        return [_XAPI_LIST.join(sorted(o.id for o in self.correct_options()))]


class TrueFalseQuestion(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: Text
    feedback_false: Text
    XAPI_INTERACTION = "true-false"

    def correct_answer(self) -> str:
        return "True" if self.answer else "False"

    def correct_response(self) -> TrueFalseResponse:
        return TrueFalseResponse(value=self.answer)

    def xapi_correct_responses(self) -> list[str]:
        return [_xapi_bool(self.answer)]


class MatchingQuestion(QuestionBase):
    """Matching and categorising: items are placed onto choices; spare choices are distractors."""

    type: Literal["matching"]
    items: Annotated[list[MatchItem], Field(min_length=2, max_length=20)]
    choices: Annotated[list[MatchChoice], Field(min_length=2, max_length=20)]
    shuffle: bool = True
    XAPI_INTERACTION = "matching"

    @model_validator(mode="after")
    def _answers_exist(self) -> MatchingQuestion:
        _check_unique([i.id for i in self.items], "items", what="item")
        _check_unique([c.id for c in self.choices], "choices", what="choice")
        choice_ids = {c.id for c in self.choices}
        for position, item in enumerate(self.items):
            if item.answer not in choice_ids:
                raise ValueError(f"items[{position}].answer: {item.answer!r} is not one of the choices ({', '.join(sorted(choice_ids))})")
        return self

    def choice_text(self, choice_id: str) -> str:
        return next(c.text for c in self.choices if c.id == choice_id)

    def correct_answer(self) -> str:
        return "; ".join(f"{i.text} → {self.choice_text(i.answer)}" for i in self.items)

    def correct_response(self) -> MatchingResponse:
        return MatchingResponse(placements={i.id: i.answer for i in self.items})

    def _check_parts(self, response: MatchingResponse) -> None:
        _known(self, set(response.placements), {i.id for i in self.items}, "item")
        _known(self, set(response.placements.values()), {c.id for c in self.choices}, "choice")

    def xapi_correct_responses(self) -> list[str]:
        return [_xapi_placements({i.id: i.answer for i in self.items})]


class OrderingQuestion(QuestionBase):
    """Items are listed in their correct order; the learner sees them shuffled."""

    type: Literal["ordering"]
    items: Annotated[list[OrderItem], Field(min_length=2, max_length=12)]
    XAPI_INTERACTION = "sequencing"

    @model_validator(mode="after")
    def _unique_items(self) -> OrderingQuestion:
        _check_unique([i.id for i in self.items], "items", what="item")
        return self

    def correct_answer(self) -> str:
        return "; ".join(f"{n}. {i.text}" for n, i in enumerate(self.items, start=1))

    def correct_response(self) -> OrderingResponse:
        return OrderingResponse(order=[i.id for i in self.items])

    def _check_parts(self, response: OrderingResponse) -> None:
        expected = [i.id for i in self.items]
        if sorted(response.order) != sorted(expected):
            raise ResponseError(f"question {self.id!r}: an ordering response must list each item once ({', '.join(expected)})")

    def xapi_correct_responses(self) -> list[str]:
        return [_XAPI_LIST.join(i.id for i in self.items)]


class ShortAnswerQuestion(QuestionBase):
    type: Literal["short_answer"]
    answers: Annotated[list[AcceptedAnswer], Field(min_length=1)]
    wrong_feedback: Text
    XAPI_INTERACTION = "fill-in"

    @model_validator(mode="after")
    def _one_full_credit(self) -> ShortAnswerQuestion:
        if not any(a.credit == 1.0 for a in self.answers):
            raise ValueError("answers: at least one accepted answer needs credit 1")
        for position, answer in enumerate(self.answers):
            if not answer.text.replace("*", "").strip():
                raise ValueError(f"answers[{position}].text: an answer cannot be only wildcards")
        return self

    def correct_answer(self) -> str:
        return next(a.text for a in self.answers if a.credit == 1.0)

    def correct_response(self) -> ShortAnswerResponse:
        # A wildcard matches any run of characters, "x" among them.
        return ShortAnswerResponse(text=self.correct_answer().replace("*", "x"))

    def xapi_correct_responses(self) -> list[str]:
        return [a.text for a in self.answers if a.credit == 1.0]


class NumericQuestion(QuestionBase):
    type: Literal["numeric"]
    answers: Annotated[list[NumericAnswer], Field(min_length=1)]
    unit: Text | None = None
    wrong_feedback: Text
    XAPI_INTERACTION = "numeric"

    @model_validator(mode="after")
    def _one_full_credit(self) -> NumericQuestion:
        if not any(a.credit == 1.0 for a in self.answers):
            raise ValueError("answers: at least one band needs credit 1")
        return self

    def full_credit_band(self) -> NumericAnswer:
        return next(a for a in self.answers if a.credit == 1.0)

    def correct_answer(self) -> str:
        return self.full_credit_band().describe() + (f" {self.unit}" if self.unit else "")

    def correct_response(self) -> NumericResponse:
        return NumericResponse(value=self.full_credit_band().example())

    def xapi_correct_responses(self) -> list[str]:
        low, high = self.full_credit_band().bounds()
        return [f"{low:g}[:]{high:g}"]


Question = Annotated[
    SingleChoiceQuestion
    | MultipleResponseQuestion
    | TrueFalseQuestion
    | MatchingQuestion
    | OrderingQuestion
    | ShortAnswerQuestion
    | NumericQuestion,
    Field(discriminator="type"),
]
QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(Question)


def _by_type(union: object) -> dict[QuestionType, Any]:
    """The classes of a discriminated union (``Annotated[A | B, ...]``) by their ``type`` literal."""
    classes = get_args(get_args(union)[0])
    return {QuestionType(get_args(cls.model_fields["type"].annotation)[0]): cls for cls in classes}


QUESTION_CLASSES: dict[QuestionType, type[QuestionBase]] = _by_type(Question)


def question_type(question: QuestionBase) -> QuestionType:
    return QuestionType(question.type)


def dump_question(question: QuestionBase) -> dict[str, Any]:
    """The question as bank-file JSON: defaults left out, fields in their declared order."""
    data = question.model_dump(mode="json", exclude_defaults=True)
    data["type"] = question.type
    data["version"] = question.version
    order = ["id", "version", "type"] + [k for k in type(question).model_fields if k not in ("id", "version", "type")]
    return {key: data[key] for key in order if key in data}


# --- Responses -----------------------------------------------------------------------------


_XAPI_LIST = "[,]"


def _xapi_bool(value: bool) -> str:
    return "true" if value else "false"


def _xapi_placements(placements: dict[str, str]) -> str:
    return _XAPI_LIST.join(f"{item}[.]{choice}" for item, choice in sorted(placements.items()))


class _Response(_Model):
    @abstractmethod
    def xapi(self) -> str:
        """This response in xAPI's response format for its interaction type."""


class SingleChoiceResponse(_Response):
    type: Literal["single_choice"] = "single_choice"
    option: ShortId

    def xapi(self) -> str:
        return self.option


class MultipleResponseResponse(_Response):
    type: Literal["multiple_response"] = "multiple_response"
    options: frozenset[ShortId] = frozenset()

    def xapi(self) -> str:
        return _XAPI_LIST.join(sorted(self.options))


class TrueFalseResponse(_Response):
    type: Literal["true_false"] = "true_false"
    value: bool

    def xapi(self) -> str:
        return _xapi_bool(self.value)


class MatchingResponse(_Response):
    """``placements`` maps item ids to the choice ids the learner picked; items may be left out."""

    type: Literal["matching"] = "matching"
    placements: dict[ShortId, ShortId] = Field(default_factory=dict)

    def xapi(self) -> str:
        return _xapi_placements(self.placements)


class OrderingResponse(_Response):
    type: Literal["ordering"] = "ordering"
    order: list[ShortId]

    def xapi(self) -> str:
        return _XAPI_LIST.join(self.order)


class ShortAnswerResponse(_Response):
    type: Literal["short_answer"] = "short_answer"
    text: Annotated[str, Field(max_length=500)]

    def xapi(self) -> str:
        return self.text


class NumericResponse(_Response):
    type: Literal["numeric"] = "numeric"
    value: float

    @model_validator(mode="after")
    def _finite(self) -> NumericResponse:
        if not math.isfinite(self.value):
            raise ValueError("value: must be a finite number")
        return self

    def xapi(self) -> str:
        return str(int(self.value)) if self.value.is_integer() else str(self.value)


Response = Annotated[
    SingleChoiceResponse
    | MultipleResponseResponse
    | TrueFalseResponse
    | MatchingResponse
    | OrderingResponse
    | ShortAnswerResponse
    | NumericResponse,
    Field(discriminator="type"),
]
RESPONSE_ADAPTER: TypeAdapter[Response] = TypeAdapter(Response)
RESPONSE_CLASSES: dict[QuestionType, type[_Response]] = _by_type(Response)


def parse_response(question: QuestionBase, data: object) -> Response:
    """Validate raw response data (a dict or JSON text) against ``question``.

    Raises:
        ResponseError: the data is not a response of the question's type, or names an
            option or item the question does not have.
    """
    from pydantic import ValidationError

    try:
        response = RESPONSE_ADAPTER.validate_json(data) if isinstance(data, (str, bytes)) else RESPONSE_ADAPTER.validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "response"
        raise ResponseError(f"{where}: {first['msg']}") from None
    check_response(question, response)
    return response


def check_response(question: QuestionBase, response: Response) -> None:
    """Raise :class:`ResponseError` unless ``response`` fits ``question``."""
    question.check_response(response)


def _known(question: QuestionBase, given: set[str], known: set[str], what: str) -> None:
    unknown = sorted(given - known)
    if unknown:
        raise ResponseError(f"question {question.id!r} has no {what} {', '.join(repr(u) for u in unknown)}")
