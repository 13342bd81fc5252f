"""Item analysis over the learner records: which attempts, whose, and the figures, cached.

The maths is :mod:`learning.statistics`'; this module chooses the attempts (submitted ones of a
quiz, by learners of the instructor's classes or of one class, the ones the quiz's grading method
counts or all), reads their marks and responses in two queries, and caches each report by what
it depends on (quiz, class, attempt choice and the newest submission), so a page run never
recomputes unchanged figures. Only instructors may ask, about their own classes' learners; the
command line may ask about everyone. An attempt an instructor voided is left out.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import from_json
from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.orm import Session

from learning.course import Course
from learning.errors import AccessDenied
from learning.questions import QUESTION_ADAPTER, QuestionBase
from learning.quiz import AttemptStatus, GradingMethod, WhichAttempts, counted_attempts
from learning.statistics import ItemAnalysis, Marks, OptionAnalysis, flags, item_analysis, option_analysis, random_guess_score
from learning.store.accounts import Accounts, Role
from learning.store.attempts import COUNTED
from learning.store.authoring import Author, CommandLine
from learning.store.database import Database
from learning.store.tables import AnswerRow, AttemptRow, CohortRow, MembershipRow, QuestionSnapshotRow, UserRow

CACHE_SIZE = 64
ANALYSED = (AttemptRow.status == AttemptStatus.SUBMITTED.value, COUNTED)
"""The attempts item analysis reads: submitted ones that an instructor has not voided."""


class QuestionReport(BaseModel):
    """One question's place in the report: what it is, its figures' flags and its options."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    question: QuestionBase | None
    flags: list[str]
    options: OptionAnalysis | None


class StatisticsReport(BaseModel):
    """The item analysis of one quiz for one choice of learners and attempts."""

    model_config = ConfigDict(frozen=True)

    quiz_id: str
    cohort_id: int | None
    which: WhichAttempts
    learners: int
    analysis: ItemAnalysis
    questions: dict[str, QuestionReport]


