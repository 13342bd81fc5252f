"""Lessons, syllabus and glossary: parsing and the problems they report."""

from __future__ import annotations

from pathlib import Path

import pytest

from learning import load_course
from learning.content import parse_lesson
from tests.conftest import write_course

GOOD = """\
---
id: demo
unit: basics
order: 1
title: Demo
summary: A demo.
objectives: [obj-goals]
sections:
  - id: one
    objectives: [obj-goals]
  - id: key-takeaways
    objectives: []
---
Intro.

## First part {#one}

Words words words.

## Key takeaways {#key-takeaways}

- A point.
"""


def test_lesson_sections_come_from_the_body() -> None:
    lesson, problems = parse_lesson(GOOD, file="lessons/demo.md")
    assert problems == []
    assert [(s.id, s.title) for s in lesson.sections] == [("one", "First part"), ("key-takeaways", "Key takeaways")]
    assert lesson.intro == "Intro."
    assert lesson.section("one").body == "Words words words."
    assert lesson.reading_minutes == 1


def test_reading_time_follows_word_count() -> None:
    long = GOOD.replace("Words words words.", "word " * 900)
    lesson, _ = parse_lesson(long, file="lessons/demo.md")
    assert lesson.reading_minutes == 5


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("{#one}", "{#other}"),
            "lessons/demo.md: lesson \"demo\": sections: the front matter lists sections ['one', 'key-takeaways'] but the body's "
            "'## Title {#anchor}' headings are ['other', 'key-takeaways']; they must match one for one, in order",
        ),
        (
            ("objectives: [obj-goals]\n  - id: key", "objectives: []\n  - id: key"),
            'lessons/demo.md: lesson "demo": sections: no section teaches obj-goals',
        ),
        (("title: Demo\n", "title: ''\n"), 'lessons/demo.md: lesson "demo": title: must not be empty'),
        (("order: 1\n", ""), 'lessons/demo.md: lesson "demo": order: Field required'),
        (("summary: A demo.", "summary: [unclosed"), "lessons/demo.md:8: invalid front matter: did not find expected ',' or ']'"),
    ],
)
def test_lesson_problems(change: tuple[str, str], expected: str) -> None:
    lesson, problems = parse_lesson(GOOD.replace(*change), file="lessons/demo.md")
    assert lesson is None
    assert [str(p) for p in problems] == [expected]


def test_lesson_without_front_matter() -> None:
    lesson, problems = parse_lesson("# Just text\n", file="lessons/x.md")
    assert lesson is None
    assert [str(p) for p in problems] == ["lessons/x.md: no YAML front matter (a block between --- lines at the top)"]


def test_cross_references_are_checked(course_dirs) -> None:
    lessons, bank = course_dirs
    path = lessons / "techniques.md"
    text = path.read_text().replace("glossary:remedial", "glossary:nonsense").replace("lesson:goals#first", "lesson:goals#nowhere")
    path.write_text(text.replace("check_questions: []", "check_questions: [sample-true-false]"))
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert [str(p) for p in course.problems] == [
        'lessons/techniques.md: lesson "techniques": body: link to glossary:nonsense: no such glossary term',
        'lessons/techniques.md: lesson "techniques": body: link to lesson:goals#nowhere: that lesson has no such section',
        "lessons/techniques.md: lesson \"techniques\": check_questions[0]: question 'sample-true-false' belongs to lesson 'goals'",
    ]
    # Each is a warning: the lesson is still served, without what is missing.
    assert not course.errors
    assert [lesson.id for lesson in course.lessons] == ["goals", "techniques"]
    assert course.check_questions("techniques") == []


def test_broken_glossary_still_serves_lessons(course_dirs) -> None:
    lessons, bank = course_dirs
    (lessons / "glossary.yaml").write_text("terms:\n  - id: remedial\n    term: [broken\n")
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert str(course.problems[0]).startswith("lessons/glossary.yaml:4:1: invalid YAML")
    assert course.glossary.terms == []


def test_syllabus_duplicates(tmp_path: Path, course_dirs) -> None:
    lessons, bank = course_dirs
    syllabus = lessons / "syllabus.yaml"
    syllabus.write_text(syllabus.read_text() + "  - {id: obj-goals, text: Again.}\n")
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert "lessons/syllabus.yaml: objectives[3].id: 'obj-goals' appears twice" in [str(p) for p in course.problems]


