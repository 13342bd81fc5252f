"""The question bank on disk: ``quiz_bank/*.json``, loading with precise problems, and saving.

Each file is ``{"$schema": "schema.json", "schema_version": 1, "questions": [...]}``. Loading
keeps every valid question and reports every broken file or question; saving rewrites one file
atomically under a lock and refuses when the file changed since the caller read it. The lock
lives outside the bank folder, and what an interrupted save left behind is cleared by the next
save, so the folder holds only bank files (an instructor can keep it in git).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import secrets
import stat
import tempfile
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from learning.errors import ConflictError, ContentError
from learning.frozen import FrozenDict, FrozenList, by_id
from learning.problems import Problem, decode_utf8, in_plain_words, problems_from_validation, read_bytes, too_deep
from learning.questions import QUESTION_ADAPTER, TYPE_TAGS, Question, QuestionBase, dump_question

SCHEMA_VERSION = 1
SCHEMA_FILE = "schema.json"


class BankFile(BaseModel):
    """The shape of one bank file; its JSON Schema is published as ``quiz_bank/schema.json``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, title="Question bank file")

    schema_: str = Field(default=SCHEMA_FILE, alias="$schema")
    schema_version: Literal[1]
    questions: list[Question]


@dataclass(frozen=True)
class Bank:
    """The valid questions of a bank folder, the problems found, and where each question lives.

    Read-only once built: the lists are :class:`~learning.frozen.FrozenList`, the mapping a
    read-only view, and :meth:`get` looks a question up in an index built here.
    """

    questions: Sequence[QuestionBase] = ()
    problems: Sequence[Problem] = ()
    files: Mapping[str, Path] = field(default_factory=dict)
    _by_id: Mapping[str, QuestionBase] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", FrozenList(self.questions))
        object.__setattr__(self, "problems", FrozenList(self.problems))
        object.__setattr__(self, "files", FrozenDict(self.files))
        object.__setattr__(self, "_by_id", by_id(self.questions))

    def get(self, question_id: str) -> QuestionBase | None:
        return self._by_id.get(question_id)


@dataclass(frozen=True)
class BankSnapshot:
    """One bank file as read: its digest (for conflict checks) and its questions."""

    path: Path
    digest: str | None
    questions: list[QuestionBase]
    problems: list[Problem]


def display_path(path: Path) -> str:
    """How files are named in problems: the bank folder's name and the file's, e.g. ``quiz_bank/a.json``."""
    return f"{path.parent.name}/{path.name}"


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bank_files(folder: Path) -> list[Path]:
    """The bank files of ``folder`` in a stable order (the schema file is not one)."""
    return sorted(p for p in folder.glob("*.json") if p.name != SCHEMA_FILE)


def parse_bank_text(text: str, *, file: str) -> tuple[list[QuestionBase], list[Problem], list[object]]:
    """Parse one bank file's text into its valid questions, its problems and its raw entries."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [Problem(file=file, line=error.lineno, column=error.colno, message=f"invalid JSON: {error.msg}")], []
    except RecursionError:
        return [], [too_deep(file)], []
    if not isinstance(data, dict):
        return [], [Problem(file=file, message='must be a JSON object with a "questions" list')], []
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        return [], [Problem(file=file, field="schema_version", message=f"must be {SCHEMA_VERSION}, found {version!r}")], []
    unknown = sorted(set(data) - {"$schema", "schema_version", "questions"})
    problems: list[Problem] = []
    if unknown:
        problems.append(Problem(file=file, field=unknown[0], message="unknown top-level field"))
    raw = data.get("questions")
    if not isinstance(raw, list):
        return [], [*problems, Problem(file=file, field="questions", message="must be a list of questions")], []
    questions: list[QuestionBase] = []
    for position, entry in enumerate(raw):
        qid = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else None
        where = {"question": qid} if qid else {}
        if not isinstance(entry, dict):
            problems.append(Problem(file=file, field=f"questions[{position}]", message="must be a JSON object"))
            continue
        try:
            questions.append(QUESTION_ADAPTER.validate_python(entry))
        except ValidationError as error:
            found = problems_from_validation(error, file=file, skip=TYPE_TAGS, **where)
            if not qid:
                found = [p.model_copy(update={"field": f"questions[{position}]" + (f".{p.field}" if p.field else "")}) for p in found]
            problems += [_friendly(p) for p in found]
    return questions, problems, raw


def _friendly(problem: Problem) -> Problem:
    """Reword pydantic's messages where a plainer one helps an instructor."""
    message = problem.message
    if message.startswith("Input tag") and "does not match any of the expected tags" in message:
        tag = message.split("'")[1]
        message = f"unknown question type {tag!r}; use one of {', '.join(TYPE_TAGS)}"
        return problem.model_copy(update={"field": (problem.field + "." if problem.field else "") + "type", "message": message})
    elif message.startswith("Unable to extract tag using discriminator"):
        message = f"missing; use one of {', '.join(TYPE_TAGS)}"
        return problem.model_copy(update={"field": (problem.field + "." if problem.field else "") + "type", "message": message})
    return in_plain_words(problem)


