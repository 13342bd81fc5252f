"""The whole course loaded together: syllabus, glossary, lessons, question bank and quiz specs.

:func:`load_course` reads every part, checks the links between them (a question's lesson,
section and objectives; a lesson's unit, glossary terms, links and check questions; a quiz's
lessons, objectives and blueprint) and keeps only what is sound. Every problem is reported; the
rest of the course is served.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from learning.bank import Bank, display_path, gc_paused, load_bank
from learning.content import Glossary, Lesson, Syllabus, Unit, figures, links, load_glossary, load_lessons, load_syllabus
from learning.errors import AssemblyError
from learning.frozen import FrozenDict, FrozenList, by_id
from learning.problems import Problem, Severity, decode_utf8, problems_from_validation, read_bytes, too_deep
from learning.questions import Pool, QuestionBase, Status, question_type
from learning.quiz import QuizKind, QuizSpec, assemble

ERROR, WARNING = Severity.ERROR, Severity.WARNING
SYLLABUS_FILE = "syllabus.yaml"
GLOSSARY_FILE = "glossary.yaml"
QUIZ_FOLDER = "quizzes"


@dataclass(frozen=True)
class Course:
    """Everything a learner can study, with the problems found while loading it.

    A loaded course is cached and shared by every session, so it is read-only: its lists and
    mappings are :mod:`learning.frozen` collections, and the indexes behind the lookups by id are
    built once, when it is made (``dataclasses.replace`` makes a changed copy with new indexes).
    """

    syllabus: Syllabus | None
    glossary: Glossary
    lessons: Sequence[Lesson] = ()
    questions: Sequence[QuestionBase] = ()
    quizzes: Sequence[QuizSpec] = ()
    problems: Sequence[Problem] = ()
    question_files: Mapping[str, Path] = field(default_factory=dict)
    lessons_dir: Path | None = None
    bank_dir: Path | None = None
    unavailable_quizzes: frozenset[str] = frozenset()
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("lessons", "questions", "quizzes", "problems"):
            object.__setattr__(self, name, FrozenList(getattr(self, name)))
        object.__setattr__(self, "question_files", FrozenDict(self.question_files))
        object.__setattr__(self, "_index", _Index.build(self))

    def figure_path(self, source: str) -> Path | None:
        """The file of a lesson figure (``figures/NAME.svg``), or None when it is not there."""
        if self.lessons_dir is None:
            return None
        path = self.lessons_dir / source
        return path if path.is_file() else None

    @property
    def units(self) -> Sequence[Unit]:
        return self._index.units

    @property
    def errors(self) -> Sequence[Problem]:
        """The problems that leave something out of the course (or keep a quiz from starting)."""
        return FrozenList(p for p in self.problems if p.is_error)

    @property
    def required_reading(self) -> frozenset[str]:
        """The lessons a learner reads before a quiz that needs every lesson read.

        None without a syllabus: a course that lost its syllabus is broken, and what it still
        holds must not count as "every lesson".
        """
        return self._index.required_reading

    def lessons_in(self, unit_id: str) -> Sequence[Lesson]:
        return self._index.lessons_by_unit.get(unit_id, FrozenList())

    def lesson(self, lesson_id: str) -> Lesson | None:
        return self._index.lessons.get(lesson_id)

    def question(self, question_id: str) -> QuestionBase | None:
        return self._index.questions.get(question_id)

    def check_questions(self, lesson_id: str) -> list[QuestionBase]:
        """A lesson's "Check your understanding" questions that can be asked: those still in the
        bank, active, of this lesson and in the practice pool (the others are reported)."""
        lesson = self.lesson(lesson_id)
        found = [self.question(question_id) for question_id in lesson.check_questions] if lesson else []
        return [q for q in found if q is not None and q.status is Status.ACTIVE and q.lesson == lesson_id and q.pool is Pool.PRACTICE]

    def quiz(self, quiz_id: str) -> QuizSpec | None:
        return self._index.quizzes.get(quiz_id)

    def quiz_problems(self, spec: QuizSpec) -> list[Problem]:
        """What :func:`load_course` would report about ``spec`` in this course: lessons,
        objectives and units it names that are missing, and whether the bank can fill it."""
        objectives = {o.id for o in self.syllabus.objectives} if self.syllabus else set()
        units = {u.id for u in self.syllabus.units} if self.syllabus else set()
        return _quiz_problems(spec, self._index.lessons, objectives, units, _Candidates(list(self.questions)).of(spec))

    def can_start(self, quiz_id: str) -> bool:
        """Whether a new attempt at this quiz can be put together from the bank as loaded.

        A quiz that lost questions it needs (say, with a deleted lesson) stays in the course, so
        that attempts already started finish from what they stored, but no new attempt starts.
        """
        return quiz_id in self._index.quizzes and quiz_id not in self.unavailable_quizzes

    def final_exam_ids(self) -> frozenset[str]:
        return self._index.final_exams

    def reviewable(self, *, course_finished: bool) -> frozenset[str]:
        """The questions spaced review may bring back: active practice questions, and the exam
        pool too once the learner has finished the course (passed the final exam)."""
        return self._index.active_ids if course_finished else self._index.practice_ids

    def active_questions(self, *, lesson: str | None = None) -> Sequence[QuestionBase]:
        """The active questions in bank order, of one lesson or of all."""
        if lesson is None:
            return self._index.active
        return self._index.active_by_lesson.get(lesson, FrozenList())

    def summary(self) -> str:
        """One line: counts of lessons, objectives and questions by type."""
        types = Counter(question_type(q).value for q in self.active_questions())
        by_type = ", ".join(f"{name} {count}" for name, count in sorted(types.items()))
        objectives = len(self.syllabus.objectives) if self.syllabus else 0
        return (
            f"{len(self.lessons)} lessons, {objectives} objectives, {len(self.active_questions())} active questions"
            + (f" ({by_type})" if by_type else "")
            + f", {len(self.quizzes)} quizzes"
        )


@dataclass(frozen=True)
class _Index:
    """The course's lookups, built once when it is loaded."""

    units: FrozenList[Unit]
    lessons: Mapping[str, Lesson]
    lessons_by_unit: Mapping[str, FrozenList[Lesson]]
    questions: Mapping[str, QuestionBase]
    quizzes: Mapping[str, QuizSpec]
    active: FrozenList[QuestionBase]
    active_by_lesson: Mapping[str, FrozenList[QuestionBase]]
    active_ids: frozenset[str]
    practice_ids: frozenset[str]
    final_exams: frozenset[str]
    required_reading: frozenset[str]

    @classmethod
    def build(cls, course: Course) -> _Index:
        by_unit: dict[str, list[Lesson]] = defaultdict(list)
        for lesson in course.lessons:
            by_unit[lesson.unit].append(lesson)
        active = [q for q in course.questions if q.status is Status.ACTIVE]
        by_lesson: dict[str, list[QuestionBase]] = defaultdict(list)
        for question in active:
            by_lesson[question.lesson].append(question)
        return cls(
            units=FrozenList(sorted(course.syllabus.units, key=lambda u: u.order) if course.syllabus else []),
            lessons=by_id(course.lessons),
            lessons_by_unit=FrozenDict({unit: FrozenList(items) for unit, items in by_unit.items()}),
            questions=by_id(course.questions),
            quizzes=by_id(course.quizzes),
            active=FrozenList(active),
            active_by_lesson=FrozenDict({lesson: FrozenList(items) for lesson, items in by_lesson.items()}),
            active_ids=frozenset(q.id for q in active),
            practice_ids=frozenset(q.id for q in active if q.pool is Pool.PRACTICE),
            final_exams=frozenset(quiz.id for quiz in course.quizzes if quiz.kind is QuizKind.FINAL_EXAM),
            required_reading=frozenset(lesson.id for lesson in course.lessons) if course.syllabus else frozenset(),
        )


