"""Editing the question bank: saves, history, restore, retire, delete, bulk changes and new ids.

Questions live in the bank files (:mod:`learning.bank` saves them atomically, bumps versions and
refuses a save based on a stale read); every save is also recorded in ``question_history`` with
its whole content, its author, its time and a note, so the editor can list the versions, show
what changed and restore one. Only active instructor accounts may write, checked here against
the database on every call; the command line writes as :data:`COMMAND_LINE`.

The first time a question is changed through here, the version it had in its file is recorded
first (author "bank file"), so even a question written by hand can be restored.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learning.authoring import LastEdit, next_id
from learning.bank import (
    BankSnapshot,
    Rewritten,
    bank_ids,
    display_path,
    file_has_id,
    find_question_file,
    read_bank_file,
    rewrite_bank_file,
    undo_rewrite,
)
from learning.course import Course
from learning.errors import AccessDenied, AuthoringError
from learning.questions import QUESTION_ADAPTER, QuestionBase, Status, dump_question
from learning.store.accounts import Accounts, Role, User
from learning.store.database import Database
from learning.store.tables import AnswerRow, QuestionHistoryRow, QuestionSnapshotRow, UserRow

BANK_FILE_AUTHOR = "bank file"
COMMAND_LINE_AUTHOR = "command line"


class CommandLine(BaseModel):
    """The author of edits made with ``python -m learning questions ...``: whoever may run it
    may already write the bank files, so it needs no account."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["command line"] = "command line"


COMMAND_LINE = CommandLine()
Author = User | CommandLine


class Saved(BaseModel):
    """A question as saved (with its new version) and its bank file's digest after the save,
    to base the next edit on."""

    model_config = ConfigDict(frozen=True)

    question: QuestionBase
    digest: str
    file: str

    @property
    def version(self) -> int:
        return self.question.version


class HistoryEntry(BaseModel):
    """One recorded save of a question."""

    model_config = ConfigDict(frozen=True)

    version: int
    content: QuestionBase
    author: str
    author_id: int | None = None
    saved_at: datetime
    note: str = ""


@dataclass
class _Batch:
    """The bank files one change has saved so far, and the saves to record."""

    rewrites: list[tuple[Path, Rewritten]] = field(default_factory=list)
    recorded: list[tuple[QuestionBase, QuestionBase | None, datetime | None]] = field(default_factory=list)

    def rewrite(
        self,
        path: Path,
        *,
        base_digest: str | None,
        put: Sequence[QuestionBase] = (),
        remove: Collection[str] = (),
        arriving: Collection[str] = (),
    ) -> Rewritten:
        rewritten = rewrite_bank_file(path, base_digest=base_digest, put=put, remove=remove, arriving=arriving)
        self.rewrites.append((path, rewritten))
        return rewritten

    def record(self, saved: QuestionBase, before: QuestionBase | None, written_at: datetime | None) -> None:
        self.recorded.append((saved, before, written_at))


@dataclass
class _FileChange:
    """What one bulk change does to one bank file."""

    put: list[QuestionBase] = field(default_factory=list)
    arriving: set[str] = field(default_factory=set)
    remove: set[str] = field(default_factory=set)