def load_bank(folder: Path) -> Bank:
    """Load every bank file in ``folder``; broken files and questions become problems.

    A question whose id was already loaded from an earlier file (in name order) is reported
    as a duplicate and skipped.
    """
    if not folder.is_dir():
        return Bank(problems=[Problem(file=folder.name, message="the question bank folder does not exist")])
    questions: list[QuestionBase] = []
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    with gc_paused():
        for path in bank_files(folder):
            file = display_path(path)
            data = read_bytes(path, file=file)
            if isinstance(data, Problem):
                problems.append(data)
                continue
            found, file_problems = _load_bank_file(data, file=file)
            problems += file_problems
            for question in found:
                if question.id in files:
                    problems.append(
                        Problem(
                            file=file,
                            question=question.id,
                            field="id",
                            message=f"duplicate id, already used in {display_path(files[question.id])}",
                        )
                    )
                    continue
                files[question.id] = path
                questions.append(question)
    return Bank(questions=questions, problems=problems, files=files)


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk load.

    Validating a bank file makes many thousands of objects, none of them garbage, and the
    collector walks all the live ones again and again as they pile up: about a third of a large
    bank's load time. Reference counting still frees everything as usual. The collector is
    process-wide, so pauses may overlap across threads: it resumes when the last one ends, and
    only if it was running before the first.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _load_bank_file(data: bytes, *, file: str) -> tuple[list[QuestionBase], list[Problem]]:
    """One bank file's valid questions and problems.

    A sound file (the usual case) is validated once, straight from its bytes. Only when that
    fails is it parsed again, entry by entry, to keep the valid questions and say precisely what
    is wrong with the rest.
    """
    try:
        questions: list[QuestionBase] = list(BankFile.model_validate_json(data).questions)
        return questions, []
    except ValidationError:
        pass
    # Decoded as reading the file as text would (universal newlines), so JSON errors name the same line.
    text = decode_utf8(data, file=file)
    if isinstance(text, Problem):
        return [], [text]
    found, problems, _ = parse_bank_text(text, file=file)
    return found, problems


