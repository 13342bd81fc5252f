"""Practise my weak spots: which questions a learner's weak-spots quiz draws, and why each one.

Pure: the store gathers the learner's :class:`History` (their counted answers, the review cards
due, the lessons read) and calls :func:`draw`; the same course, history and seed always give the
same questions in the same order.

The candidates are the active practice-pool questions of the lessons the learner has marked as
read: never an exam-pool question (those are kept fresh for the unit tests and the final exam)
and never a question of a lesson not yet read. Each candidate gets the first reason that fits,
and a priority:

- *missed*: the learner's latest answer to it was wrong ("You missed this twice"); 4, and 0.1
  more for each wrong answer;
- *due*: its spaced-review card is due ("Due for review"); 3;
- *weak*: an objective it tests has answers and is below 80% mastery; 1 + (1 - mastery), so 1.2
  to 2, the weakest highest;
- *new*: an objective it tests has no answer yet ("New: not practised yet"); 1.5;
- *fresh*: anything else, a strong area kept fresh; 0.75 while an objective it tests has too few
  answers to count as mastered, else 0.5.

(When a question fits both *weak* and *new*, the higher priority wins.) Questions are then
taken one at a time, the highest priority first; each question already taken on the same
objective lowers the next one's priority by 15% (so a quiz leans on the weakest spots without
being about one thing only). A tie goes to a question the learner has not yet got right, then
to the lesson with fewer questions so far (so a new learner gets a spread across what they
read), then to a draw of the seed. Questions sharing
an exclusion group never come together. The picks are finally shuffled by the seed, so the
missed questions are not all at the start.
"""

from __future__ import annotations

import dataclasses
import enum
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from learning.course import Course
from learning.mastery import MASTERED_AT, ObjectiveMastery, objective_mastery
from learning.questions import Pool, QuestionBase
from learning.quiz import WEAK_SPOTS_ID

MIN_QUESTIONS = 5
MAX_QUESTIONS = 20
DEFAULT_QUESTIONS = 10
OFFER_AFTER = 5
"""Counted answers a learner needs before the course map offers the quiz: as many as the
smallest weak-spots quiz has questions, and more than one lesson's check questions (two or three),
so the picks rest on what the learner did rather than on a guess."""
SPREAD = 0.85
"""Each question already taken on an objective multiplies the priority of the next one on it by this."""


class Reason(enum.StrEnum):
    """Why a question was picked, in the order the reasons are tried."""

    MISSED = "missed"
    DUE = "due"
    WEAK = "weak"
    NEW = "new"
    FRESH = "fresh"


WEAK_SPOTS = frozenset({Reason.MISSED, Reason.DUE, Reason.WEAK})
"""The reasons that are weak spots: with none of them there is nothing to offer."""


class QuestionRecord(BaseModel):
    """One learner's counted answers to one question: how many were right (full marks) and
    wrong, and whether the latest was right."""

    model_config = ConfigDict(frozen=True)

    right: int = 0
    wrong: int = 0
    last_right: bool


class History(BaseModel):
    """What the draw knows of one learner."""

    model_config = ConfigDict(frozen=True)

    questions: dict[str, QuestionRecord] = Field(default_factory=dict, description="Counted answers by question id.")
    mastery: dict[str, ObjectiveMastery] = Field(default_factory=dict, description="Mastery by objective id (none: no answer yet).")
    due: frozenset[str] = Field(default=frozenset(), description="Questions whose review card is due now.")
    read: frozenset[str] = Field(default=frozenset(), description="Lessons marked as read.")

    @property
    def answers(self) -> int:
        """How many counted answers the learner has given."""
        return sum(r.right + r.wrong for r in self.questions.values())

    @classmethod
    def build(
        cls,
        answers_newest_first: Iterable[tuple[str, Iterable[str], float]],
        *,
        objective_ids: Iterable[str],
        due: Iterable[str],
        read: Iterable[str],
    ) -> History:
        """A history from counted answers, each ``(question id, objectives tested, score)``, the
        newest first. An answer is right with full marks, as :class:`learning.grading.Grade`
        has it; mastery is :func:`learning.mastery.objective_mastery` of the same answers."""
        answers = list(answers_newest_first)
        counts: dict[str, list[int]] = {}
        last: dict[str, bool] = {}
        for question_id, _objectives, score in answers:
            right = score == 1.0
            last.setdefault(question_id, right)
            pair = counts.setdefault(question_id, [0, 0])
            pair[0 if right else 1] += 1
        mastery = objective_mastery(((objectives, score) for _q, objectives, score in answers), objective_ids)
        return cls(
            questions={q: QuestionRecord(right=r, wrong=w, last_right=last[q]) for q, (r, w) in counts.items()},
            mastery={m.objective: m for m in mastery if m.answers},
            due=frozenset(due),
            read=frozenset(read),
        )


