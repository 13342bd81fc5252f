"""Quizzes: the spec a quiz is built from, deterministic assembly, and the attempt state machine.

A :class:`QuizSpec` is data (``quiz_bank/quizzes/*.json``). :func:`assemble` draws questions and
shuffles options for a seed, always the same way for the same seed. An :class:`Attempt` is
immutable: ``answer`` and ``submit`` return a new attempt, the way a review returns a new card.
Every time is timezone-aware UTC and passed in by the caller.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from learning.errors import AssemblyError, AttemptError
from learning.grading import Grade, grade
from learning.questions import (
    MatchingQuestion,
    OrderingQuestion,
    Pool,
    QuestionBase,
    Response,
    Slug,
    Status,
    Text,
    _ChoiceQuestion,
    check_response,
)
from learning.wording import count


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must be timezone-aware (UTC)")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class FeedbackMode(enum.StrEnum):
    PRACTICE = "practice"  # feedback after each question
    EXAM = "exam"  # feedback only after submitting


class GradingMethod(enum.StrEnum):
    """Which attempts count when a quiz may be taken more than once."""

    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"
    AVERAGE = "average"


class WhichAttempts(enum.StrEnum):
    """Which submitted attempts item analysis uses: the one each learner's grade counts, or all."""

    FIRST = "first"
    HIGHEST = "highest"
    LAST = "last"
    ALL = "all"

    @classmethod
    def counted_by(cls, method: GradingMethod) -> WhichAttempts:
        """The attempts a quiz's grading method counts (an average counts them all), as Moodle chooses by default."""
        return {GradingMethod.FIRST: cls.FIRST, GradingMethod.HIGHEST: cls.HIGHEST, GradingMethod.LAST: cls.LAST}.get(method, cls.ALL)


class Window(enum.StrEnum):
    """Where a moment falls in a quiz's window: before it opens, while open, or after it closed."""

    BEFORE = "before"
    OPEN = "open"
    CLOSED = "closed"


def read_every_lesson(*, lessons: Iterable[str], read: Iterable[str]) -> bool:
    """Whether a learner who has marked ``read`` as read has read every lesson of a course of
    ``lessons``: never in a course without lessons, where there is nothing to have read."""
    wanted = set(lessons)
    return bool(wanted) and wanted <= set(read)


class QuizKind(enum.StrEnum):
    """What a quiz is for. Checks, reviews and weak-spots quizzes are built by the engine, not
    read from files."""

    PRACTICE = "practice"
    UNIT_TEST = "unit_test"
    FINAL_EXAM = "final_exam"
    CHECK = "check"  # a lesson's "Check your understanding" questions, answered in place
    REVIEW = "review"  # a spaced-review session of the questions due
    WEAK_SPOTS = "weak_spots"  # practice picked for one learner's weak spots, each question with its reason

    @property
    def counts_as_a_quiz(self) -> bool:
        """Whether attempts of this kind belong in a learner's quiz history and transcript."""
        return self not in (QuizKind.CHECK, QuizKind.REVIEW)