def render_bank(questions: Sequence[QuestionBase | object]) -> str:
    """A bank file's canonical text: stable field order, two-space indent, one final newline.

    A question is written in canonical form; anything else (an entry that is not a valid
    question) exactly as it is, so nothing is lost.
    """
    entries = [dump_question(q) if isinstance(q, QuestionBase) else q for q in questions]
    document = {"$schema": SCHEMA_FILE, "schema_version": SCHEMA_VERSION, "questions": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_bank_file(path: Path) -> BankSnapshot:
    """Read one bank file for editing; a file that does not exist yet reads as empty."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return BankSnapshot(path=path, digest=None, questions=[], problems=[])
    questions, problems, _ = parse_bank_text(data.decode("utf-8"), file=display_path(path))
    return BankSnapshot(path=path, digest=digest_of(data), questions=questions, problems=problems)


STALE_SECONDS = 60
"""A temporary file of a save older than this was left by a save that was interrupted."""
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{16}\.tmp$")
_OLD_LOCK = re.compile(r"^.+\.json\.lock$")


def lock_folder() -> Path:
    """Where the bank's lock files live: outside the bank folder, so that it holds only bank files.

    One folder in the system's temporary folder, shared by every user (like ``/tmp`` itself,
    anyone may add a file and only its owner may remove it), so the app and the command line
    take turns even when they run as different users.
    """
    return Path(tempfile.gettempdir()) / "learning-bank-locks"


def _lock(path: Path) -> FileLock:
    """The lock of the bank folder that holds ``path``: one writer at a time in the whole folder,
    so the check that an id is used in no other file holds while the file is written."""
    folder = lock_folder()
    if not folder.is_dir():
        with contextlib.suppress(FileExistsError):
            folder.mkdir(parents=True)
        with contextlib.suppress(PermissionError):
            folder.chmod(0o1777)
    key = hashlib.sha256(str(path.parent.resolve()).encode()).hexdigest()[:24]
    return FileLock(str(folder / f"{key}.lock"), timeout=10, mode=0o666)


def remove_stale_files(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove what interrupted saves left in the bank folder; returns what was removed.

    A save writes a hidden temporary file (``.NAME.json.<random>.tmp``) and renames it over the
    bank file; killed in between, it leaves the temporary file behind. Older versions of the app
    also left a ``NAME.json.lock`` beside every bank file. Only files older than
    :data:`STALE_SECONDS` go, so a save in progress on another server keeps its file.
    """
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not (_TEMPORARY.match(entry.name) or _OLD_LOCK.match(entry.name)):
                continue
            try:
                if not entry.is_file(follow_symlinks=False) or now - entry.stat(follow_symlinks=False).st_mtime < STALE_SECONDS:
                    continue
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see the old file or the new one, never a mix.

    The new file keeps the old one's mode, and its owner and group where the process may set
    them, so a server running as another user can still read it. A file that did not exist gets
    the usual mode for a new file (``0o666`` less the umask, as ``open`` gives).
    """
    try:
        before: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        before = None
    temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    # os.open applies the umask to 0o666, as creating the file directly would; mkstemp would give 0o600.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            if before is not None:
                _keep_owner_and_mode(handle.fileno(), before)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _keep_owner_and_mode(descriptor: int, before: os.stat_result) -> None:
    """Give the new file the old one's owner and group (when allowed), then its mode.

    Only root may give a file away, and only to a group of its own may anyone else change its
    group; otherwise the file stays the writer's, which can read it anyway. The mode comes last,
    because changing the owner clears the set-user-id and set-group-id bits.
    """
    if (before.st_uid, before.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(PermissionError):
            os.fchown(descriptor, before.st_uid, before.st_gid)
    os.fchmod(descriptor, stat.S_IMODE(before.st_mode))


def save_question(path: Path, question: QuestionBase, *, base_digest: str | None) -> QuestionBase:
    """Add or replace ``question`` in the bank file at ``path`` and return what was saved.

    An edited question gets the stored version plus one; a new one starts at version 1; a save
    that changes nothing keeps the stored version. The whole file is rewritten atomically, in
    canonical layout, under a lock.

    Args:
        path: the bank file; created when it does not exist yet.
        question: the question as the editor has it.
        base_digest: the digest from the :func:`read_bank_file` the edit was based on
            (None for a file that did not exist).

    Raises:
        ConflictError: the file changed since it was read, or the id is used in another file.
        ContentError: the file on disk cannot be parsed, so it cannot be safely rewritten.
    """
    return rewrite_bank_file(path, base_digest=base_digest, put=[question]).questions[0]


@dataclass(frozen=True)
class Rewritten:
    """What :func:`rewrite_bank_file` saved: the questions put, as saved, and the new file's digest."""

    questions: list[QuestionBase]
    digest: str
    before: bytes | None = None
    """The file's content before the save (None when the save created it), to undo the save."""


def rewrite_bank_file(
    path: Path,
    *,
    base_digest: str | None,
    put: Sequence[QuestionBase] = (),
    remove: Collection[str] = (),
    arriving: Collection[str] = (),
) -> Rewritten:
    """Change several questions of one bank file in one atomic save; returns ``put`` as saved
    and the new file's digest (to base the next edit on).

    Each question of ``put`` replaces the entry with its id (its version becomes the stored one
    plus one, or stays when nothing changed) or is appended (at version 1). Ids in ``remove``
    are taken out. Ids in ``arriving`` are questions moving here from another file: they keep
    the version given, and the check that no other file uses the id skips them (the caller
    removes them from their old file next). Stale leftovers of interrupted saves are cleared.

    Raises:
        ConflictError: the file changed since it was read, or an id is used in another file.
        ContentError: the file on disk cannot be parsed, so it cannot be safely rewritten.
    """
    with _lock(path):
        remove_stale_files(path.parent)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = None
        current = digest_of(data) if data is not None else None
        if current != base_digest:
            raise ConflictError(
                f"{display_path(path)} changed since it was opened (someone else saved it); reload it and make your edit again"
            )
        checked = {q.id for q in put} - set(arriving)
        for other in bank_files(path.parent):
            if other == path:
                continue
            for question_id in sorted(checked):
                if file_has_id(other, question_id):
                    raise ConflictError(f'question id "{question_id}" is already used in {display_path(other)}')
        entries: list[object] = []
        if data is not None:
            _, problems, entries = parse_bank_text(data.decode("utf-8"), file=display_path(path))
            if any(p.line is not None or p.field in ("schema_version", "questions") for p in problems):
                raise ContentError(f"{display_path(path)} cannot be rewritten: {problems[0]}")
        wanted = {q.id: q for q in put}
        saved: dict[str, QuestionBase] = {}
        rendered: list[QuestionBase | object] = []
        for entry in entries:
            entry_id = entry.get("id") if isinstance(entry, dict) else None
            if entry_id in remove:
                continue
            if isinstance(entry, dict) and isinstance(entry_id, str) and entry_id in wanted and entry_id not in saved:
                question = wanted[entry_id]
                saved[entry_id] = question if entry_id in arriving else _next_version(entry, question)
                rendered.append(saved[entry_id])
            else:
                rendered.append(_canonical(entry))
        for question in put:
            if question.id not in saved:
                saved[question.id] = question if question.id in arriving else question.model_copy(update={"version": 1})
                rendered.append(saved[question.id])
        text = render_bank(rendered)
        write_atomically(path, text)
        return Rewritten(questions=[saved[q.id] for q in put], digest=digest_of(text.encode("utf-8")), before=data)