class Pick(BaseModel):
    """One question of a weak-spots quiz and why it was picked."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    reason: Reason
    text: str = Field(description="The reason as the learner reads it above the question.")
    objective: str | None = Field(default=None, description="The objective it was picked for, when it tests any.")


@dataclass(frozen=True)
class _Candidate:
    question: QuestionBase
    reason: Reason
    priority: float
    text: str
    objective: str | None
    right_last_time: bool = False


def _missed(wrong: int) -> str:
    if wrong == 1:
        return "You missed this last time"
    return "You missed this twice" if wrong == 2 else f"You missed this {wrong} times"


def _candidate(question: QuestionBase, history: History) -> _Candidate:
    """The reason, priority and objective one question of a read lesson is picked for."""
    known = [history.mastery[o] for o in question.objectives if o in history.mastery]
    unpractised = [o for o in question.objectives if o not in history.mastery]
    weakest = min(known, key=lambda m: (m.mastery, m.answers)) if known else None
    focus = weakest.objective if weakest else (unpractised[0] if unpractised else None)
    record = history.questions.get(question.id)
    if record is not None and not record.last_right:
        return _Candidate(question, Reason.MISSED, 4 + 0.1 * record.wrong, _missed(record.wrong), focus)
    if question.id in history.due:
        return _Candidate(question, Reason.DUE, 3.0, "Due for review", focus)
    options = []
    if weakest is not None and weakest.mastery < MASTERED_AT:
        percent = round(weakest.mastery * 100)
        text = f"Weak spot: {percent}% mastery of this objective so far"
        options.append(_Candidate(question, Reason.WEAK, 1 + (1 - weakest.mastery), text, weakest.objective))
    if unpractised:
        options.append(_Candidate(question, Reason.NEW, 1.5, "New: not practised yet", unpractised[0]))
    if any(not m.mastered for m in known):
        options.append(_Candidate(question, Reason.FRESH, 0.75, "Right so far: once more to make it stick", focus))
    options.append(_Candidate(question, Reason.FRESH, 0.5, "Keeping a strong area fresh", focus))
    best = max(options, key=lambda c: c.priority)  # the first of equals: weak before new
    return dataclasses.replace(best, right_last_time=record is not None)


def _candidates(course: Course, history: History) -> list[_Candidate]:
    """Every question the learner's quiz may draw, in bank order, with its reason."""
    return [
        _candidate(question, history)
        for question in course.active_questions()
        if question.pool is Pool.PRACTICE and question.lesson in history.read and course.lesson(question.lesson) is not None
    ]


def draw(course: Course, history: History, *, seed: int | str, count: int = DEFAULT_QUESTIONS) -> list[Pick]:
    """Pick up to ``count`` questions (5 to 20) for this learner, each with its reason (see the
    module's docstring). Fewer come back when fewer can be drawn; none when no lesson is read.

    Raises:
        ValueError: ``count`` is outside 5 to 20.
    """
    if not MIN_QUESTIONS <= count <= MAX_QUESTIONS:
        raise ValueError(f"a weak-spots quiz has {MIN_QUESTIONS} to {MAX_QUESTIONS} questions, not {count}")
    rng = random.Random(f"{WEAK_SPOTS_ID}|{seed}")
    pool = _candidates(course, history)
    tiebreak = {c.question.id: rng.random() for c in pool}
    on_objective: Counter[str | None] = Counter()
    in_lesson: Counter[str] = Counter()
    groups: set[str] = set()
    chosen: list[_Candidate] = []
    while len(chosen) < count:
        pool = [c for c in pool if c.question.exclusion_group is None or c.question.exclusion_group not in groups]
        if not pool:
            break
        best = max(
            pool,
            key=lambda c: (
                round(c.priority * SPREAD ** on_objective[c.objective], 9),
                not c.right_last_time,
                -in_lesson[c.question.lesson],
                tiebreak[c.question.id],
            ),
        )
        pool.remove(best)
        chosen.append(best)
        on_objective[best.objective] += 1
        in_lesson[best.question.lesson] += 1
        if best.question.exclusion_group is not None:
            groups.add(best.question.exclusion_group)
    rng.shuffle(chosen)
    return [Pick(question_id=c.question.id, reason=c.reason, text=c.text, objective=c.objective) for c in chosen]


def has_weak_spots(course: Course, history: History) -> bool:
    """Whether the course map offers "Practise my weak spots": the learner has given at least
    :data:`OFFER_AFTER` counted answers, the lessons they read hold enough questions for the
    smallest quiz, and at least one of them is a weak spot (missed, due for review, or on an
    objective below mastery). A learner with only unpractised lessons left is pointed to those
    lessons' own practice quizzes instead."""
    if history.answers < OFFER_AFTER:
        return False
    found = _candidates(course, history)
    return len(found) >= MIN_QUESTIONS and any(c.reason in WEAK_SPOTS for c in found)


def reasons(picks: Iterable[Pick]) -> Mapping[str, str]:
    """Each picked question's reason as the learner reads it, by question id."""
    return {p.question_id: p.text for p in picks}