class BlueprintRule(BaseModel):
    """At least ``count`` questions from any of ``lessons`` that test any of ``objectives`` and
    carry any of ``tags`` (each filter applies when given).

    ``critical: true`` limits the rule to critical questions; in a spec with ``critical_count``
    every other rule draws non-critical questions only.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    lessons: list[Slug] = Field(default_factory=list, description="Questions of any of these lessons.")
    objectives: list[Slug] = Field(default_factory=list, description="Questions testing any of these objectives.")
    tags: list[Slug] = Field(default_factory=list, description="Questions carrying any of these tags.")
    critical: bool = Field(default=False, description="Only critical questions.")
    count: Annotated[int, Field(ge=1)]
    label: str | None = Field(default=None, description="A name for the rule, such as the lesson it covers.")

    @model_validator(mode="after")
    def _selects_something(self) -> BlueprintRule:
        if not (self.lessons or self.objectives or self.tags or self.critical):
            raise ValueError("a blueprint rule needs lessons, objectives, tags or critical: true")
        return self

    def covers(self, question: QuestionBase) -> bool:
        if self.lessons and question.lesson not in self.lessons:
            return False
        if self.objectives and not set(self.objectives) & set(question.objectives):
            return False
        if self.tags and not set(self.tags) & set(question.tags):
            return False
        return question.critical or not self.critical

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        what = ", ".join([*self.lessons, *self.objectives, *self.tags]) or "any topic"
        return f"critical questions on {what}" if self.critical else what


class QuizSpec(BaseModel):
    """How to build and run one quiz."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    title: Text
    kind: QuizKind = QuizKind.PRACTICE
    description: str = ""
    unit: Slug | None = Field(default=None, description="The unit a unit test belongs to.")
    lessons: list[Slug] = Field(default_factory=list, description="Draw from these lessons (all when empty).")
    objectives: list[Slug] = Field(default_factory=list, description="Draw questions testing these objectives (all when empty).")
    pools: Annotated[list[Pool], Field(min_length=1)] = Field(
        default_factory=lambda: [Pool.PRACTICE], description="Draw from these pools: practice, exam or both."
    )
    question_count: Annotated[int, Field(ge=1)] | None = Field(default=None, description="How many to draw; all that match when absent.")
    critical_count: Annotated[int, Field(ge=0)] | None = Field(
        default=None,
        description="Exactly this many critical questions in every attempt: the critical rules draw them, the rest is non-critical.",
    )
    blueprint: list[BlueprintRule] = Field(
        default_factory=list, description="Rules such as 'at least 3 questions on these objectives', filled before the rest."
    )
    shuffle_questions: bool = True
    shuffle_options: bool = True
    pass_mark: Annotated[float, Field(ge=0.0, le=1.0)] = 0.8
    time_limit_minutes: Annotated[int, Field(ge=1)] | None = None
    attempts_allowed: Annotated[int, Field(ge=1)] | None = None
    grading_method: GradingMethod = GradingMethod.HIGHEST
    feedback_mode: FeedbackMode = FeedbackMode.PRACTICE
    critical_gates_pass: bool = Field(default=False, description="A wrong critical question fails the attempt.")
    requires_lessons_read: bool = Field(default=False, description="Locked until every lesson is read.")
    opens_at: UtcDatetime | None = Field(default=None, description="No attempt starts before this time (UTC).")
    closes_at: UtcDatetime | None = Field(default=None, description="No attempt starts from this time on (UTC): the due date.")
    classes: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, description="Only learners of these classes (ids from the records) see the quiz; everyone when empty."
    )

    @model_validator(mode="after")
    def _window_is_ordered(self) -> QuizSpec:
        if self.opens_at is not None and self.closes_at is not None and self.closes_at <= self.opens_at:
            raise ValueError("closes_at: must be after the opening time")
        return self

    @model_validator(mode="after")
    def _blueprint_fits(self) -> QuizSpec:
        wanted = sum(rule.count for rule in self.blueprint)
        if self.question_count is not None and wanted > self.question_count:
            raise ValueError(f"blueprint: asks for {wanted} questions but question_count is {self.question_count}")
        critical = sum(rule.count for rule in self.blueprint if rule.critical)
        if self.critical_count is not None:
            if critical > self.critical_count:
                raise ValueError(f"blueprint: asks for {critical} critical questions but critical_count is {self.critical_count}")
            if self.question_count is None:
                raise ValueError("critical_count: needs a question_count")
            if self.critical_count > self.question_count:
                raise ValueError(f"critical_count: {self.critical_count} is more than question_count ({self.question_count})")
        return self

    def is_unlocked(self, *, lessons: Iterable[str], read: Iterable[str]) -> bool:
        """Whether a learner who has read ``read`` may start this quiz in a course of ``lessons``.

        A quiz that needs every lesson read stays locked while the course has no lessons at all.
        """
        return not self.requires_lessons_read or read_every_lesson(lessons=lessons, read=read)

    def visible_to(self, class_ids: Iterable[int]) -> bool:
        """Whether a learner in the classes ``class_ids`` sees this quiz (a quiz for no class in
        particular is for everyone)."""
        return not self.classes or not set(self.classes).isdisjoint(class_ids)

    def window(self, now: datetime) -> Window:
        """Where ``now`` falls: before the quiz opens, while it is open, or once it has closed.

        The opening time is the first moment it is open, the closing time the first it is not.
        """
        now = _utc(now)
        if self.opens_at is not None and now < self.opens_at:
            return Window.BEFORE
        if self.closes_at is not None and now >= self.closes_at:
            return Window.CLOSED
        return Window.OPEN

    @property
    def scheduled(self) -> bool:
        """Whether the quiz is set for some classes or a window (an assignment, not open practice)."""
        return bool(self.classes) or self.opens_at is not None or self.closes_at is not None

    @property
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    def attempts_allowed_for(self, *, extra: int = 0) -> int | None:
        """How many attempts one learner may start: the quiz's own number plus the extra attempts
        an instructor granted them (None: no limit, whatever was granted)."""
        return None if self.attempts_allowed is None else self.attempts_allowed + max(0, extra)