def undo_rewrite(path: Path, rewritten: Rewritten) -> bool:
    """Put back what the file held before ``rewritten`` (remove a file the save created), unless
    it has changed since: a later save is never undone. Returns whether the file was put back."""
    with _lock(path):
        try:
            current = digest_of(path.read_bytes())
        except FileNotFoundError:
            return False
        if current != rewritten.digest:
            return False
        if rewritten.before is None:
            path.unlink()
        else:
            write_atomically(path, rewritten.before.decode("utf-8"))
        return True


def find_question_file(folder: Path, question_id: str) -> Path | None:
    """The bank file of ``folder`` whose entries include ``question_id`` (valid or not), if any."""
    for path in bank_files(folder):
        if file_has_id(path, question_id):
            return path
    return None


def bank_ids(folder: Path) -> set[str]:
    """Every id an entry of a bank file in ``folder`` has, valid question or not."""
    found: set[str] = set()
    for path in bank_files(folder):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        questions = data.get("questions") if isinstance(data, dict) else None
        if isinstance(questions, list):
            found |= {q["id"] for q in questions if isinstance(q, dict) and isinstance(q.get("id"), str)}
    return found


def _canonical(entry: object) -> QuestionBase | object:
    """A valid entry as its question; an invalid one exactly as it was, so nothing is lost."""
    try:
        return QUESTION_ADAPTER.validate_python(entry)
    except ValidationError:
        return entry


def _next_version(stored: dict[str, Any], edited: QuestionBase) -> QuestionBase:
    version = stored.get("version")
    stored_version = version if isinstance(version, int) else 0
    try:
        before = QUESTION_ADAPTER.validate_python(stored)
    except ValidationError:
        before = None
    if before is not None:
        same = dump_question(before.model_copy(update={"version": 1})) == dump_question(edited.model_copy(update={"version": 1}))
        if same:
            return before
    return edited.model_copy(update={"version": max(stored_version, 0) + 1})


def file_has_id(path: Path, question_id: str) -> bool:
    """Whether an entry of the bank file at ``path`` (valid or not) has the id ``question_id``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    questions = data.get("questions") if isinstance(data, dict) else None
    return isinstance(questions, list) and any(isinstance(q, dict) and q.get("id") == question_id for q in questions)


def format_bank_file(path: Path) -> bool:
    """Rewrite a bank file in canonical layout; returns whether anything changed.

    Raises:
        ContentError: the file is not valid JSON, so it cannot be reformatted.
    """
    with _lock(path):
        remove_stale_files(path.parent)
        data = read_bytes(path, file=display_path(path))
        text = data if isinstance(data, Problem) else decode_utf8(data, file=display_path(path))
        if isinstance(text, Problem):
            raise ContentError(f"{display_path(path)} cannot be formatted: {text.message}")
        _, problems, entries = parse_bank_text(text, file=display_path(path))
        if any(p.line is not None or p.field in ("schema_version", "questions") for p in problems):
            raise ContentError(f"{display_path(path)} cannot be formatted: {problems[0]}")
        formatted = render_bank([_canonical(e) for e in entries])
        if formatted == text:
            return False
        write_atomically(path, formatted)
        return True


def bank_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file, generated from the models."""
    schema = BankFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = (
        "A file of questions for the study module. Generated from the models by 'python -m learning schema'; do not edit by hand."
    )
    return schema


def render_schema() -> str:
    return json.dumps(bank_schema(), indent=2, ensure_ascii=False) + "\n"
