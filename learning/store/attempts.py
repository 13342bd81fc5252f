"""Attempts and answers, stored so that none is ever lost or counted twice.

Starting an attempt stores the quiz spec, the seed, the drawn questions with their versions
and option order, and a snapshot of each question as shown, so the attempt can be rebuilt
exactly after a refresh or a restart and graded against what the learner saw even if the bank
is edited meanwhile. Each answer is written in its own transaction the moment it is submitted;
the same answer sent twice is stored once and returns the same grade.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learning.course import Course
from learning.errors import AccessDenied, AttemptError
from learning.grading import Grade
from learning.questions import QUESTION_ADAPTER, QuestionBase, dump_question, parse_response
from learning.quiz import (
    Answer,
    AnswerChange,
    Attempt,
    AttemptResult,
    AttemptStatus,
    DrawnQuestion,
    FeedbackMode,
    QuizSpec,
    Window,
    overall_score,
)
from learning.store.accounts import Accounts, User, require_self
from learning.store.database import Database
from learning.store.review import Review
from learning.store.tables import AnswerRow, AttemptGrantRow, AttemptRow, LessonProgressRow, MembershipRow, QuestionSnapshotRow


class StoredAttempt(BaseModel):
    """An attempt as the screens need it: the domain attempt plus what was shown."""

    model_config = ConfigDict(frozen=True)

    id: str
    user_id: int
    spec: QuizSpec
    attempt: Attempt
    questions: dict[str, QuestionBase]
    flagged: list[str]
    result: AttemptResult | None = None
    voided: bool = False

    @property
    def submitted(self) -> bool:
        return self.attempt.status is AttemptStatus.SUBMITTED


class AnswerOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    grade: Grade
    revision: int
    duplicate: bool = False


class QuizStanding(BaseModel):
    """How a learner stands on one quiz: attempts used and the score that counts."""

    model_config = ConfigDict(frozen=True)

    quiz_id: str
    attempts_used: int
    attempts_allowed: int | None
    best: float | None
    counted: float | None
    passed: bool
    in_progress: str | None

    @property
    def attempts_left(self) -> int | None:
        return None if self.attempts_allowed is None else max(0, self.attempts_allowed - self.attempts_used)


COUNTED = AttemptRow.voided.is_(False)
"""The attempts that count: every one but those an instructor voided."""


def standing_of(spec: QuizSpec, rows: Sequence[Any], *, used: int, allowed: int | None) -> QuizStanding:
    """A learner's standing on ``spec`` from their counted attempts, oldest first (rows with
    ``id``, ``status``, ``score`` and ``passed``): the score that counts by the quiz's grading
    method, the best, whether any passed, and the attempt still open."""
    scores = [r.score for r in rows if r.status == AttemptStatus.SUBMITTED.value and r.score is not None]
    # Built from stored values without validating them again: a class's roster makes thousands.
    return QuizStanding.model_construct(
        quiz_id=spec.id,
        attempts_used=used,
        attempts_allowed=allowed,
        best=max(scores) if scores else None,
        counted=overall_score(scores, spec.grading_method),
        passed=any(r.passed for r in rows if r.status == AttemptStatus.SUBMITTED.value),
        in_progress=next((r.id for r in rows if r.status == AttemptStatus.IN_PROGRESS.value), None),
    )


def content_hash(question: QuestionBase) -> str:
    canonical = json.dumps(dump_question(question), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _answer_of(question: QuestionBase, row: AnswerRow) -> Answer:
    """A stored answer as the domain's :class:`Answer`."""
    return Answer(
        question_id=row.question_id,
        question_version=row.question_version,
        response=parse_response(question, row.response),
        grade=Grade.model_validate(row.grade),
        answered_at=row.answered_at,
    )


