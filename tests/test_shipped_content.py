"""The shipped course: it validates, covers the syllabus, and copies none of the source's slips."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from learning import QuestionType, Status, assemble, load_course
from learning.bank import bank_files, render_bank, render_schema
from learning.content import figures, links
from learning.lint import lint
from learning.questions import MatchingQuestion, Pool, SingleChoiceQuestion, TrueFalseQuestion, question_type
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


def test_two_units_and_the_techniques_in_teaching_order(course) -> None:
    assert [u.id for u in course.units] == ["professions", "techniques"]
    assert len(course.lessons) >= 16
    assert [lesson.id for lesson in course.lessons_in("techniques")] == [
        "contraindications-red-flags",
        "swedish-massage",
        "deep-tissue",
        "cross-fiber-friction",
        "trigger-point-therapy",
        "muscle-energy-technique",
        "myofascial-release",
        "circulatory-massage",
    ]


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
        longest = 1400 if lesson.id == SAFETY_LESSON else 900
        assert 300 <= lesson.word_count <= longest, f"{lesson.id}: {lesson.word_count} words"
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
    covered = {lesson for rule in final.blueprint for lesson in rule.lessons}
    assert covered == {lesson.id for lesson in course.lessons}
    for unit_test in (q for q in course.quizzes if q.kind is QuizKind.UNIT_TEST):
        assert {lesson for rule in unit_test.blueprint for lesson in rule.lessons} == {
            lesson.id for lesson in course.lessons_in(unit_test.unit)
        }


def test_no_options_that_dodge_the_question(course) -> None:
    for question in course.active_questions():
        for option in getattr(question, "options", []):
            assert not re.search(r"\b(all|none) of the above\b", option.text, re.IGNORECASE), question.id


# --- slips of the source article (content notes, section 3) ---------------------------------

# --- the second edition: safety, fair questions, the exam pool --------------------------------

SAFETY_LESSON = "contraindications-red-flags"
SAFETY_TAGS = {
    "safety-clot",
    "safety-injury",
    "safety-emergency",
    "safety-scope",
    "safety-role",
    "safety-medication",
    "safety-screening",
    "safety-adapt",
}
CLOT_RULE = re.compile(r"no massage at any pressure.{0,40}medical care the same day", re.IGNORECASE | re.DOTALL)


def test_lint_finds_nothing_in_the_shipped_bank(course) -> None:
    assert [str(f) for f in lint(course)] == []
    assert [q.id for q in course.questions if q.lint_accept] == [], "the README lists every accepted lint finding; there are none"


def test_no_length_cue(course) -> None:
    """The key is the strictly longest option at about the rate chance gives, never by 20% in a critical item."""
    single = [q for q in course.active_questions() if isinstance(q, SingleChoiceQuestion)]
    keys = {q.id: next(o for o in q.options if o.correct) for q in single}

    def longest(q) -> bool:
        return all(len(keys[q.id].text) > len(o.text) for o in q.options if not o.correct)

    share = sum(map(longest, single)) / len(single)
    chance = sum(1 / len(q.options) for q in single) / len(single)
    assert abs(share - chance) <= 0.1, f"the key is the longest option in {share:.0%} of single-choice items (chance: {chance:.0%})"
    for q in single:
        if q.critical:
            distractor = max(len(o.text) for o in q.options if not o.correct)
            assert len(keys[q.id].text) < 1.2 * distractor, f"{q.id}: a critical item whose key is 20% longer than every distractor"


def test_keys_and_matches_give_nothing_away(course) -> None:
    """Keys are not always first in the files, and a one-to-one matching question has spare choices."""
    single = [q for q in course.active_questions() if isinstance(q, SingleChoiceQuestion)]
    first = sum(q.options[0].correct for q in single)
    assert first / len(single) < 0.4, f"the key is the first option in {first} of {len(single)} single-choice questions"
    for q in course.active_questions():
        if isinstance(q, MatchingQuestion) and len({i.answer for i in q.items}) == len(q.items):
            spare = {c.id for c in q.choices} - {i.answer for i in q.items}
            assert len(spare) >= 2, f"{q.id}: a one-to-one matching question needs two spare choices, not {len(spare)}"


def test_true_and_false_statements_are_balanced(course) -> None:
    for lesson in course.lessons:
        statements = [q for q in course.active_questions(lesson=lesson.id) if isinstance(q, TrueFalseQuestion)]
        true = sum(q.answer for q in statements)
        assert abs(true - (len(statements) - true)) <= 1, f"{lesson.id}: {true} true, {len(statements) - true} false"
    framed = [q for q in course.active_questions() if isinstance(q, TrueFalseQuestion) and "according to" in q.prompt.lower()]
    assert {q.answer for q in framed} == {True, False}, "framed statements ('according to...') must be both true and false"


def test_critical_questions_are_single_focus_safety_items(course) -> None:
    for question in course.active_questions():
        safety = SAFETY_TAGS & set(question.tags)
        if question.critical:
            assert len(safety) == 1, f"{question.id}: a critical question carries exactly one safety tag, not {sorted(safety)}"
            assert any(o.startswith("safety-") for o in question.objectives), f"{question.id}: maps to no safety objective"
        else:
            assert not safety, f"{question.id}: a safety tag on a question that is not critical"


def test_the_final_exam_has_a_fixed_safety_block(course) -> None:
    final = next(q for q in course.quizzes if q.kind is QuizKind.FINAL_EXAM)
    questions = {q.id: q for q in course.questions}
    wanted = {"safety-clot": 2, "safety-injury": 1, "safety-emergency": 1, "safety-scope": 2, "safety-medication": 1, "safety-adapt": 1}
    for seed in range(500):
        drawn = [questions[d.id] for d in assemble(final, course.questions, seed=seed)]
        critical = [q for q in drawn if q.critical]
        assert len(critical) == 9, f"seed {seed}: {len(critical)} critical questions"
        assert len(drawn) == 40
        tags = Counter(t for q in critical for t in q.tags if t in SAFETY_TAGS)
        for tag, least in wanted.items():
            assert tags[tag] >= least, f"seed {seed}: {tags[tag]} {tag} questions"
        assert {q.pool for q in drawn} == {Pool.EXAM}
        groups = [q.exclusion_group for q in drawn if q.exclusion_group]
        assert len(groups) == len(set(groups)), f"seed {seed}: two questions of one exclusion group"


def test_the_exam_pool_is_never_reachable_from_practice(course) -> None:
    exam = {q.id for q in course.active_questions() if q.pool is Pool.EXAM}
    assert len(exam) >= 90
    for lesson in course.lessons:
        assert len([q for q in course.active_questions(lesson=lesson.id) if q.pool is Pool.EXAM]) >= 6, lesson.id
        assert not exam & set(lesson.check_questions), f"{lesson.id}: an exam question among the check questions"
    for quiz in course.quizzes:
        if quiz.kind is QuizKind.PRACTICE:
            assert quiz.pools == [Pool.PRACTICE], quiz.id
            for seed in range(5):
                assert not exam & {d.id for d in assemble(quiz, course.questions, seed=seed)}, quiz.id
    assert not exam & course.reviewable(course_finished=False)
    assert exam <= course.reviewable(course_finished=True)


def test_the_red_flag_rule_reads_the_same_in_every_technique_lesson(course) -> None:
    for lesson in course.lessons_in("techniques"):
        assert CLOT_RULE.search(" ".join(lesson.body.split())), f"{lesson.id}: the possible blood clot rule is missing or reworded"
        if lesson.id != SAFETY_LESSON:
            targets = {target for kind, target, _ in links(lesson.body) if kind == "lesson"}
            assert SAFETY_LESSON in targets, f"{lesson.id}: its cautions do not link to the safety lesson"
    for lesson in course.lessons:
        for phrase in ("avoid sustained pressure over a possible blood clot", "postpone: a possible blood clot"):
            assert phrase not in lesson.body.lower(), f"{lesson.id}: {phrase!r}"


def test_every_claim_of_the_notes_is_tested_twice(course) -> None:
    """Each claim C01 to C48 of the content notes is tested by two active questions (tags claim-cNN)."""
    notes = SHARED / "CONTENT_NOTES.md"
    if not notes.exists():
        pytest.skip("the shared content notes are not beside the checkout")
    claims = re.findall(r"^- (C\d\d) ", notes.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(claims) == 48
    tested = Counter(tag for q in course.active_questions() for tag in q.tags if tag.startswith("claim-"))
    assert set(tested) <= {f"claim-{c.lower()}" for c in claims}, "a claim tag that names no claim of the notes"
    thin = {c: tested[f"claim-{c.lower()}"] for c in claims if tested[f"claim-{c.lower()}"] < 2}
    assert thin == {}, f"claims tested by fewer than two active questions: {thin}"


def test_every_technique_lesson_has_a_figure(course) -> None:
    for lesson in course.lessons_in("techniques"):
        shown = figures(lesson.body)
        assert shown, f"{lesson.id} has no figure"
        for alt, source in shown:
            assert len(alt.split()) >= 8, f"{lesson.id}: the alt text of {source} does not describe it"
            svg = (ROOT / "lessons" / source).read_text(encoding="utf-8")
            assert "<title" in svg and "<desc" in svg and "viewBox" in svg, source
            assert not re.search(r"<script|\bon[a-z]+=|href=[\"']https?:", svg, re.IGNORECASE), f"{source} has script or a remote link"
            assert not re.search(r"<svg[^>]*\swidth=", svg), f"{source}: a fixed width keeps it from fitting a phone"


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