def load_quizzes(folder: Path) -> tuple[list[QuizSpec], list[Problem]]:
    quizzes: list[QuizSpec] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return quizzes, problems
    for path in sorted(folder.glob("*.json")):
        file = f"{folder.parent.name}/{folder.name}/{path.name}"
        raw = read_bytes(path, file=file)
        text = raw if isinstance(raw, Problem) else decode_utf8(raw, file=file)
        if isinstance(text, Problem):
            problems.append(text)
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            problems.append(Problem(file=file, line=error.lineno, column=error.colno, message=f"invalid JSON: {error.msg}"))
            continue
        except RecursionError:
            problems.append(too_deep(file))
            continue
        try:
            quizzes.append(QuizSpec.model_validate(data))
        except ValidationError as error:
            problems += problems_from_validation(error, file=file)
    return quizzes, problems


def load_course(*, lessons_dir: Path, bank_dir: Path) -> Course:
    """Load and cross-check the course; broken parts are reported in ``problems`` and left out."""
    with gc_paused():  # see there: thousands of objects are made to stay, none is garbage
        return _load_course(lessons_dir, bank_dir)


def _load_course(lessons_dir: Path, bank_dir: Path) -> Course:
    syllabus, problems = load_syllabus(lessons_dir / SYLLABUS_FILE)
    glossary, found = load_glossary(lessons_dir / GLOSSARY_FILE)
    problems += found
    lessons, found = load_lessons(lessons_dir)
    problems += found
    bank: Bank = load_bank(bank_dir)
    problems += bank.problems
    quizzes, found = load_quizzes(bank_dir / QUIZ_FOLDER)
    problems += found

    objective_ids = {o.id for o in syllabus.objectives} if syllabus else set()
    unit_ids = {u.id for u in syllabus.units} if syllabus else set()
    term_ids = {t.id for t in glossary.terms}
    lesson_index = {lesson.id: lesson for lesson in lessons}

    shown = {path: display_path(path) for path in set(bank.files.values())}
    questions = []
    for question in bank.questions:
        found = _question_problems(question, shown[bank.files[question.id]], lesson_index, objective_ids)
        problems += found
        if not any(p.is_error for p in found):
            questions.append(question)
    question_index = {q.id: q for q in questions}

    kept_lessons = []
    for lesson in lessons:
        # A missing figure is reported, but the lesson is still served without it.
        problems += [
            Problem(
                file=f"lessons/{lesson.id}.md", lesson=lesson.id, field="body", message=f"figure {source}: no such file", severity=WARNING
            )
            for _alt, source in figures(lesson.body)
            if not (lessons_dir / source).is_file()
        ]
        found = _lesson_problems(lesson, unit_ids, objective_ids, term_ids, lesson_index, question_index)
        problems += found
        if not any(p.is_error for p in found):
            kept_lessons.append(lesson)
    unit_order = {u.id: u.order for u in syllabus.units} if syllabus else {}
    kept_lessons.sort(key=lambda lesson: (unit_order.get(lesson.unit, 0), lesson.order, lesson.id))

    candidates = _Candidates(questions)
    kept_quizzes = []
    unavailable: set[str] = set()
    for quiz in quizzes:
        found = _quiz_problems(quiz, lesson_index, objective_ids, unit_ids, candidates.of(quiz))
        problems += found
        # Kept even when it cannot be assembled: attempts already started must still find it.
        kept_quizzes.append(quiz)
        if any(p.is_error for p in found):
            unavailable.add(quiz.id)

    return Course(
        syllabus=syllabus,
        glossary=glossary,
        lessons=kept_lessons,
        questions=questions,
        quizzes=kept_quizzes,
        problems=problems,
        question_files={q.id: bank.files[q.id] for q in questions},
        lessons_dir=lessons_dir,
        bank_dir=bank_dir,
        unavailable_quizzes=frozenset(unavailable),
    )


