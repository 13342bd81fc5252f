"""Lookups by id on the loaded course and bank: indexed once per load, and read-only.

The course is cached and shared by every session on the server, so nothing may change it once
loaded; each lookup reads an index instead of walking a list.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Callable

import pytest

from learning.bank import load_bank
from learning.course import Course, load_course
from learning.frozen import FrozenList
from learning.questions import Pool, Status
from learning.quiz import QuizKind
from tests.conftest import ROOT, build


@pytest.fixture(scope="module")
def shipped() -> Course:
    course = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    assert course.questions and course.lessons and course.quizzes
    return course


@pytest.fixture
def small(course_dirs) -> Course:
    lessons, bank = course_dirs
    return load_course(lessons_dir=lessons, bank_dir=bank)


def test_every_lookup_finds_what_a_scan_would(shipped: Course) -> None:
    for question in shipped.questions:
        assert shipped.question(question.id) is question
    for lesson in shipped.lessons:
        assert shipped.lesson(lesson.id) is lesson
        assert shipped.active_questions(lesson=lesson.id) == [
            q for q in shipped.questions if q.status is Status.ACTIVE and q.lesson == lesson.id
        ]
        for section in lesson.sections:
            assert lesson.section(section.id) is section
    for quiz in shipped.quizzes:
        assert shipped.quiz(quiz.id) is quiz
    assert shipped.syllabus is not None
    for unit in shipped.syllabus.units:
        assert shipped.syllabus.unit(unit.id) is unit
        assert shipped.lessons_in(unit.id) == [lesson for lesson in shipped.lessons if lesson.unit == unit.id]
    for objective in shipped.syllabus.objectives:
        assert shipped.syllabus.objective(objective.id) is objective
    for term in shipped.glossary.terms:
        assert shipped.glossary.get(term.id) is term
    active = [q for q in shipped.questions if q.status is Status.ACTIVE]
    assert shipped.active_questions() == active
    assert shipped.reviewable(course_finished=False) == {q.id for q in active if q.pool is Pool.PRACTICE}
    assert shipped.reviewable(course_finished=True) == {q.id for q in active}
    assert shipped.final_exam_ids() == {q.id for q in shipped.quizzes if q.kind is QuizKind.FINAL_EXAM}
    assert [u.order for u in shipped.units] == sorted(u.order for u in shipped.units)


@pytest.mark.parametrize(
    "lookup",
    [
        lambda c: c.question("no-such-question"),
        lambda c: c.lesson("no-such-lesson"),
        lambda c: c.quiz("no-such-quiz"),
        lambda c: c.glossary.get("no-such-term"),
        lambda c: c.lesson(c.lessons[0].id).section("no-such-section"),
    ],
)
def test_an_unknown_id_finds_nothing(small: Course, lookup: Callable[[Course], object]) -> None:
    assert lookup(small) is None


def test_an_unknown_lesson_has_no_questions_and_an_unknown_unit_no_lessons(small: Course) -> None:
    assert small.active_questions(lesson="no-such-lesson") == []
    assert small.lessons_in("no-such-unit") == []


def test_an_unknown_objective_or_unit_is_a_key_error(small: Course) -> None:
    assert small.syllabus is not None
    with pytest.raises(KeyError):
        small.syllabus.objective("no-such-objective")
    with pytest.raises(KeyError):
        small.syllabus.unit("no-such-unit")


def test_an_objective_an_old_attempt_names_may_be_gone(small: Course) -> None:
    """Screens look objectives up with find_objective: a renamed one is None, never an exception."""
    assert small.syllabus is not None
    assert small.syllabus.find_objective("no-such-objective") is None
    assert small.syllabus.find_objective("obj-goals") is small.syllabus.objective("obj-goals")


def test_lookups_read_an_index_and_never_walk_a_list(shipped: Course, monkeypatch) -> None:
    questions, lessons, quizzes = shipped.questions[-1], shipped.lessons[-1], shipped.quizzes[-1]

    def no_scans(self):
        raise AssertionError("a lookup walked a whole list")

    monkeypatch.setattr(FrozenList, "__iter__", no_scans)
    assert shipped.question(questions.id) is questions
    assert shipped.lesson(lessons.id) is lessons
    assert shipped.quiz(quizzes.id) is quizzes
    assert len(shipped.active_questions(lesson=lessons.id)) > 0
    assert questions.id in shipped.reviewable(course_finished=True)


# --- the course is read-only -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["lessons", "questions", "quizzes", "problems", "question_files", "syllabus", "glossary"])
def test_no_part_of_the_course_can_be_replaced(small: Course, name: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(small, name, [])


CHANGES: list[Callable[[list], object]] = [
    lambda items: items.append(items[0]),
    lambda items: items.extend(items),
    lambda items: items.insert(0, items[0]),
    lambda items: items.remove(items[0]),
    lambda items: items.pop(),
    lambda items: items.clear(),
    lambda items: items.sort(key=id),
    lambda items: items.reverse(),
    lambda items: items.__setitem__(0, items[0]),
    lambda items: items.__setitem__(slice(0, 1), []),
    lambda items: items.__delitem__(0),
    lambda items: items.__iadd__(items),
    lambda items: items.__imul__(2),
]


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize(
    "collection",
    [
        lambda c: c.lessons,
        lambda c: c.questions,
        lambda c: c.quizzes,
        lambda c: c.units,
        lambda c: c.active_questions(),
        lambda c: c.active_questions(lesson="goals"),
        lambda c: c.lessons_in("basics"),
    ],
)
def test_no_list_of_the_course_can_be_changed(small: Course, collection: Callable, change: Callable) -> None:
    items = collection(small)
    before = list(items)
    with pytest.raises(TypeError, match="cannot be changed"):
        change(items)
    assert collection(small) == before


def test_problems_cannot_be_changed_either(small: Course) -> None:
    assert small.problems == []  # still compares equal to a plain list
    with pytest.raises(TypeError):
        small.problems.append(small.problems)  # type: ignore[arg-type]


def test_augmented_assignment_is_refused_too(small: Course) -> None:
    lessons = small.lessons
    with pytest.raises(TypeError):
        lessons += []
    with pytest.raises(TypeError):
        lessons *= 2


def test_the_maps_and_sets_of_the_course_are_read_only(small: Course) -> None:
    with pytest.raises(TypeError):
        small.question_files["new"] = small.question_files["tech-tf"]  # type: ignore[index]
    for ids in (small.reviewable(course_finished=True), small.final_exam_ids()):
        assert isinstance(ids, frozenset)


def test_the_models_inside_are_frozen(small: Course) -> None:
    with pytest.raises(ValueError, match="frozen"):
        small.questions[0].id = "renamed"  # type: ignore[misc]
    with pytest.raises(ValueError, match="frozen"):
        small.lessons[0].title = "Renamed"  # type: ignore[misc]


def test_building_a_changed_course_rebuilds_its_indexes(small: Course) -> None:
    edited = build("true_false", id="tech-tf", lesson="techniques", objectives=["obj-techniques"], prompt="Edited?", status="draft")
    changed = dataclasses.replace(small, questions=[edited if q.id == "tech-tf" else q for q in small.questions])
    assert changed.question("tech-tf") is edited
    assert "tech-tf" not in changed.reviewable(course_finished=True)
    assert changed.active_questions(lesson="techniques") == []
    assert small.question("tech-tf") is not edited  # the original is untouched
    assert "tech-tf" in small.reviewable(course_finished=True)


def test_the_course_survives_copying_and_pickling(small: Course) -> None:
    for other in (copy.copy(small), copy.deepcopy(small), pickle.loads(pickle.dumps(small))):
        assert other == small
        assert other.question("tech-tf") == small.question("tech-tf")
        with pytest.raises(TypeError):
            other.questions.append(other.questions[0])


def test_a_copied_model_forgets_the_index_of_the_original(small: Course) -> None:
    lesson = small.lessons[0]
    assert lesson.section("first") is not None  # builds and caches the index
    renamed = [section.model_copy(update={"id": "renamed"}) for section in lesson.sections]
    copied = lesson.model_copy(update={"sections": renamed})
    assert copied.section("first") is None
    assert copied.section("renamed") is renamed[0]


def test_the_first_of_a_repeated_quiz_id_wins_as_it_did(course_dirs) -> None:
    lessons, bank = course_dirs
    (bank / "quizzes" / "zz-again.json").write_text(
        '{"id": "goals-practice", "title": "Goals practice again", "lessons": ["goals"], "feedback_mode": "practice"}'
    )
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    quiz = course.quiz("goals-practice")
    assert quiz is not None and quiz.title == "Goals practice"


# --- the bank on its own ---------------------------------------------------------------------


def test_the_bank_looks_questions_up_by_id_and_is_read_only(course_dirs) -> None:
    _, folder = course_dirs
    bank = load_bank(folder)
    for question in bank.questions:
        assert bank.get(question.id) is question
    assert bank.get("no-such-question") is None
    with pytest.raises(TypeError):
        bank.questions.append(bank.questions[0])
    with pytest.raises(TypeError):
        bank.files["new"] = bank.files["tech-tf"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        bank.questions = []  # type: ignore[misc]