REVIEW_ID = "spaced-review"
WEAK_SPOTS_ID = "weak-spots"


def check_spec(lesson_id: str, title: str) -> QuizSpec:
    """A lesson's "Check your understanding" questions, answered in place, in their order."""
    return QuizSpec(
        id=f"check-{lesson_id}",
        title=f"Check your understanding: {title}",
        kind=QuizKind.CHECK,
        lessons=[lesson_id],
        shuffle_questions=False,
        feedback_mode=FeedbackMode.PRACTICE,
    )


def review_spec() -> QuizSpec:
    """A spaced-review session: the questions due, one at a time, with feedback on each."""
    return QuizSpec(
        id=REVIEW_ID,
        title="Spaced review",
        kind=QuizKind.REVIEW,
        description="Questions you answered before, brought back just as you are about to forget them.",
        shuffle_questions=False,
        pass_mark=0.8,
        feedback_mode=FeedbackMode.PRACTICE,
    )


def weak_spots_spec(question_count: int) -> QuizSpec:
    """A "Practise my weak spots" quiz of ``question_count`` questions, in the order
    :func:`learning.weak_spots.draw` picked them, with feedback after each one.

    The questions themselves are chosen per learner (see :mod:`learning.weak_spots`), so the spec
    names no lessons: the store passes the picked questions in when it starts the attempt.
    """
    return QuizSpec(
        id=WEAK_SPOTS_ID,
        title="Practise my weak spots",
        kind=QuizKind.WEAK_SPOTS,
        description=(
            "Questions picked for you: ones you missed, ones due for review, your weakest objectives and "
            "what you have not practised yet, from the lessons you have read. Each question says why it was picked."
        ),
        question_count=question_count,
        pools=[Pool.PRACTICE],
        shuffle_questions=False,
        pass_mark=0.8,
        feedback_mode=FeedbackMode.PRACTICE,
    )


class DrawnQuestion(BaseModel):
    """A question as drawn into an attempt: enough to show and score it again exactly."""

    model_config = ConfigDict(frozen=True)

    id: str
    version: int
    points: float
    critical: bool = False
    objectives: list[str]
    option_order: list[str] = Field(default_factory=list, description="Option ids (choice questions) or choice ids (matching) as shown.")
    item_order: list[str] = Field(default_factory=list, description="Item ids as shown (matching and ordering).")
    reason: str | None = Field(default=None, description="Why it was picked for this learner (a weak-spots quiz), as the learner reads it.")


def eligible(spec: QuizSpec, questions: Iterable[QuestionBase]) -> list[QuestionBase]:
    pool = []
    for question in questions:
        if question.status is not Status.ACTIVE or question.pool not in spec.pools:
            continue
        if spec.lessons and question.lesson not in spec.lessons:
            continue
        if spec.objectives and not set(question.objectives) & set(spec.objectives):
            continue
        pool.append(question)
    return pool


def _shuffled(rng: random.Random, ids: Sequence[str], pinned: Sequence[bool]) -> list[str]:
    """Shuffle ``ids``, keeping the pinned ones in their places."""
    free = [i for i, pin in zip(ids, pinned, strict=True) if not pin]
    rng.shuffle(free)
    it = iter(free)
    return [i if pin else next(it) for i, pin in zip(ids, pinned, strict=True)]


def _draw(spec: QuizSpec, question: QuestionBase, rng: random.Random) -> DrawnQuestion:
    option_order: list[str] = []
    item_order: list[str] = []
    shuffle = spec.shuffle_options and getattr(question, "shuffle", True)
    match question:
        case _ChoiceQuestion():
            ids = [o.id for o in question.options]
            option_order = _shuffled(rng, ids, [o.pinned for o in question.options]) if shuffle else ids
        case MatchingQuestion():
            option_order = [c.id for c in question.choices]
            items = [i.id for i in question.items]
            item_order = _shuffled(rng, items, [False] * len(items)) if shuffle else items
        case OrderingQuestion():
            # An ordering question is always shown out of order, or there is nothing to do.
            correct = [i.id for i in question.items]
            item_order = list(correct)
            while item_order == correct:
                rng.shuffle(item_order)
    return DrawnQuestion(
        id=question.id,
        version=question.version,
        points=question.points,
        critical=question.critical,
        objectives=list(question.objectives),
        option_order=option_order,
        item_order=item_order,
    )