class _Candidates:
    """The active questions a quiz may draw from, found through an index by lesson.

    Assembling every quiz against the whole bank is the slowest cross-check; a quiz limited to
    some lessons only needs their questions. They keep bank order, so the draw is the same.
    """

    def __init__(self, questions: list[QuestionBase]) -> None:
        self.active = [q for q in questions if q.status is Status.ACTIVE]
        self.position = {q.id: n for n, q in enumerate(self.active)}
        self.by_lesson: dict[str, list[QuestionBase]] = defaultdict(list)
        for question in self.active:
            self.by_lesson[question.lesson].append(question)

    def of(self, quiz: QuizSpec) -> list[QuestionBase]:
        if not quiz.lessons:
            return self.active
        chosen = [q for lesson in dict.fromkeys(quiz.lessons) for q in self.by_lesson.get(lesson, [])]
        return sorted(chosen, key=lambda q: self.position[q.id])


def question_problems(course: Course, question: QuestionBase, *, file: str) -> list[Problem]:
    """The cross-checks of one question against the course as loaded: its lesson, section and
    objectives, as ``validate`` reports them (the editor checks a question before saving it)."""
    objectives = {o.id for o in course.syllabus.objectives} if course.syllabus else set()
    return _question_problems(question, file, {lesson.id: lesson for lesson in course.lessons}, objectives)