class Authoring:
    """Writing the question bank, with history; instructors only."""

    def __init__(self, database: Database, accounts: Accounts, course: Callable[[], Course]) -> None:
        self.db = database
        self.accounts = accounts
        self.course = course

    # --- access -----------------------------------------------------------------------------

    def _require_author(self, actor: Author) -> None:
        """An active instructor, as the database says now (a role or account changed since the
        page opened counts), or the command line."""
        if isinstance(actor, CommandLine):
            return
        if actor.disabled or not actor.is_instructor:
            raise AccessDenied("only instructors can change the question bank")
        with self.db.read() as session:
            row = session.get(UserRow, actor.id)
            if row is None or row.disabled or row.role != Role.INSTRUCTOR.value:
                raise AccessDenied("only instructors can change the question bank")

    # --- where questions live ---------------------------------------------------------------

    def _bank_dir(self, course: Course) -> Path:
        if course.bank_dir is not None:
            return course.bank_dir
        for path in course.question_files.values():
            return path.parent
        raise AuthoringError("the course has no question bank folder")

    def _file_of(self, course: Course, question_id: str) -> Path | None:
        """The bank file that holds ``question_id`` now (the course may be a moment behind)."""
        known = course.question_files.get(question_id)
        if known is not None and file_has_id(known, question_id):
            return known
        return find_question_file(self._bank_dir(course), question_id)

    def _stored(self, course: Course, question_id: str) -> tuple[Path, BankSnapshot, QuestionBase]:
        path = self._file_of(course, question_id)
        if path is None:
            raise AuthoringError(f'there is no question "{question_id}" in the bank')
        snapshot = read_bank_file(path)
        for question in snapshot.questions:
            if question.id == question_id:
                return path, snapshot, question
        raise AuthoringError(f'question "{question_id}" in {display_path(path)} has errors; fix them in the file first')

    # --- saving -----------------------------------------------------------------------------

    def save(self, actor: Author, question: QuestionBase, *, base_digest: str | None, note: str = "", now: datetime | None = None) -> Saved:
        """Save ``question`` to its bank file (a new one to its lesson's file) and record it.

        Args:
            actor: the instructor saving (or :data:`COMMAND_LINE`).
            question: the question as edited; its version is set by the save.
            base_digest: the digest of the file the edit was based on (``BankSnapshot.digest``
                or the last ``Saved.digest``); None for a file that does not exist yet.
            note: a one-line note for the history.
            now: the time to record (the server clock by default).

        Returns:
            The question as saved, at the stored version plus one (unchanged when nothing
            changed, and then nothing is recorded), and the file's new digest.

        Raises:
            AccessDenied: the actor is not an active instructor.
            ConflictError: the file changed since ``base_digest``, or the id is used in another file.
            ContentError: the file on disk cannot be parsed, so it is not rewritten.
        """
        self._require_author(actor)
        course = self.course()
        path = self._file_of(course, question.id) or self._bank_dir(course) / f"{question.lesson}.json"
        before = _find(read_bank_file(path), question.id)
        written_at = _modified(path)
        target = self._bank_dir(course) / f"{question.lesson}.json"
        with self._saving(actor, note=note, now=now) as batch:
            if before is not None and question.lesson != before.lesson and target != path and path.name == f"{before.lesson}.json":
                # A new lesson: the question moves to that lesson's file (written first, so it is
                # never missing from the bank), then leaves its old one.
                moved = question.model_copy(update={"version": before.version + 1})
                arrived = batch.rewrite(target, base_digest=read_bank_file(target).digest, put=[moved], arriving={question.id})
                batch.rewrite(path, base_digest=base_digest, remove={question.id})
                saved, digest, path = arrived.questions[0], arrived.digest, target
            else:
                rewritten = batch.rewrite(path, base_digest=base_digest, put=[question])
                saved, digest = rewritten.questions[0], rewritten.digest
            if before is None or saved.version != before.version:
                batch.record(saved, before, written_at)
        return Saved(question=saved, digest=digest, file=display_path(path))

    def restore(self, actor: Author, question_id: str, version: int, *, base_digest: str | None, now: datetime | None = None) -> Saved:
        """Save the content a question had at ``version`` as its newest version.

        Raises:
            AccessDenied, ConflictError: as for :meth:`save`.
            AuthoringError: no such version is recorded.
        """
        self._require_author(actor)
        old = next((entry for entry in self._history(question_id) if entry.version == version), None)
        if old is None:
            raise AuthoringError(f'no version {version} of question "{question_id}" is recorded')
        return self.save(actor, old.content, base_digest=base_digest, note=f"restored version {version}", now=now)

    def retire(self, actor: Author, question_id: str, *, base_digest: str | None = None, now: datetime | None = None) -> Saved:
        """Retire a question: it stays in the bank (and in learners' records) but no quiz draws it.

        ``base_digest`` None retires whatever the file holds now.
        """
        self._require_author(actor)
        _path, snapshot, question = self._stored(self.course(), question_id)
        retired = question.model_copy(update={"status": Status.RETIRED})
        return self.save(actor, retired, base_digest=snapshot.digest if base_digest is None else base_digest, note="retired", now=now)

    def delete(self, actor: Author, question_id: str, *, now: datetime | None = None) -> None:
        """Take a draft that no learner has answered out of the bank. Its history is kept, so its
        id is never given again.

        Raises:
            AccessDenied: the actor is not an active instructor.
            AuthoringError: the question is not a draft, or a learner has answered it (retire it instead).
        """
        self._require_author(actor)
        path, snapshot, question = self._stored(self.course(), question_id)
        if question.status is not Status.DRAFT:
            raise AuthoringError(f'question "{question_id}" is {question.status.value}: only a draft can be deleted; retire it instead')
        if self.answered(question_id):
            raise AuthoringError(f'learners have answered question "{question_id}": it can be retired but not deleted')
        with self._saving(actor, note="deleted", now=now) as batch:
            batch.rewrite(path, base_digest=snapshot.digest, remove={question_id})
            batch.record(question, None, None)

    def bulk(
        self,
        actor: Author,
        question_ids: Iterable[str],
        *,
        status: Status | None = None,
        add_tag: str | None = None,
        remove_tag: str | None = None,
        move_to: tuple[str, str] | None = None,
        now: datetime | None = None,
    ) -> list[Saved]:
        """Change many questions at once: one atomic save per bank file, each changed question's
        version bumped and recorded. A question moved to another lesson moves to that lesson's
        file (written first, so a question is never missing from the bank).

        Args:
            move_to: ``(lesson id, section anchor)``; the section must be one of the lesson's.

        Returns:
            The questions that changed, as saved.

        Raises:
            AccessDenied: the actor is not an active instructor.
            AuthoringError: a question is not in the bank, the tag is not a valid tag, or the
                lesson section does not exist.
            ConflictError: a file changed while the change was being made; the files this change
                had already saved are put back, so nothing of it is saved.
        """
        self._require_author(actor)
        course = self.course()
        if move_to is not None:
            lesson = course.lesson(move_to[0])
            if lesson is None or move_to[1] not in {s.id for s in lesson.sections}:
                raise AuthoringError(f"there is no section {move_to[1]!r} in lesson {move_to[0]!r}")
        bank_dir = self._bank_dir(course)
        changes: dict[Path, _FileChange] = defaultdict(_FileChange)
        originals: dict[str, tuple[QuestionBase, datetime | None]] = {}
        digests: dict[Path, str | None] = {}
        notes = _bulk_note(status=status, add_tag=add_tag, remove_tag=remove_tag, move_to=move_to)
        for question_id in dict.fromkeys(question_ids):
            path, snapshot, question = self._stored(course, question_id)
            digests.setdefault(path, snapshot.digest)
            changed = _changed(question, status=status, add_tag=add_tag, remove_tag=remove_tag, move_to=move_to)
            if dump_question(changed) == dump_question(question):
                continue
            originals[question_id] = (question, _modified(path))
            target = bank_dir / f"{changed.lesson}.json" if changed.lesson != question.lesson else path
            if target == path:
                changes[path].put.append(changed)
            else:
                changes[target].put.append(changed.model_copy(update={"version": question.version + 1}))
                changes[target].arriving.add(question_id)
                changes[path].remove.add(question_id)
        saved: list[Saved] = []
        # Files that receive questions first: until their old file drops them, they are in both
        # (the first in name order is served), never in neither.
        with self._saving(actor, note=notes, now=now) as batch:
            for path in sorted(changes, key=lambda p: (not changes[p].arriving, p.name)):
                change = changes[path]
                if path not in digests:
                    digests[path] = read_bank_file(path).digest
                rewritten = batch.rewrite(path, base_digest=digests[path], put=change.put, remove=change.remove, arriving=change.arriving)
                for question in rewritten.questions:
                    saved.append(Saved(question=question, digest=rewritten.digest, file=display_path(path)))
                    batch.record(question, *originals[question.id])
        return saved

    def import_questions(
        self,
        actor: Author,
        questions: Sequence[QuestionBase],
        *,
        updates: Collection[str] = (),
        note: str,
        now: datetime | None = None,
    ) -> list[Saved]:
        """Save imported questions: one atomic save per bank file, each question recorded in the
        history with ``note`` (such as "imported from questions.gift.txt").

        A new question goes to its lesson's file at version 1; a question whose id is in
        ``updates`` replaces the bank's question of that id where it lives (its version bumped).

        Raises:
            AccessDenied: the actor is not an active instructor.
            AuthoringError: an update names a question the bank does not have.
            ConflictError: a file changed while the import was saving it, or a new id is already
                used (the import was read before another save); nothing of the import is saved.
        """
        self._require_author(actor)
        course = self.course()
        bank_dir = self._bank_dir(course)
        updating = set(updates)
        puts: dict[Path, list[QuestionBase]] = defaultdict(list)
        for question in questions:
            if question.id in updating:
                path = self._file_of(course, question.id)
                if path is None:
                    raise AuthoringError(f'there is no question "{question.id}" in the bank to update')
            else:
                path = bank_dir / f"{question.lesson}.json"
            puts[path].append(question)
        saved: list[Saved] = []
        with self._saving(actor, note=note, now=now) as batch:
            for path in sorted(puts, key=lambda p: p.name):
                snapshot = read_bank_file(path)
                before = {q.id: q for q in snapshot.questions}
                written_at = _modified(path)
                rewritten = batch.rewrite(path, base_digest=snapshot.digest, put=puts[path])
                for question in rewritten.questions:
                    if question.id not in before or before[question.id].version != question.version:
                        batch.record(question, before.get(question.id), written_at)
                saved.extend(Saved(question=q, digest=rewritten.digest, file=display_path(path)) for q in rewritten.questions)
        return saved

    # --- history ----------------------------------------------------------------------------

    def history(self, actor: Author, question_id: str) -> list[HistoryEntry]:
        """Every recorded version of a question, newest first (instructors only)."""
        _require_instructor_reader(actor)
        return self._history(question_id)

    def _history(self, question_id: str) -> list[HistoryEntry]:
        with self.db.read() as session:
            rows = session.execute(
                select(QuestionHistoryRow, UserRow.display_name)
                .outerjoin(UserRow, UserRow.id == QuestionHistoryRow.author_id)
                .where(QuestionHistoryRow.question_id == question_id)
                .order_by(QuestionHistoryRow.saved_at.desc(), QuestionHistoryRow.id.desc())
            ).all()
        entries = []
        for row, name in rows:
            try:
                content = QUESTION_ADAPTER.validate_python(row.content)
            except ValidationError:  # recorded by a version of the app whose models differ
                continue
            entries.append(
                HistoryEntry(
                    version=row.version,
                    content=content,
                    author=name or row.author_label,
                    author_id=row.author_id,
                    saved_at=row.saved_at,
                    note=row.note,
                )
            )
        return entries

    def last_edits(self, actor: Author) -> dict[str, LastEdit]:
        """The newest recorded save of every question that has one, by question id."""
        _require_instructor_reader(actor)
        newest = select(func.max(QuestionHistoryRow.id)).group_by(QuestionHistoryRow.question_id).scalar_subquery()
        with self.db.read() as session:
            rows = session.execute(
                select(
                    QuestionHistoryRow.question_id,
                    QuestionHistoryRow.version,
                    QuestionHistoryRow.saved_at,
                    QuestionHistoryRow.author_label,
                    UserRow.display_name,
                )
                .outerjoin(UserRow, UserRow.id == QuestionHistoryRow.author_id)
                .where(QuestionHistoryRow.id.in_(newest))
            ).all()
        return {qid: LastEdit(version=version, author=name or label, saved_at=saved_at) for qid, version, saved_at, label, name in rows}

    @contextlib.contextmanager
    def _saving(self, actor: Author, *, note: str, now: datetime | None) -> Iterator[_Batch]:
        """Bank file saves made in the block, recorded in the history in one database transaction
        opened first: a database that cannot be written refuses the save before any file changes,
        and if recording fails, or a later file of the same change conflicts, the files already
        saved are put back (unless someone saved them since), so no save goes unrecorded."""
        batch = _Batch()
        try:
            with self.db.write() as session:
                session.execute(select(1))  # the database is there and writable before a file changes
                yield batch
                self._add_history(session, actor, batch.recorded, note=note, now=now)
        except BaseException:
            for path, rewritten in reversed(batch.rewrites):
                undo_rewrite(path, rewritten)
            raise

    @staticmethod
    def _add_history(
        session: Session,
        actor: Author,
        saves: list[tuple[QuestionBase, QuestionBase | None, datetime | None]],
        *,
        note: str,
        now: datetime | None,
    ) -> None:
        """Record each saved question, given with the version its file held before (and when
        that file was written): a question recorded for the first time gets that version
        recorded first."""
        if not saves:
            return
        when = now or datetime.now(UTC)
        author_id = None if isinstance(actor, CommandLine) else actor.id
        label = COMMAND_LINE_AUTHOR if isinstance(actor, CommandLine) else actor.display_name[:120]
        ids = {saved.id for saved, _, _ in saves}
        known = set(session.scalars(select(QuestionHistoryRow.question_id).where(QuestionHistoryRow.question_id.in_(ids)).distinct()))
        for saved, before, written_at in saves:
            if before is not None and saved.id not in known and before.version != saved.version:
                at = min(written_at or when, when)
                session.add(_row(before, author_id=None, label=BANK_FILE_AUTHOR, at=at, note="as it was in the bank file"))
                known.add(saved.id)
            session.add(_row(saved, author_id=author_id, label=label, at=when, note=note[:300]))
        session.flush()

    # --- ids and answers --------------------------------------------------------------------

    def answered(self, question_id: str) -> bool:
        """Whether any learner has answered this question (in any attempt, at any version)."""
        with self.db.read() as session:
            return session.scalar(select(AnswerRow.id).where(AnswerRow.question_id == question_id).limit(1)) is not None

    def used_ids(self) -> set[str]:
        """Every question id the bank has ever given: in the bank files, the history (deleted
        drafts included) and learners' answers. None of them is given to a new question."""
        course = self.course()
        used = set(bank_ids(self._bank_dir(course))) | {q.id for q in course.questions}
        with self.db.read() as session:
            for column in (QuestionHistoryRow.question_id, AnswerRow.question_id, QuestionSnapshotRow.question_id):
                used |= set(session.scalars(select(column).distinct()))
        return used

    def suggest_id(self, lesson_id: str) -> str:
        """A new id for a question of the lesson, such as ``deep-tissue-13``: past every id of
        that lesson in the bank, in the history and in learners' answers, so none is reused."""
        course = self.course()
        used = set(bank_ids(self._bank_dir(course))) | {q.id for q in course.questions}
        prefix = f"{lesson_id}-%"
        with self.db.read() as session:
            for column in (QuestionHistoryRow.question_id, AnswerRow.question_id, QuestionSnapshotRow.question_id):
                used |= set(session.scalars(select(column).where(column.like(prefix)).distinct()))
        return next_id(lesson_id, used)