def assemble(spec: QuizSpec, questions: Iterable[QuestionBase], *, seed: int | str) -> list[DrawnQuestion]:
    """Draw the questions of one attempt: the same spec, bank and seed always give the same draw.

    Only active questions of the spec's pools are drawn. The blueprint is filled first, the rules
    with the fewest candidates first, then the rest of ``question_count`` from the whole pool.
    With ``critical_count`` the attempt has exactly that many critical questions: critical rules
    fill first, more critical questions are drawn up to the count, and everything else is
    non-critical. Questions that share an ``exclusion_group`` never land in the same attempt.

    Raises:
        AssemblyError: the bank has too few active questions for the count or the blueprint.
    """
    pool = eligible(spec, questions)
    rng = random.Random(f"{spec.id}|{seed}")
    draw = _Draw(rng)
    fixed_critical = spec.critical_count is not None

    def allowed(rule: BlueprintRule | None, question: QuestionBase) -> bool:
        if rule is not None and not rule.covers(question):
            return False
        return not fixed_critical or question.critical == (rule is not None and rule.critical)

    candidates = [[q for q in pool if allowed(rule, q)] for rule in spec.blueprint]
    for index in sorted(range(len(spec.blueprint)), key=lambda i: (len(candidates[i]), i)):
        rule = spec.blueprint[index]
        have = sum(1 for q in draw.chosen if rule.covers(q))
        need = max(0, rule.count - have)
        if draw.take(candidates[index], need) < need:
            available = sum(1 for q in draw.chosen if rule.covers(q))
            raise AssemblyError(
                f"quiz {spec.id!r}: the blueprint asks for {count(rule.count, 'question')} on {rule.name}, "
                f"but only {available} can be drawn for it"
            )
    if spec.critical_count is not None:
        need = spec.critical_count - sum(q.critical for q in draw.chosen)
        critical = [q for q in pool if q.critical]
        if draw.take(critical, need) < need:
            raise AssemblyError(
                f"quiz {spec.id!r} needs {count(spec.critical_count, 'critical question')} "
                f"but only {sum(q.critical for q in draw.chosen)} can be drawn"
            )
    wanted = spec.question_count if spec.question_count is not None else max(len(pool), len(draw.chosen))
    rest = [q for q in pool if not (fixed_critical and q.critical)]
    need = wanted - len(draw.chosen)
    if draw.take(rest, need) < need:
        raise AssemblyError(f"quiz {spec.id!r} needs {count(wanted, 'question')} but only {len(draw.chosen)} can be drawn together")
    chosen = draw.chosen
    if spec.shuffle_questions:
        rng.shuffle(chosen)
    else:
        position = {q.id: n for n, q in enumerate(pool)}
        chosen.sort(key=lambda q: position[q.id])
    if not chosen:
        raise AssemblyError(f"quiz {spec.id!r}: no active questions match it")
    return [_draw(spec, q, rng) for q in chosen]


class _Draw:
    """The questions drawn so far, and the exclusion groups they have closed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.chosen: list[QuestionBase] = []
        self._ids: set[str] = set()
        self._groups: set[str] = set()

    def free(self, candidates: list[QuestionBase]) -> list[QuestionBase]:
        return [q for q in candidates if q.id not in self._ids and q.exclusion_group not in self._groups]

    def take(self, candidates: list[QuestionBase], need: int) -> int:
        """Draw up to ``need`` of ``candidates`` at random, one per exclusion group; returns how many."""
        if need <= 0:
            return 0
        order = self.free(candidates)
        self.rng.shuffle(order)
        taken = 0
        for question in order:
            if taken == need:
                break
            if question.exclusion_group is not None:
                if question.exclusion_group in self._groups:
                    continue
                self._groups.add(question.exclusion_group)
            self.chosen.append(question)
            self._ids.add(question.id)
            taken += 1
        return taken


class AttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Answer(BaseModel):
    """One graded answer, kept with the question version it was graded against."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    question_version: int
    response: Response
    grade: Grade
    answered_at: UtcDatetime


class ObjectiveScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    objective: str
    points: float
    max_points: float

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