def _attempt_of(row: AttemptRow, answers: dict[str, Answer], *, only: str | None = None) -> Attempt:
    """A stored attempt as the domain's :class:`Attempt`, with the answers given; with ``only``, a
    view holding just that drawn question (all that answering one question needs)."""
    drawn = [d for d in row.drawn if only is None or d["id"] == only]
    return Attempt(
        quiz_id=row.quiz_id,
        seed=row.seed,
        feedback_mode=FeedbackMode(row.feedback_mode),
        started_at=row.started_at,
        deadline=row.deadline,
        questions=[DrawnQuestion.model_validate({k: v for k, v in d.items() if k != "hash"}) for d in drawn],
        answers=answers,
        status=AttemptStatus(row.status),
        submitted_at=row.submitted_at,
    )


class _Snapshots:
    """Questions as shown, parsed once: a snapshot is addressed by its content's hash, so it never
    changes and can be shared by every session (a bounded cache, least recently used out first)."""

    def __init__(self, size: int = 20_000) -> None:
        self._parsed: OrderedDict[str, QuestionBase] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, session: Session, hashes: set[str]) -> dict[str, QuestionBase]:
        with self._lock:
            found = {h: self._parsed[h] for h in hashes if h in self._parsed}
            for h in found:
                self._parsed.move_to_end(h)
        missing = hashes - found.keys()
        if missing:
            rows = session.execute(
                select(QuestionSnapshotRow.content_hash, QuestionSnapshotRow.content).where(QuestionSnapshotRow.content_hash.in_(missing))
            )
            parsed = {h: QUESTION_ADAPTER.validate_python(content) for h, content in rows}
            found.update(parsed)
            with self._lock:
                self._parsed.update(parsed)
                while len(self._parsed) > self._size:
                    self._parsed.popitem(last=False)
        return found