def _find(snapshot: BankSnapshot, question_id: str) -> QuestionBase | None:
    return next((q for q in snapshot.questions if q.id == question_id), None)


def _require_instructor_reader(actor: Author) -> None:
    if isinstance(actor, CommandLine):
        return
    if actor.disabled or not actor.is_instructor:
        raise AccessDenied("only instructors can see the history of the question bank")


def _changed(
    question: QuestionBase,
    *,
    status: Status | None,
    add_tag: str | None,
    remove_tag: str | None,
    move_to: tuple[str, str] | None,
) -> QuestionBase:
    data: dict[str, Any] = dump_question(question)
    if status is not None:
        data["status"] = status.value
    tags = [t for t in data.get("tags", []) if t != remove_tag]
    if add_tag is not None and add_tag not in tags:
        tags.append(add_tag)
    data["tags"] = tags
    if move_to is not None:
        data["lesson"], data["section"] = move_to
    try:
        return QUESTION_ADAPTER.validate_python(data)
    except ValidationError as error:
        raise AuthoringError(f'question "{question.id}" cannot be changed so: {error.errors()[0]["msg"]}') from None


def _bulk_note(*, status: Status | None, add_tag: str | None, remove_tag: str | None, move_to: tuple[str, str] | None) -> str:
    parts = []
    if status is not None:
        parts.append(f"status set to {status.value}")
    if add_tag:
        parts.append(f"tag {add_tag} added")
    if remove_tag:
        parts.append(f"tag {remove_tag} removed")
    if move_to is not None:
        parts.append(f"moved to {move_to[0]} › {move_to[1]}")
    return "bulk change: " + ", ".join(parts) if parts else "bulk change"


def _row(question: QuestionBase, *, author_id: int | None, label: str, at: datetime, note: str) -> QuestionHistoryRow:
    return QuestionHistoryRow(
        question_id=question.id,
        version=question.version,
        content=dump_question(question),
        author_id=author_id,
        author_label=label,
        saved_at=at,
        note=note,
    )


def _modified(path: Path) -> datetime | None:
    """When the bank file was last written (read before a save: the time of the version it held)."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None