def test_a_missing_figure_is_reported_and_the_lesson_still_served(tmp_path) -> None:
    lessons, bank = write_course(tmp_path)
    path = lessons / "techniques.md"
    path.write_text(path.read_text() + "\n![A diagram of nothing](figures/missing.svg)\n")
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    expected = 'lessons/techniques.md: lesson "techniques": body: figure figures/missing.svg: no such file'
    assert [str(p) for p in course.problems] == [expected]
    assert course.lesson("techniques") is not None
    (lessons / "figures").mkdir()
    (lessons / "figures" / "missing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title></svg>')
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert course.problems == []
    assert course.figure_path("figures/missing.svg") == lessons / "figures" / "missing.svg"


@pytest.mark.parametrize(
    "hostile",
    ["## A heading" + " " * 80_000, "## " + "a " * 80_000, "](glossary:" * 80_000, "[x](lesson:" * 40_000],
    ids=["heading-then-spaces", "heading-of-words", "unclosed-links", "unclosed-lesson-links"],
)
def test_hostile_lesson_text_is_parsed_in_linear_time(hostile: str) -> None:
    """A heading followed by 80,000 spaces once took 5.3 s, and 10,000 unclosed links 22 s."""
    import time

    from learning.content import links, parse_lesson

    started = time.perf_counter()
    links(hostile)
    parse_lesson(f"---\\nid: x\\n---\\n{hostile}\\n", file="lessons/x.md")
    assert time.perf_counter() - started < 2.0  # linear: milliseconds; the old patterns: seconds to minutes


TWO_TERMS = """\
terms:
  - {id: remedial, term: remedial, definition: Done to treat a problem., termm: x}
  - {id: palliative, term: palliative, definition: Done to ease a problem.}
"""


def test_a_typo_in_one_glossary_term_drops_that_term_only(course_dirs) -> None:
    """One unknown key in the first term once left the course with no lessons at all."""
    lessons, bank = course_dirs
    (lessons / "glossary.yaml").write_text(TWO_TERMS)
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert [t.id for t in course.glossary.terms] == ["palliative"]
    assert [str(p) for p in course.errors] == ["lessons/glossary.yaml: terms[0].termm: unknown field (check its spelling)"]
    assert [lesson.id for lesson in course.lessons] == ["goals", "techniques"]
    warnings = [str(p) for p in course.problems if not p.is_error]
    assert "lessons/goals.md: lesson \"goals\": glossary[0]: no glossary term 'remedial'" in warnings
    assert len(course.active_questions()) == len(load_course(lessons_dir=lessons, bank_dir=bank).active_questions())


def test_one_broken_objective_keeps_the_rest_of_the_syllabus(course_dirs) -> None:
    lessons, bank = course_dirs
    whole = load_course(lessons_dir=lessons, bank_dir=bank)
    syllabus = lessons / "syllabus.yaml"
    syllabus.write_text(syllabus.read_text().replace("{id: obj-hours, text:", "{id: obj-hours, txet:"))
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert course.syllabus is not None
    assert [o.id for o in course.syllabus.objectives] == ["obj-goals", "obj-techniques"]
    assert [u.id for u in course.syllabus.units] == ["basics"]
    assert [str(p) for p in course.errors] == [
        "lessons/syllabus.yaml: objectives[2].text: missing",
        "lessons/syllabus.yaml: objectives[2].txet: unknown field (check its spelling)",
    ]
    # The lesson teaching it and the questions testing it are still served, with a warning each.
    assert [lesson.id for lesson in course.lessons] == [lesson.id for lesson in whole.lessons]
    assert [q.id for q in course.questions] == [q.id for q in whole.questions]
    assert [q.id for q in course.quizzes] == [q.id for q in whole.quizzes]
    assert "lessons/goals.md: lesson \"goals\": objectives[1]: no objective 'obj-hours' in the syllabus" in [
        str(p) for p in course.problems if not p.is_error
    ]


def test_an_unknown_top_level_key_in_the_syllabus_is_reported_and_ignored(course_dirs) -> None:
    """It once emptied the course: 0 lessons, 0 questions, 0 quizzes."""
    lessons, bank = course_dirs
    syllabus = lessons / "syllabus.yaml"
    syllabus.write_text(syllabus.read_text() + "objectivs: []\n")
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert [str(p) for p in course.problems] == ["lessons/syllabus.yaml: objectivs: unknown top-level field (check its spelling)"]
    assert len(course.lessons) == 2 and course.quizzes and course.required_reading == {"goals", "techniques"}


def test_a_syllabus_that_cannot_be_read_leaves_nothing_to_read_for_an_exam(course_dirs) -> None:
    lessons, bank = course_dirs
    (lessons / "syllabus.yaml").write_text("units: [\n")
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert course.syllabus is None and course.errors
    assert course.required_reading == frozenset()


def test_deleting_a_lesson_drops_only_what_depends_on_it(course_dirs) -> None:
    """Deleting one lesson once also dropped the lessons linking to it, and every quiz drawing on it."""
    lessons, bank = course_dirs
    (bank / "quizzes" / "both.json").write_text(
        '{"id": "both", "title": "Both", "question_count": 2, "blueprint": [{"lessons": ["techniques"], "count": 1}]}'
    )
    assert load_course(lessons_dir=lessons, bank_dir=bank).can_start("both")
    (lessons / "techniques.md").unlink()
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert [lesson.id for lesson in course.lessons] == ["goals"]  # it links to lesson:techniques#first
    assert [(p.severity.value, str(p)) for p in course.problems] == [
        ("error", "quiz_bank/techniques.json: question \"tech-tf\": lesson: no lesson 'techniques'"),
        ("warning", 'lessons/goals.md: lesson "goals": body: link to lesson:techniques: no such lesson'),
        ("warning", "quiz_bank/quizzes/both.json: blueprint[0].lessons: no lesson 'techniques'"),
        (
            "error",
            "quiz_bank/quizzes/both.json: cannot be assembled, so no new attempt can start: quiz 'both': "
            "the blueprint asks for 1 question on techniques, but only 0 can be drawn for it",
        ),
    ]
    assert course.question("tech-tf") is None
    # Both quizzes are still there for the attempts already started; only the broken one cannot start.
    assert [q.id for q in course.quizzes] == ["both", "goals-practice"]
    assert course.can_start("goals-practice") and not course.can_start("both")
