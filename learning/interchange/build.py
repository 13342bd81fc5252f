"""From what a reader understood to questions the bank can store: one owner for every default.

A format has no place for most of the bank's fields; :func:`build` fills them, each the same way
for every format, and says so in a warning where an instructor should look:

- **lesson**: this module's own metadata when the file carries it, else the last part of the
  question's category when it names a lesson (``$CATEGORY: $course$/top/deep-tissue``), else the
  lesson chosen for the import;
- **section**: the metadata's, else the one chosen, else the lesson's first section;
- **objectives**: the metadata's that the syllabus knows, else the ones chosen, else the lesson's first;
- **status**: for a new question, the one chosen for the import (draft unless asked otherwise);
  a question that updates one of the bank's keeps that question's status;
- **id**: the metadata's when it is free, else the next of the lesson's series; an id the bank
  already has (or once had) is skipped, updated or renamed as the import chose;
- **feedback** the file did not give: "Correct." / "Not correct." and, for the explanation, the
  right answer in words, each reported, so a draft is complete and an instructor knows what to write.

Then every question is validated by the pydantic models; one that fails is skipped with the
field and the reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pydantic import ValidationError

from learning.authoring import next_id
from learning.course import Course
from learning.errors import InterchangeError
from learning.interchange.model import Draft, Format, ImportOptions, ImportReport, Notice, OnConflict, Parsed, Skipped
from learning.problems import in_plain_words, problems_from_validation
from learning.questions import QUESTION_ADAPTER, TYPE_TAGS, QuestionBase, QuestionType

RIGHT_FEEDBACK = "Correct."
WRONG_FEEDBACK = "Not correct."
META_FIELDS = (
    "id", "version", "lesson", "section", "objectives", "difficulty", "points", "critical", "tags",
    "pool", "exclusion_group", "lint_accept", "scenario", "shuffle", "scoring", "unit",
)  # fmt: skip
"""The bank fields a format has no place for, which travel in this module's metadata."""


def build(
    parsed: Parsed,
    fmt: Format,
    options: ImportOptions,
    course: Course,
    *,
    existing: Mapping[str, QuestionBase] | None = None,
    used_ids: Collection[str] = (),
) -> ImportReport:
    """The questions of ``parsed`` as the bank will store them, with every problem reported.

    Raises:
        InterchangeError: the lesson chosen for the import is not in the course.

    Args:
        existing: the bank's questions now, by id (an ``update`` replaces one of these).
        used_ids: every id the bank has ever given, deleted drafts included (never given again).
    """
    if course.lesson(options.lesson) is None:
        known = ", ".join(lesson.id for lesson in course.lessons)
        raise InterchangeError(f'there is no lesson "{options.lesson}" to import into; use one of {known}')
    existing = existing if existing is not None else {q.id: q for q in course.questions}
    taken = set(used_ids) | set(existing)
    questions: list[QuestionBase] = []
    skipped = list(parsed.skipped)
    warnings = list(parsed.notices)
    updates: list[str] = []
    for draft in parsed.drafts:
        notes = list(draft.notices)
        fields = _placed(draft, options, course, notes)
        question_id = _identity(draft, fields, options, taken, existing, notes, skipped)
        if question_id is None:
            continue
        fields["id"] = question_id
        fields["status"] = options.status.value
        if options.on_conflict is OnConflict.UPDATE and question_id in existing:
            fields["version"] = existing[question_id].version
            fields["status"] = existing[question_id].status.value
            updates.append(question_id)
        question = _validated(draft, fields, notes, skipped)
        if question is None:
            continue
        taken.add(question.id)
        questions.append(question)
        warnings.extend(Notice(line=draft.line, name=draft.name, message=note) for note in notes)
    return ImportReport(format=fmt, questions=questions, skipped=skipped, warnings=warnings, updates=updates)


def _placed(draft: Draft, options: ImportOptions, course: Course, notes: list[str]) -> dict[str, Any]:
    """The draft's fields with its metadata, lesson, section and objectives."""
    fields = {key: value for key, value in draft.fields.items() if value is not None}
    for key in META_FIELDS:
        if key in draft.meta and draft.meta[key] is not None and key not in ("id", "lesson", "section", "objectives"):
            fields[key] = draft.meta[key]
    lesson = _lesson(draft, options, course, notes)
    fields["lesson"] = lesson
    known = course.lesson(lesson)
    sections = [s.id for s in known.sections] if known is not None else []
    section = draft.meta.get("section")
    if section not in sections:
        section = options.section if options.section in sections or (known is None and options.section) else None
        if section is None and sections:
            section = sections[0]
            notes.append(f'placed in the first section of lesson "{lesson}" ("{section}"): choose the section it tests')
    fields["section"] = section or ""
    syllabus = {o.id for o in course.syllabus.objectives} if course.syllabus else set()
    named = [o for o in draft.meta.get("objectives") or [] if isinstance(o, str)]
    objectives = [o for o in named if o in syllabus]
    if len(objectives) < len(named):
        unknown = ", ".join(f'"{o}"' for o in named if o not in syllabus)
        notes.append(f"the syllabus has no objective {unknown}: left out")
    if not objectives:
        objectives = list(options.objectives)
    if not objectives and known is not None:
        objectives = known.objectives[:1]
        notes.append(f'given the lesson\'s first objective ("{objectives[0]}"): choose the objectives it tests')
    fields["objectives"] = objectives
    fields["version"] = int(draft.meta.get("version") or 1)
    _fill_feedback(fields, notes)
    return fields