def _question_problems(question: QuestionBase, file: str, lessons: Mapping[str, Lesson], objectives: set[str]) -> list[Problem]:
    def problem(field_name: str, message: str, severity: Severity = ERROR) -> Problem:
        return Problem(file=file, question=question.id, field=field_name, message=message, severity=severity)

    found = []
    lesson = lessons.get(question.lesson)
    if lesson is None:
        found.append(problem("lesson", f"no lesson {question.lesson!r}"))
    elif lesson.section(question.section) is None:
        anchors = ", ".join(s.id for s in lesson.sections)
        found.append(problem("section", f"lesson {lesson.id!r} has no section {question.section!r} (it has {anchors})"))
    # The question is still served: an objective missing from the syllabus only goes unreported.
    for position, objective in enumerate(question.objectives):
        if objective not in objectives:
            found.append(problem(f"objectives[{position}]", f"no objective {objective!r} in the syllabus", WARNING))
    return found


def _lesson_problems(
    lesson: Lesson,
    units: set[str],
    objectives: set[str],
    terms: set[str],
    lessons: dict[str, Lesson],
    questions: dict[str, QuestionBase],
) -> list[Problem]:
    file = f"lessons/{lesson.id}.md"

    def problem(field_name: str | None, message: str, severity: Severity = WARNING) -> Problem:
        return Problem(file=file, lesson=lesson.id, field=field_name, message=message, severity=severity)

    # Only a missing unit leaves the lesson out (the course map has nowhere to show it). Anything
    # else it refers to that is missing is a warning: the lesson is served without it.
    found = []
    if lesson.unit not in units:
        found.append(problem("unit", f"no unit {lesson.unit!r} in the syllabus", ERROR))
    for position, objective in enumerate(lesson.objectives):
        if objective not in objectives:
            found.append(problem(f"objectives[{position}]", f"no objective {objective!r} in the syllabus"))
    for position, term in enumerate(lesson.glossary):
        if term not in terms:
            found.append(problem(f"glossary[{position}]", f"no glossary term {term!r}"))
    for kind, target, anchor in links(lesson.body):
        if kind == "glossary" and target not in terms:
            found.append(problem("body", f"link to glossary:{target}: no such glossary term"))
        elif kind == "lesson":
            other = lessons.get(target)
            if other is None:
                found.append(problem("body", f"link to lesson:{target}: no such lesson"))
            elif anchor and other.section(anchor) is None:
                found.append(problem("body", f"link to lesson:{target}#{anchor}: that lesson has no such section"))
    for position, question_id in enumerate(lesson.check_questions):
        question = questions.get(question_id)
        if question is None or question.status is not Status.ACTIVE:
            found.append(problem(f"check_questions[{position}]", f"no active question {question_id!r}"))
        elif question.lesson != lesson.id:
            found.append(problem(f"check_questions[{position}]", f"question {question_id!r} belongs to lesson {question.lesson!r}"))
        elif question.pool is not Pool.PRACTICE:
            found.append(
                problem(f"check_questions[{position}]", f"question {question_id!r} is in the exam pool; checks use practice questions")
            )
    return found


def _quiz_problems(
    quiz: QuizSpec, lessons: Mapping[str, Lesson], objectives: set[str], units: set[str], questions: list[QuestionBase]
) -> list[Problem]:
    file = f"quiz_bank/{QUIZ_FOLDER}/{quiz.id}.json"
    # What the spec names but the course lacks only narrows what it draws from: a warning. It
    # cannot be started only when the bank as loaded cannot fill it.
    found = [
        Problem(file=file, field="lessons", message=f"no lesson {lid!r}", severity=WARNING) for lid in quiz.lessons if lid not in lessons
    ]
    found += [
        Problem(file=file, field="objectives", message=f"no objective {o!r}", severity=WARNING)
        for o in quiz.objectives
        if o not in objectives
    ]
    found += [
        Problem(file=file, field=f"blueprint[{n}].objectives", message=f"no objective {o!r}", severity=WARNING)
        for n, rule in enumerate(quiz.blueprint)
        for o in rule.objectives
        if o not in objectives
    ]
    found += [
        Problem(file=file, field=f"blueprint[{n}].lessons", message=f"no lesson {lid!r}", severity=WARNING)
        for n, rule in enumerate(quiz.blueprint)
        for lid in rule.lessons
        if lid not in lessons
    ]
    if quiz.unit is not None and quiz.unit not in units:
        found.append(Problem(file=file, field="unit", message=f"no unit {quiz.unit!r}", severity=WARNING))
    try:
        assemble(quiz, questions, seed=0)
    except AssemblyError as error:
        found.append(Problem(file=file, message=f"cannot be assembled, so no new attempt can start: {error}"))
    return found