class Statistics:
    """Item analysis for instructors (and the command line)."""

    def __init__(self, database: Database, accounts: Accounts, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.course = course
        self._cache: OrderedDict[tuple[Any, ...], tuple[weakref.ref[Course], StatisticsReport]] = OrderedDict()
        self._lock = threading.Lock()

    def report(
        self,
        actor: Author,
        quiz_id: str,
        *,
        cohort_id: int | None = None,
        which: WhichAttempts | None = None,
    ) -> StatisticsReport:
        """The item analysis of ``quiz_id`` over the chosen learners' submitted attempts.

        Args:
            cohort_id: one class of the instructor's; None for every learner of their classes
                (everyone, on the command line).
            which: the attempts to use; None for the ones the quiz's grading method counts.

        Raises:
            AccessDenied: the actor is not an active instructor, or the class is not theirs.
        """
        course = self.course()
        spec = course.quiz(quiz_id)
        method = spec.grading_method if spec is not None else GradingMethod.HIGHEST
        chosen_which = which or WhichAttempts.counted_by(method)
        with self.db.read() as session:
            learners = self._learners(session, actor, cohort_id)
            attempts = select(AttemptRow).where(AttemptRow.quiz_id == quiz_id, *ANALYSED)
            if learners is not None:
                attempts = attempts.where(AttemptRow.user_id.in_(learners))
            submitted = attempts.subquery()
            stamp = session.execute(select(func.count(), func.max(submitted.c.submitted_at))).one()
            key = (quiz_id, cohort_id, chosen_which, _actor_key(actor), stamp[0], stamp[1])
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None and cached[0]() is course:  # the same course as loaded then (a bank edit reloads it)
                    self._cache.move_to_end(key)
                    return cached[1]
            report = self._compute(session, course, quiz_id, cohort_id, chosen_which, attempts)
        with self._lock:
            self._cache[key] = (weakref.ref(course), report)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return report

    def _learners(self, session: Session, actor: Author, cohort_id: int | None) -> Select[int] | None:
        """A query of the learners the actor may analyse (None: everyone, for the command line)."""
        if isinstance(actor, CommandLine):
            if cohort_id is None:
                return None
            return select(MembershipRow.user_id).where(MembershipRow.cohort_id == cohort_id)
        row = session.get(UserRow, actor.id)
        if row is None or row.disabled or row.role != Role.INSTRUCTOR.value:
            raise AccessDenied("only instructors can see item statistics")
        own = {cohort.id for cohort in self.accounts.cohorts(actor)}
        if cohort_id is not None and cohort_id not in own:
            raise AccessDenied("you can only see the statistics of your own classes")
        classes = [cohort_id] if cohort_id is not None else sorted(own)
        return select(MembershipRow.user_id).where(MembershipRow.cohort_id.in_(classes))

    def _compute(
        self,
        session: Session,
        course: Course,
        quiz_id: str,
        cohort_id: int | None,
        which: WhichAttempts,
        attempts: Select[AttemptRow],
    ) -> StatisticsReport:
        taken = session.execute(
            attempts.with_only_columns(AttemptRow.id, AttemptRow.user_id, AttemptRow.score).order_by(
                AttemptRow.user_id, AttemptRow.started_at, AttemptRow.id
            )
        ).all()
        by_learner: dict[int, list[tuple[str, float]]] = defaultdict(list)
        for attempt_id, user_id, score in taken:
            by_learner[user_id].append((attempt_id, score or 0.0))
        chosen = [a for scores in by_learner.values() for a in counted_attempts(scores, which)]
        number = {attempt_id: n for n, attempt_id in enumerate(chosen)}
        # Only the chosen attempts' questions and answers are read (the others may be most of
        # them); identical responses, stored as the same JSON text, are decoded once.
        drawn: dict[str, list[tuple[str, float]]] = {}
        earned: dict[tuple[str, str], float] = {}
        responses: dict[tuple[str, str], dict[str, Any]] = {}
        hashes: dict[str, str] = {}
        decoded: dict[str, dict[str, Any]] = {}
        connection = session.connection()  # plain rows: no ORM bookkeeping over tens of thousands of them
        for batch in _batches(chosen):
            shown = connection.execute(select(AttemptRow.id, cast(AttemptRow.drawn, Text)).where(AttemptRow.id.in_(batch)))
            for attempt_id, listed in shown:
                drawn[attempt_id] = [(str(q["id"]), float(q["points"])) for q in from_json(listed)]
            answers = connection.execute(
                select(
                    AnswerRow.attempt_id, AnswerRow.question_id, AnswerRow.score, cast(AnswerRow.response, Text), AnswerRow.question_hash
                ).where(AnswerRow.current.is_(True), AnswerRow.attempt_id.in_(batch))
            )
            for attempt_id, question_id, score, stored, question_hash in answers:
                earned[attempt_id, question_id] = score
                found = decoded.get(stored)
                if found is None:
                    found = decoded[stored] = from_json(stored)
                responses[attempt_id, question_id] = found
                hashes.setdefault(question_id, question_hash)
        rows = [
            (number[attempt_id], question_id, position, earned.get((attempt_id, question_id), 0.0) * points, points)
            for attempt_id in chosen
            for position, (question_id, points) in enumerate(drawn[attempt_id])
        ]
        marks = Marks.of(rows)
        questions = self._questions(session, course, {str(q) for q in np.unique(marks.question)}, hashes)
        analysis = item_analysis(marks, guesses={qid: random_guess_score(q) for qid, q in questions.items()})
        totals, _ = marks.totals()
        per_question: dict[str, list[tuple[dict[str, Any], float]]] = defaultdict(list)
        points = {attempt_id: dict(shown) for attempt_id, shown in drawn.items()}
        for (attempt_id, question_id), response in responses.items():
            mark = earned[attempt_id, question_id] * points[attempt_id].get(question_id, 0.0)
            per_question[question_id].append((response, float(totals[number[attempt_id]] - mark)))
        reports = {}
        for figures in analysis.questions:
            question = questions.get(figures.question_id)
            options = option_analysis(question, per_question[figures.question_id]) if question is not None else None
            reports[figures.question_id] = QuestionReport(
                question_id=figures.question_id, question=question, flags=flags(figures, options), options=options
            )
        return StatisticsReport(
            quiz_id=quiz_id, cohort_id=cohort_id, which=which, learners=len(by_learner), analysis=analysis, questions=reports
        )

    @staticmethod
    def _questions(session: Session, course: Course, ids: Iterable[str], hashes: dict[str, str]) -> dict[str, QuestionBase]:
        """Each question as the bank has it now, else as it was last shown (a question since deleted)."""
        found: dict[str, QuestionBase] = {}
        missing = []
        for question_id in ids:
            current = course.question(question_id)
            if current is not None:
                found[question_id] = current
            elif question_id in hashes:
                missing.append(hashes[question_id])
        if missing:
            for content in session.scalars(select(QuestionSnapshotRow.content).where(QuestionSnapshotRow.content_hash.in_(missing))):
                try:
                    question = QUESTION_ADAPTER.validate_python(content)
                except ValidationError:
                    continue
                found[question.id] = question
        return found

    def quizzes_taken(self, actor: Author, quiz_ids: Sequence[str], *, cohort_id: int | None = None) -> set[str]:
        """Which of ``quiz_ids`` have a submitted attempt by a learner the actor may analyse.

        Raises:
            AccessDenied: as :meth:`report`.
        """
        with self.db.read() as session:
            learners = self._learners(session, actor, cohort_id)
            query = select(AttemptRow.quiz_id).where(AttemptRow.quiz_id.in_(quiz_ids), *ANALYSED)
            if learners is not None:
                query = query.where(AttemptRow.user_id.in_(learners))
            return set(session.scalars(query.distinct()))


BATCH = 500
"""Attempts read per query, well within every database's limit on bound parameters."""


def _batches(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _actor_key(actor: Author) -> object:
    return "command line" if isinstance(actor, CommandLine) else actor.id


def cohort_named(session: Session, name_or_id: str) -> int | None:
    """The id of the class with this id or name (for the command line); None when there is none."""
    if name_or_id.isdigit() and session.get(CohortRow, int(name_or_id)) is not None:
        return int(name_or_id)
    return session.scalar(select(CohortRow.id).where(CohortRow.name == name_or_id).order_by(CohortRow.id).limit(1))