def _lesson(draft: Draft, options: ImportOptions, course: Course, notes: list[str]) -> str:
    meta_lesson = draft.meta.get("lesson")
    if isinstance(meta_lesson, str) and course.lesson(meta_lesson) is not None:
        return meta_lesson
    if meta_lesson:
        notes.append(f'the file names lesson "{meta_lesson}", which this course does not have: placed in "{options.lesson}"')
    if draft.category:
        last = draft.category.rstrip("/").rsplit("/", 1)[-1].strip()
        if course.lesson(last) is not None:
            return last
    return options.lesson


def _identity(
    draft: Draft,
    fields: dict[str, Any],
    options: ImportOptions,
    taken: set[str],
    existing: Mapping[str, QuestionBase],
    notes: list[str],
    skipped: list[Skipped],
) -> str | None:
    """The id the question is stored under, or None when it is skipped as a conflict."""
    wanted = draft.meta.get("id")
    lesson = str(fields["lesson"])
    if not isinstance(wanted, str) or not wanted:
        return next_id(lesson, taken)
    if wanted not in taken:
        return wanted
    if options.on_conflict is OnConflict.SKIP:
        skipped.append(Skipped(line=draft.line, name=draft.name, reason=f'the bank already has a question "{wanted}" (on conflict: skip)'))
        return None
    if options.on_conflict is OnConflict.UPDATE and wanted in existing:
        return wanted
    renamed = next_id(lesson, taken)
    why = "the bank once had" if wanted not in existing else "the bank already has"
    if options.on_conflict is OnConflict.UPDATE and wanted not in existing:
        why = "this file or a deleted draft already used"
    notes.append(f'{why} the id "{wanted}": imported as "{renamed}"')
    return renamed


def _fill_feedback(fields: dict[str, Any], notes: list[str]) -> None:
    """Feedback the file did not give, so the question is complete; each one reported."""
    kind = fields.get("type")
    filled: list[str] = []
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE):
        options = []
        for position, option in enumerate(fields.get("options") or []):
            option = dict(option)
            if not (option.get("feedback") or "").strip():
                option["feedback"] = RIGHT_FEEDBACK if option.get("correct") else WRONG_FEEDBACK
                filled.append(f"option {position + 1}")
            options.append(option)
        fields["options"] = options
    elif kind == QuestionType.TRUE_FALSE:
        for key, right in (("feedback_true", fields.get("answer") is True), ("feedback_false", fields.get("answer") is False)):
            if not (fields.get(key) or "").strip():
                fields[key] = RIGHT_FEEDBACK if right else WRONG_FEEDBACK
                filled.append(f"answering {'true' if key == 'feedback_true' else 'false'}")
    elif kind in (QuestionType.SHORT_ANSWER, QuestionType.NUMERIC) and not (fields.get("wrong_feedback") or "").strip():
        fields["wrong_feedback"] = WRONG_FEEDBACK
        filled.append("a wrong answer")
    if filled:
        notes.append(
            f'no feedback for {", ".join(filled)}: wrote "{RIGHT_FEEDBACK}" or "{WRONG_FEEDBACK}"; write real feedback before it goes live'
        )


def _validated(draft: Draft, fields: dict[str, Any], notes: list[str], skipped: list[Skipped]) -> QuestionBase | None:
    explain = not (fields.get("explanation") or "").strip()
    if explain:
        fields["explanation"] = "pending"
    try:
        question: QuestionBase = QUESTION_ADAPTER.validate_python(fields)
        if explain:
            question = question.model_copy(update={"explanation": f"The correct answer is: {question.correct_answer()}"})
            question = QUESTION_ADAPTER.validate_python(question.model_dump())
            notes.append("no general feedback: the explanation says the correct answer; write why it is right")
    except ValidationError as error:
        skipped.append(Skipped(line=draft.line, name=draft.name, reason=_reason(error)))
        return None
    return question


def _reason(error: ValidationError) -> str:
    """The validation problems as ``validate`` words them: ``field: message``, joined."""
    problems = [in_plain_words(p) for p in problems_from_validation(error, file="", skip=TYPE_TAGS)]
    return "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)