class Attempts:
    """Start, answer, flag, submit and resume attempts; the quiz rules are enforced here."""

    def __init__(self, database: Database, accounts: Accounts, review: Review, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.review = review
        self.course = course
        self._shown = _Snapshots()
        self.score_listeners: list[Callable[..., None]] = []
        """Called as ``listener(session, learner_id, quiz_id, now=now)`` inside the transaction that
        submits or voids an attempt: what must follow a quiz's counted score (the LMS gradebook's
        queue, :meth:`learning.store.lti.Lti.score_changed`) is written with it, or not at all."""

    # --- starting -----------------------------------------------------------------------

    def start(
        self,
        actor: User,
        spec: QuizSpec,
        *,
        now: datetime,
        seed: str | None = None,
        questions: Sequence[QuestionBase] | None = None,
        reasons: Mapping[str, str] | None = None,
    ) -> StoredAttempt:
        """Start (or resume) an attempt at ``spec`` for ``actor``.

        An unfinished attempt at the same quiz is returned instead of a new one; one past its
        time limit is submitted first. ``questions`` defaults to the course's bank; ``reasons``
        says why each question was picked (kept with the drawn question, shown above it).

        Raises:
            AttemptError: ``no_attempts_left`` when the spec's attempts are used up,
                ``locked`` when the spec needs every lesson read first, ``not_open`` or
                ``closed`` outside the spec's window, or ``not_assigned`` for a learner in none
                of the spec's classes.
            AssemblyError: the bank cannot fill the spec.
        """
        require_self(actor, actor.id)
        unfinished = self.unfinished(actor, now=now, quiz_id=spec.id)
        if unfinished:
            return unfinished[0]
        pool = list(questions) if questions is not None else self.course().questions
        seed = seed or uuid.uuid4().hex
        domain = Attempt.start(spec, pool, seed=seed, now=now, reasons=reasons)
        by_id = {q.id: q for q in pool}
        shown = {d.id: by_id[d.id] for d in domain.questions}
        # Hashes and snapshot rows are built before the transaction, which then only writes.
        digests = {question_id: content_hash(question) for question_id, question in shown.items()}
        snapshots = {
            digests[q.id]: {"content_hash": digests[q.id], "question_id": q.id, "version": q.version, "content": dump_question(q)}
            for q in shown.values()
        }
        attempt_id = str(uuid.uuid4())

        def work(session: Session) -> str:
            # The learner's row stays locked until this transaction ends, so two Start clicks at
            # once queue here: the second finds the first's attempt open and resumes it, and the
            # attempt count below cannot be read by two starts before either has written.
            self.accounts.require_writer(actor, actor.id, session=session, lock=True)
            open_id = session.scalar(
                select(AttemptRow.id)
                .where(AttemptRow.user_id == actor.id, AttemptRow.quiz_id == spec.id, AttemptRow.status == AttemptStatus.IN_PROGRESS.value)
                .order_by(AttemptRow.started_at.desc())
                .limit(1)
            )
            if open_id is not None:
                return open_id
            if not spec.is_unlocked(lessons=self.course().required_reading, read=self._lessons_read(session, actor.id)):
                raise AttemptError("read every lesson before you take this quiz", reason="locked")
            if not actor.is_instructor and not spec.visible_to(self._class_ids(session, actor.id)):
                raise AttemptError("this quiz is set for other classes", reason="not_assigned")
            window = spec.window(now)
            if window is Window.BEFORE:
                raise AttemptError("this quiz is not open yet", reason="not_open")
            if window is Window.CLOSED:
                raise AttemptError("this quiz has closed", reason="closed")
            used, allowed = self.allowance(session, actor.id, spec)
            if allowed is not None and used >= allowed:
                raise AttemptError(f"you have used all {allowed} attempts at this quiz", reason="no_attempts_left")
            # Snapshots are shared rows: insert them in one fixed order (by hash), or simultaneous
            # starts that drew the same questions in different orders wait on each other (a deadlock
            # on PostgreSQL, every time the bank changes and the first learners start an exam).
            for digest in sorted(snapshots):
                self.db.insert_if_absent(session, QuestionSnapshotRow, snapshots[digest], key=["content_hash"])
            # Only a picked question's reason can be None; left out, it reads back as None.
            drawn = [{**d.model_dump(mode="json", exclude_none=True), "hash": digests[d.id]} for d in domain.questions]
            session.add(
                AttemptRow(
                    id=attempt_id,
                    user_id=actor.id,
                    quiz_id=spec.id,
                    spec=spec.model_dump(mode="json"),
                    seed=str(seed),
                    feedback_mode=spec.feedback_mode.value,
                    drawn=drawn,
                    started_at=domain.started_at,
                    deadline=domain.deadline,
                    status=AttemptStatus.IN_PROGRESS.value,
                    flagged=[],
                )
            )
            return attempt_id

        return self.get(actor, self.db.run_write(work), now=now)

    @staticmethod
    def allowance(session: Session, user_id: int, spec: QuizSpec) -> tuple[int, int | None]:
        """The attempt-limit rule's figures for one learner and quiz: attempts used (every one
        started, less those an instructor voided) and attempts allowed (the quiz's, plus extra
        attempts granted; None: no limit)."""
        used = session.scalar(select(func.count()).where(AttemptRow.user_id == user_id, AttemptRow.quiz_id == spec.id, COUNTED)) or 0
        extra = 0
        if spec.attempts_allowed is not None:
            extra = session.scalar(select(func.count()).where(AttemptGrantRow.user_id == user_id, AttemptGrantRow.quiz_id == spec.id)) or 0
        return used, spec.attempts_allowed_for(extra=extra)

    def _class_ids(self, session: Session, user_id: int) -> set[int]:
        return set(session.scalars(select(MembershipRow.cohort_id).where(MembershipRow.user_id == user_id)))

    def _lessons_read(self, session: Session, user_id: int) -> set[str]:
        query = select(LessonProgressRow.lesson_id).where(LessonProgressRow.user_id == user_id, LessonProgressRow.completed_at.is_not(None))
        return set(session.scalars(query))

    # --- reading ------------------------------------------------------------------------

    def get(self, actor: User, attempt_id: str, *, now: datetime) -> StoredAttempt:
        """The attempt, rebuilt from the store; an attempt past its time limit is submitted first.

        Raises:
            AccessDenied: the attempt is not the actor's nor one of their cohort's learners'.
        """
        with self.db.read() as session:
            row = session.get(AttemptRow, attempt_id)
            if row is None:
                raise AccessDenied("no such attempt")
            self.accounts.require_read(actor, row.user_id, session=session)
            expired = row.status == AttemptStatus.IN_PROGRESS.value and row.deadline is not None and now > row.deadline
            if not expired:  # the usual case: one read
                return self._load(session, row)
        self._submit(row.user_id, attempt_id, now=now)
        with self.db.read() as session:
            return self._load(session, session.get_one(AttemptRow, attempt_id))

    def _load(self, session: Session, row: AttemptRow) -> StoredAttempt:
        hashes = {d["id"]: d["hash"] for d in row.drawn}
        shown = self._shown.get(session, set(hashes.values()))
        questions = {qid: shown[h] for qid, h in hashes.items()}
        answers = {
            a.question_id: _answer_of(questions[a.question_id], a)
            for a in session.scalars(select(AnswerRow).where(AnswerRow.attempt_id == row.id, AnswerRow.current.is_(True)))
        }
        attempt = _attempt_of(row, answers)
        return StoredAttempt(
            id=row.id,
            user_id=row.user_id,
            spec=QuizSpec.model_validate(row.spec),
            attempt=attempt,
            questions=questions,
            flagged=list(row.flagged or []),
            result=AttemptResult.model_validate(row.result) if row.result else None,
            voided=row.voided,
        )

    def unfinished(self, actor: User, *, now: datetime, quiz_id: str | None = None, among: set[str] | None = None) -> list[StoredAttempt]:
        """The actor's attempts still in progress, newest first (expired ones are submitted).

        ``quiz_id`` keeps one quiz's attempts, ``among`` those of a set of quizzes.
        """
        with self.db.read() as session:
            query = select(AttemptRow.id).where(AttemptRow.user_id == actor.id, AttemptRow.status == AttemptStatus.IN_PROGRESS.value)
            if quiz_id is not None:
                query = query.where(AttemptRow.quiz_id == quiz_id)
            if among is not None:
                query = query.where(AttemptRow.quiz_id.in_(among))
            ids = list(session.scalars(query.order_by(AttemptRow.started_at.desc())))
        attempts = [self.get(actor, attempt_id, now=now) for attempt_id in ids]
        return [a for a in attempts if not a.submitted]

    def history(self, actor: User, learner_id: int, *, quiz_id: str | None = None) -> list[StoredAttempt]:
        """A learner's attempts, oldest first."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            query = select(AttemptRow).where(AttemptRow.user_id == learner_id)
            if quiz_id is not None:
                query = query.where(AttemptRow.quiz_id == quiz_id)
            return [self._load(session, row) for row in session.scalars(query.order_by(AttemptRow.started_at))]

    def standing(self, actor: User, learner_id: int, spec: QuizSpec) -> QuizStanding:
        """Attempts used and allowed (extra attempts granted included) and the score that counts;
        a voided attempt is left out of all three."""
        with self.db.read() as session:
            self.accounts.require_read(actor, learner_id, session=session)
            rows = list(
                session.execute(
                    select(AttemptRow.id, AttemptRow.status, AttemptRow.score, AttemptRow.passed)
                    .where(AttemptRow.user_id == learner_id, AttemptRow.quiz_id == spec.id, COUNTED)
                    .order_by(AttemptRow.started_at)
                )
            )
            used, allowed = self.allowance(session, learner_id, spec)
        return standing_of(spec, rows, used=used, allowed=allowed)

    # --- answering ----------------------------------------------------------------------

    def answer(
        self, actor: User, attempt_id: str, question_id: str, response: object, *, now: datetime, confidence: str | None = None
    ) -> AnswerOutcome:
        """Grade and store one answer in its own transaction.

        Sending the same response again (a double click, a retried request) stores nothing
        new and returns the first grade. In exam mode a different response replaces the
        earlier one until the attempt is submitted.

        Raises:
            AttemptError: ``submitted``, ``time_up`` (the attempt is then submitted with what it
                has), ``not_drawn`` or ``answered`` (a practice answer cannot change).
            ResponseError: the response does not fit the question.
            AccessDenied: the attempt is not the actor's.
        """
        if confidence not in (None, "hard", "good", "easy"):
            raise ValueError("confidence is hard, good or easy")

        for _ in range(5):
            outcome = self._answer_once(actor, attempt_id, question_id, response, now=now, confidence=confidence)
            if outcome is not None:
                break
        else:  # five other writes to this question slipped in between reading and writing: give up cleanly
            raise AttemptError("this answer changed in another tab while it was being saved; send it again", reason="conflict")
        if isinstance(outcome, AttemptError):
            raise outcome
        return outcome

    def _answer_once(
        self, actor: User, attempt_id: str, question_id: str, response: object, *, now: datetime, confidence: str | None
    ) -> AnswerOutcome | AttemptError | None:
        """One try at :meth:`answer`: read and grade with no lock held, then write in a short
        transaction that first checks nothing changed meanwhile (``None``: something did, try again)."""
        # 1. Read what the rules need (this question's answer so far) and let the domain decide.
        with self.db.read() as session:
            row = session.get(AttemptRow, attempt_id)
            if row is None:
                raise AccessDenied("no such attempt")
            require_self(actor, row.user_id)
            attempt = _attempt_of(row, {}, only=question_id)
            attempt.drawn(question_id)  # raises not_drawn
            drawn = next(d for d in row.drawn if d["id"] == question_id)
            question = self._shown.get(session, {drawn["hash"]})[drawn["hash"]]
            latest = session.scalar(
                select(AnswerRow).where(
                    AnswerRow.attempt_id == attempt_id, AnswerRow.question_id == question_id, AnswerRow.current.is_(True)
                )
            )
            seen_status, seen_revision = row.status, latest.revision if latest is not None else 0
            # The view holds one question's answer: clamp to the attempt's latest answer here, so a
            # clock stepped back never dates this one earlier (the domain clamps to the rest).
            last_answered = session.scalar(select(func.max(AnswerRow.answered_at)).where(AnswerRow.attempt_id == attempt_id))
        if latest is not None:
            attempt = attempt.model_copy(update={"answers": {question_id: _answer_of(question, latest)}})
        at = attempt.clock(now) if last_answered is None else max(attempt.clock(now), last_answered)
        answered = attempt.answer(question, parse_response(question, response), now=at)  # grading happens here, unlocked
        if answered.change is AnswerChange.TIME_UP:
            self._submit(row.user_id, attempt_id, now=at)
            return AttemptError("the time for this attempt is up; it was submitted with the answers it had", reason="time_up")
        assert answered.answer is not None
        if answered.change is AnswerChange.UNCHANGED:
            assert latest is not None
            return AnswerOutcome(grade=answered.answer.grade, revision=latest.revision, duplicate=True)
        graded = answered.answer.grade
        values = {
            "attempt_id": attempt_id,
            "user_id": row.user_id,
            "question_id": question_id,
            "question_version": question.version,
            "question_hash": drawn["hash"],
            "objectives": list(question.objectives),
            "revision": seen_revision + 1,
            "current": True,
            "response": answered.answer.response.model_dump(mode="json"),
            "grade": graded.model_dump(mode="json"),
            "score": graded.score,
            "correct": graded.correct,
            "confidence": confidence,
            "answered_at": at,
        }

        # 2. Persist, if the attempt and this question's answers are still as they were read.
        def work(session: Session) -> AnswerOutcome | None:
            locked = self.db.for_update(session, select(AttemptRow.status).where(AttemptRow.id == attempt_id))
            self.accounts.require_writer(actor, row.user_id, session=session)
            current = session.scalar(
                select(AnswerRow).where(
                    AnswerRow.attempt_id == attempt_id, AnswerRow.question_id == question_id, AnswerRow.current.is_(True)
                )
            )
            if locked != seen_status or (current.revision if current is not None else 0) != seen_revision:
                return None
            if current is not None:
                current.current = False
                session.flush()
            answer = AnswerRow(**values)
            session.add(answer)
            session.flush()
            if row.feedback_mode == FeedbackMode.PRACTICE.value:
                self.review.record(
                    session, row.user_id, question_id, correct=graded.correct, confidence=confidence, now=at, answer_id=answer.id
                )
            return AnswerOutcome(grade=graded, revision=answer.revision)

        try:
            return self.db.run_write(work)
        except IntegrityError:  # a concurrent copy of the same request won the race: read again
            return None

    def set_flag(self, actor: User, attempt_id: str, question_id: str, flagged: bool) -> list[str]:
        """Flag a question to revisit (exam mode); returns the flagged ids."""

        def work(session: Session) -> list[str]:
            row = session.get(AttemptRow, attempt_id)
            if row is None:
                raise AccessDenied("no such attempt")
            self.accounts.require_writer(actor, row.user_id, session=session)
            if question_id not in {d["id"] for d in row.drawn}:
                raise AttemptError(f"question {question_id!r} is not part of this attempt", reason="not_drawn")
            current = [q for q in (row.flagged or []) if q != question_id]
            if flagged:
                current.append(question_id)
            row.flagged = current
            return current

        return self.db.run_write(work)

    # --- submitting ---------------------------------------------------------------------

    def submit(self, actor: User, attempt_id: str, *, now: datetime) -> StoredAttempt:
        """Submit and score the attempt; submitting again returns the same result."""
        with self.db.read() as session:
            row = session.get(AttemptRow, attempt_id)
            if row is None:
                raise AccessDenied("no such attempt")
            require_self(actor, row.user_id)
        self._submit(row.user_id, attempt_id, now=now)
        return self.get(actor, attempt_id, now=now)

    def _submit(self, user_id: int, attempt_id: str, *, now: datetime) -> None:
        def work(session: Session) -> None:
            row = self.db.for_update(session, select(AttemptRow).where(AttemptRow.id == attempt_id))
            if row is not None and row.status != AttemptStatus.SUBMITTED.value:
                self._finish(session, row, now=now)

        self.db.run_write(work)

    def _finish(self, session: Session, row: AttemptRow, *, now: datetime) -> None:
        stored = self._load(session, row)
        submitted = stored.attempt.submit(now=now)
        result = submitted.result(pass_mark=stored.spec.pass_mark, critical_gates_pass=stored.spec.critical_gates_pass)
        row.status = AttemptStatus.SUBMITTED.value
        row.submitted_at = submitted.submitted_at
        row.score = result.score
        row.passed = result.passed
        row.result = result.model_dump(mode="json")
        if row.feedback_mode == FeedbackMode.EXAM.value:
            answers = session.scalars(select(AnswerRow).where(AnswerRow.attempt_id == row.id, AnswerRow.current.is_(True)))
            for answer in answers:
                self.review.record(
                    session,
                    row.user_id,
                    answer.question_id,
                    correct=answer.correct,
                    confidence=answer.confidence,
                    now=submitted.submitted_at or now,
                    answer_id=answer.id,
                )
        self.counted_changed(session, row.user_id, row.quiz_id, now=now)

    def counted_changed(self, session: Session, learner_id: int, quiz_id: str, *, now: datetime) -> None:
        """Tell the score listeners, inside ``session``'s transaction, that a learner's counted
        score at a quiz may have changed."""
        for listener in self.score_listeners:
            listener(session, learner_id, quiz_id, now=now)
