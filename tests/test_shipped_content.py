"""The shipped course: it validates, covers the syllabus, and copies none of the source's slips."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from learning import QuestionType, Status, assemble, load_course
from learning.bank import bank_files, render_bank, render_schema
from learning.content import links
from learning.questions import question_type
from learning.quiz import QuizKind
from tests.conftest import ROOT, SHARED


@pytest.fixture(scope="module")
def course():
    return load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")


def test_every_shipped_file_validates(course) -> None:
    assert [str(p) for p in course.problems] == []
    assert len(course.lessons) == len([p for p in (ROOT / "lessons").glob("*.md") if p.name.lower() != "readme.md"])


def test_schema_is_up_to_date() -> None:
    assert (ROOT / "quiz_bank" / "schema.json").read_text(encoding="utf-8") == render_schema(), (
        "quiz_bank/schema.json is stale: run 'python -m learning schema'"
    )


def test_bank_files_are_in_canonical_layout(course) -> None:
    by_file = defaultdict(list)
    for question in course.questions:
        by_file[course.question_files[question.id]].append(question)
    for path in bank_files(ROOT / "quiz_bank"):
        assert path.read_text(encoding="utf-8") == render_bank(by_file[path]), f"{path.name}: run 'python -m learning format'"


# --- coverage of the syllabus (the course issue's checks) ----------------------------------


def test_two_units_and_at_least_fourteen_lessons(course) -> None:
    assert [u.id for u in course.units] == ["professions", "techniques"]
    assert len(course.lessons) >= 14
    techniques = {lesson.id for lesson in course.lessons_in("techniques")}
    assert techniques == {
        "myofascial-release",
        "deep-tissue",
        "cross-fiber-friction",
        "trigger-point-therapy",
        "muscle-energy-technique",
        "swedish-massage",
        "circulatory-massage",
    }


def test_every_objective_is_taught_and_tested_twice(course) -> None:
    taught = {o for lesson in course.lessons for section in lesson.sections for o in section.objectives}
    tested = Counter(o for q in course.active_questions() for o in q.objectives)
    for objective in course.syllabus.objectives:
        assert objective.id in taught, f"{objective.id} is taught by no lesson section"
        assert tested[objective.id] >= 2, f"{objective.id} is tested by {tested[objective.id]} active questions"


def test_every_lesson_has_eight_questions_of_three_types(course) -> None:
    for lesson in course.lessons:
        questions = course.active_questions(lesson=lesson.id)
        assert len(questions) >= 8, f"{lesson.id}: {len(questions)} questions"
        assert len({q.type for q in questions}) >= 3, f"{lesson.id}: types {sorted({q.type for q in questions})}"


def test_bank_size_types_scenarios_and_critical_items(course) -> None:
    active = course.active_questions()
    assert len(active) >= 150
    assert {question_type(q) for q in active} == set(QuestionType)
    assert sum(1 for q in active if q.scenario) >= 20
    assert sum(1 for q in active if q.critical) >= 15


def test_lessons_have_shape_the_course_promises(course) -> None:
    for lesson in course.lessons:
        assert 300 <= lesson.word_count <= 900, f"{lesson.id}: {lesson.word_count} words"
        assert lesson.sections[-1].id == "key-takeaways", lesson.id
        assert re.search(r"^\s*[-*] ", lesson.sections[-1].body, re.MULTILINE), f"{lesson.id}: key takeaways are not a list"
        assert 2 <= len(lesson.check_questions) <= 3, lesson.id
    for lesson in course.lessons:  # every lesson carries a claim the notes' section 2 frames
        assert "**In practice:**" in lesson.body, f"{lesson.id} has no 'In practice' note"


def test_goals_lesson_has_a_comparison_table(course) -> None:
    body = course.lesson("goals").body
    assert re.search(r"^\|.*[Mm]assage therapist.*\|.*[Mm]edical massage therapist.*\|", body, re.MULTILINE)


def test_glossary_terms_are_all_used_and_every_used_term_defined(course) -> None:
    defined = {t.id for t in course.glossary.terms}
    linked = {target for lesson in course.lessons for kind, target, _ in links(lesson.body) if kind == "glossary"}
    declared = {term for lesson in course.lessons for term in lesson.glossary}
    assert linked <= defined
    assert declared <= defined
    assert defined <= linked, f"defined but never linked: {sorted(defined - linked)}"
    for lesson in course.lessons:
        used = {target for kind, target, _ in links(lesson.body) if kind == "glossary"}
        assert used <= set(lesson.glossary), f"{lesson.id}: links {sorted(used - set(lesson.glossary))} not listed in its front matter"


def test_glossary_covers_the_notes(course) -> None:
    expected = {
        "mmi",
        "contraindication",
        "trigger-point",
        "taut-band",
        "referred-pain",
        "fascia",
        "stretch-reflex",
        "medical-necessity",
        "soap-notes",
        "scope-of-practice",
        "informed-consent",
        "licensure",
        "certification",
        "ime",
        "deep-transverse-friction",
        "remedial",
        "musculoskeletal",
        "pathology",
        "pharmacology",
    }
    assert expected <= {t.id for t in course.glossary.terms}


def test_every_question_points_at_a_real_section_and_has_feedback(course) -> None:
    for question in course.questions:
        lesson = course.lesson(question.lesson)
        assert lesson is not None and lesson.section(question.section) is not None, question.id
        assert set(question.objectives) <= set(lesson.objectives), f"{question.id} tests objectives its lesson does not teach"


def test_every_quiz_spec_assembles(course) -> None:
    kinds = Counter(q.kind for q in course.quizzes)
    assert kinds[QuizKind.PRACTICE] == len(course.lessons)
    assert kinds[QuizKind.UNIT_TEST] == len(course.units)
    assert kinds[QuizKind.FINAL_EXAM] == 1
    for quiz in course.quizzes:
        for seed in range(5):
            drawn = assemble(quiz, course.questions, seed=seed)
            if quiz.question_count:
                assert len(drawn) == quiz.question_count
    final = next(q for q in course.quizzes if q.kind is QuizKind.FINAL_EXAM)
    assert (final.question_count, final.pass_mark, final.time_limit_minutes) == (40, 0.8, 60)
    assert final.critical_gates_pass and final.feedback_mode.value == "exam"
    covered = {o for rule in final.blueprint for o in rule.objectives}
    assert covered == {o.id for o in course.syllabus.objectives}


def test_no_options_that_dodge_the_question(course) -> None:
    for question in course.active_questions():
        for option in getattr(question, "options", []):
            assert not re.search(r"\b(all|none) of the above\b", option.text, re.IGNORECASE), question.id


# --- slips of the source article (content notes, section 3) ---------------------------------

SLIPS = [
    (r"\bmessage therapist", "'message therapist' (massage therapist)"),
    (r"needsclinical", "'needsclinical'"),
    (r"\bc\.\s?cross", "'c.Cross fiber friction'"),
    (r"stretch muscles", "'stretch muscles' (stretch reflex)"),
    (r"swedish deep tissue", "'Swedish deep tissue' as one technique"),
    (r"sitting up", "'sitting up'"),
    (r"state city licensing", "'State city licensing boards'"),
    (r"doctors' recommendation", "'doctors' recommendation' (doctor's)"),
    (r"(?<!massage )\bmedical therapist", "'medical therapist' (medical massage therapist)"),
    (r"my home therapy", "'like my home therapy'"),
    (r"\bfibres?\b", "British 'fibre' (the course spells it 'fiber')"),
    (r"^\s*(?:which means|the aim of which|issues such as)\b", "a sentence fragment copied from the source"),
    (r"\bmassage therapists? (?:on the other side )?provide a comfortable", "'Massage therapist ... provide'"),
]
QUOTED = re.compile(r"[\"“][^\"”]{0,60}[\"”]")


def _texts(course):
    for path in sorted((ROOT / "lessons").glob("*")):
        if path.suffix in (".md", ".yaml"):
            yield path.name, path.read_text(encoding="utf-8")
    for path in bank_files(ROOT / "quiz_bank"):
        yield path.name, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "quiz_bank" / "quizzes").glob("*.json")):
        yield path.name, path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("pattern", "label"), SLIPS, ids=[label for _, label in SLIPS])
def test_no_slip_of_the_source_is_copied(course, pattern: str, label: str) -> None:
    """A slip may only appear quoted, where an 'In practice' note names the source's wording."""
    regex = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    found = []
    for name, text in _texts(course):
        unquoted = QUOTED.sub(lambda m: " " * len(m.group()), text.replace('\\"', '"'))
        found += [f"{name}: ...{text[max(0, m.start() - 30) : m.end() + 30]!r}..." for m in regex.finditer(unquoted)]
    assert found == [], f"{label} found"


def test_no_sentence_of_the_source_is_copied(course) -> None:
    source_path = SHARED / "source" / "medical-vs-massage-therapist.txt"
    if not source_path.exists():
        pytest.skip("the shared source text is not beside the checkout")
    source = source_path.read_text(encoding="utf-8")
    sentences = {s.strip().lower() for s in re.split(r"(?<=[.!?])\s+", source) if len(s.split()) >= 9}
    for name, text in _texts(course):
        lowered = " ".join(text.lower().split())
        copied = [s for s in sentences if " ".join(s.split()) in lowered]
        assert copied == [], f"{name} copies the source word for word: {copied[0]!r}"


def test_only_active_retired_or_draft(course) -> None:
    assert {q.status for q in course.questions} <= set(Status)