class AttemptResult(BaseModel):
    """The scored outcome of a submitted attempt."""

    model_config = ConfigDict(frozen=True)

    score: float = Field(ge=0.0, le=1.0)
    points: float
    max_points: float
    passed: bool
    pass_mark: float
    failed_critical: list[str] = Field(description="Critical questions not answered fully right.")
    unanswered: list[str]
    by_objective: list[ObjectiveScore]

    @property
    def reason(self) -> str:
        """Why the attempt passed or failed, in a sentence a learner understands."""
        percent = round(self.score * 100)
        mark = round(self.pass_mark * 100)
        if self.passed:
            return f"Passed with {percent}% (pass mark {mark}%)."
        if percent >= mark and self.failed_critical:
            failed = len(self.failed_critical)
            return (
                f"Not passed: you scored {percent}%, but {count(failed, 'critical question')} on safety or scope of practice "
                f"{'were' if failed > 1 else 'was'} not answered correctly, and every one must be."
            )
        return f"Not passed: {percent}% is below the pass mark of {mark}%."


class AnswerChange(enum.StrEnum):
    SAVED = "saved"  # a new answer (or, in exam mode, a changed one) was recorded
    UNCHANGED = "unchanged"  # the same response again: nothing new to record
    TIME_UP = "time_up"  # past the deadline: nothing recorded, the attempt is submitted


class Attempt(BaseModel):
    """One learner's go at one quiz. Immutable: actions return a new attempt."""

    model_config = ConfigDict(frozen=True)

    quiz_id: str
    seed: str
    feedback_mode: FeedbackMode
    started_at: UtcDatetime
    deadline: UtcDatetime | None = None
    questions: list[DrawnQuestion]
    answers: dict[str, Answer] = Field(default_factory=dict)
    status: AttemptStatus = AttemptStatus.IN_PROGRESS
    submitted_at: UtcDatetime | None = None

    @classmethod
    def start(
        cls, spec: QuizSpec, questions: Iterable[QuestionBase], *, seed: int | str, now: datetime, reasons: Mapping[str, str] | None = None
    ) -> Attempt:
        """Assemble a new attempt at ``spec``; raises :class:`AssemblyError` when it cannot be filled.

        ``reasons`` (question id to a sentence) says why each question was picked, kept with the
        drawn question so the quiz shows it (a weak-spots quiz).
        """
        now = _utc(now)
        drawn = assemble(spec, questions, seed=seed)
        if reasons:
            drawn = [d.model_copy(update={"reason": reasons[d.id]}) if d.id in reasons else d for d in drawn]
        deadline = now + spec.time_limit if spec.time_limit else None
        return cls(quiz_id=spec.id, seed=str(seed), feedback_mode=spec.feedback_mode, started_at=now, deadline=deadline, questions=drawn)

    def drawn(self, question_id: str) -> DrawnQuestion:
        for drawn in self.questions:
            if drawn.id == question_id:
                return drawn
        raise AttemptError(f"question {question_id!r} is not part of this attempt", reason="not_drawn")

    def clock(self, now: datetime) -> datetime:
        """The attempt's time at ``now``: never earlier than its start, its latest answer or its
        submission.

        The server clock is trusted, but a clock stepped back cannot give a learner time back,
        date an answer before one already given, or submit before the start.
        """
        stored = [self.started_at, *(a.answered_at for a in self.answers.values())]
        if self.submitted_at is not None:
            stored.append(self.submitted_at)
        return max(_utc(now), *stored)

    def is_expired(self, now: datetime) -> bool:
        return self.deadline is not None and self.clock(now) > self.deadline

    def time_left(self, now: datetime) -> timedelta | None:
        """The time left before the deadline (never more than the time limit), or None without one."""
        if self.deadline is None:
            return None
        return max(timedelta(0), self.deadline - self.clock(now))

    def answer(self, question: QuestionBase, response: Response, *, now: datetime) -> Answered:
        """Grade ``response`` and record it, returning the new attempt and what happened.

        In exam mode an answer may be changed until the attempt is submitted; in practice mode
        the first answer stands. The same response sent again (a double click, a retried
        request) changes nothing and returns the answer already recorded (``UNCHANGED``).
        Past the deadline nothing is recorded: the attempt comes back submitted as of its
        deadline, with the answers it had (``TIME_UP``).

        Raises:
            AttemptError: the attempt is submitted (``submitted``), the question is not in it
                (``not_drawn``), the question is not the version drawn (``version``), or a
                practice answer would change (``answered``).
            ResponseError: the response does not fit the question.
        """
        if self.status is AttemptStatus.SUBMITTED:
            raise AttemptError("this attempt has been submitted; no more answers can be given", reason="submitted")
        now = self.clock(now)
        if self.is_expired(now):
            return Answered(attempt=self.submit(now=now), change=AnswerChange.TIME_UP)
        drawn = self.drawn(question.id)
        if drawn.version != question.version:
            raise AttemptError(
                f"question {question.id!r} was drawn at version {drawn.version}, not {question.version}",
                reason="version",
            )
        check_response(question, response)
        previous = self.answers.get(question.id)
        if previous is not None and previous.response == response:
            return Answered(attempt=self, change=AnswerChange.UNCHANGED, answer=previous)
        if previous is not None and self.feedback_mode is FeedbackMode.PRACTICE:
            raise AttemptError("this question has already been answered in this practice attempt", reason="answered")
        answer = Answer(
            question_id=question.id, question_version=question.version, response=response, grade=grade(question, response), answered_at=now
        )
        attempt = self.model_copy(update={"answers": {**self.answers, question.id: answer}})
        return Answered(attempt=attempt, change=AnswerChange.SAVED, answer=answer)

    def submit(self, *, now: datetime) -> Attempt:
        """Close the attempt; submitting twice returns the same submitted attempt.

        Past the deadline the attempt is submitted as of the deadline, with what it has; never
        before its start or its latest answer (see :meth:`clock`).
        """
        if self.status is AttemptStatus.SUBMITTED:
            return self
        now = self.clock(now)
        at = min(now, self.deadline) if self.deadline else now
        return self.model_copy(update={"status": AttemptStatus.SUBMITTED, "submitted_at": at})

    def result(self, *, pass_mark: float, critical_gates_pass: bool) -> AttemptResult:
        """Score the attempt from its stored grades: total, pass or fail, and per objective."""
        points = max_points = 0.0
        failed_critical: list[str] = []
        unanswered: list[str] = []
        by_objective: dict[str, list[float]] = {}
        for drawn in self.questions:
            answer = self.answers.get(drawn.id)
            earned = answer.grade.points if answer else 0.0
            if answer is None:
                unanswered.append(drawn.id)
            if drawn.critical and (answer is None or not answer.grade.correct):
                failed_critical.append(drawn.id)
            points += earned
            max_points += drawn.points
            for objective in drawn.objectives:
                pair = by_objective.setdefault(objective, [0.0, 0.0])
                pair[0] += earned
                pair[1] += drawn.points
        score = min(1.0, points / max_points) if max_points else 0.0
        passed = score + 1e-9 >= pass_mark and not (critical_gates_pass and failed_critical)
        return AttemptResult(
            score=round(score, 9),
            points=round(points, 9),
            max_points=max_points,
            passed=passed,
            pass_mark=pass_mark,
            failed_critical=failed_critical,
            unanswered=unanswered,
            by_objective=[ObjectiveScore(objective=o, points=p, max_points=m) for o, (p, m) in sorted(by_objective.items())],
        )


class Answered(BaseModel):
    """What :meth:`Attempt.answer` did: the attempt after it, and the answer that stands."""

    model_config = ConfigDict(frozen=True)

    attempt: Attempt
    change: AnswerChange
    answer: Answer | None = None


def overall_score(scores: Sequence[float], method: GradingMethod) -> float | None:
    """The score that counts for a quiz, from its submitted attempts' scores in the order taken."""
    if not scores:
        return None
    match method:
        case GradingMethod.HIGHEST:
            return max(scores)
        case GradingMethod.LAST:
            return scores[-1]
        case GradingMethod.FIRST:
            return scores[0]
        case GradingMethod.AVERAGE:
            return sum(scores) / len(scores)
    raise ValueError(method)


def counted_attempts(scores: Sequence[tuple[str, float]], which: WhichAttempts) -> list[str]:
    """The ids of one learner's submitted attempts that item analysis uses, from ``(id, score)``
    in the order taken: the first, the highest (the earliest of equal ones), the last, or all."""
    if not scores or which is WhichAttempts.ALL:
        return [attempt_id for attempt_id, _ in scores]
    match which:
        case WhichAttempts.FIRST:
            return [scores[0][0]]
        case WhichAttempts.LAST:
            return [scores[-1][0]]
        case _:
            best = max(score for _, score in scores)
            return [next(attempt_id for attempt_id, score in scores if score == best)]
