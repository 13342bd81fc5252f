"""Moodle XML reading: every construct and type from hand-written files, hostile files, and the
fractions the writer gives Moodle."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from learning.course import Course, load_course
from learning.errors import InterchangeError
from learning.interchange import Format, ImportOptions, MediaStore, export, parse, read
from learning.interchange.fractions import ALLOWED
from learning.interchange.limits import MAX_FILE_BYTES
from learning.questions import QUESTION_ADAPTER, dump_question
from tests.conftest import question, write_course

FIXTURES = Path(__file__).parent / "fixtures" / "moodle_xml"


@pytest.fixture
def course(tmp_path: Path) -> Course:
    lessons, bank = write_course(tmp_path)
    return load_course(lessons_dir=lessons, bank_dir=bank)


def _read(name: str, course: Course, **options: object):
    return read((FIXTURES / name).read_bytes(), ImportOptions(lesson="goals", **options), course, fmt=Format.MOODLE_XML)


EXPECTED = [
    {
        "id": "tech-glide",
        "version": 1,
        "type": "single_choice",
        "status": "draft",
        "lesson": "techniques",
        "section": "first",
        "objectives": ["obj-techniques"],
        "points": 2.0,
        "tags": ["swedish-massage", "strokes"],
        "prompt": "Which stroke is **long and gliding**?",
        "explanation": "Effleurage glides.",
        "options": [
            {"id": "a", "text": "Effleurage", "correct": True, "feedback": "Yes."},
            {"id": "b", "text": "Petrissage", "feedback": "It kneads."},
            {"id": "c", "text": "Tapotement", "feedback": "Not correct."},
        ],
    },
    {
        "id": "techniques-01",
        "version": 1,
        "type": "multiple_response",
        "status": "draft",
        "lesson": "techniques",
        "section": "first",
        "objectives": ["obj-techniques"],
        "prompt": "Which are Swedish strokes?  \nChoose all.",
        "explanation": "The correct answer is: Effleurage; Petrissage; Friction",
        "options": [
            {"id": "a", "text": "Effleurage", "correct": True, "feedback": "Yes.", "weight": 1 / 3},
            {"id": "b", "text": "Petrissage", "correct": True, "feedback": "Correct.", "weight": 1 / 3},
            {"id": "c", "text": "Friction", "correct": True, "feedback": "Correct.", "weight": 1 / 3},
            {"id": "d", "text": "Trigger point pressure", "feedback": "No: that is neuromuscular work.", "weight": -1.0},
            {"id": "e", "text": "Cupping \\*with\\* glass", "feedback": "Not correct.", "weight": 0.0},
        ],
        "shuffle": False,
    },
    {
        "id": "techniques-02",
        "version": 1,
        "type": "true_false",
        "status": "draft",
        "lesson": "techniques",
        "section": "first",
        "objectives": ["obj-techniques"],
        "prompt": "Medical massage is **always** prescribed.",
        "explanation": "A physician _prescribes_ it.",
        "answer": False,
        "feedback_true": "Not always.",
        "feedback_false": "Right: only medical massage is.",
    },
    {
        "id": "goals-01",
        "version": 1,
        "type": "matching",
        "status": "draft",
        "lesson": "goals",
        "section": "first",
        "objectives": ["obj-goals"],
        "prompt": "Match each stroke with what it does.",
        "explanation": "Each stroke has its job.",
        "items": [
            {"id": "i1", "text": "Effleurage", "answer": "c1"},
            {"id": "i2", "text": "Petrissage", "answer": "c2"},
            {"id": "i3", "text": "Stripping", "answer": "c1"},
        ],
        "choices": [{"id": "c1", "text": "Glides"}, {"id": "c2", "text": "Kneads"}, {"id": "c3", "text": "Taps"}],
    },
    {
        "id": "tech-order",
        "version": 1,
        "type": "ordering",
        "status": "draft",
        "lesson": "goals",
        "section": "first",
        "objectives": ["obj-goals"],
        "prompt": "Put the steps of a session in order.",
        "explanation": "Assess first.",
        "items": [{"id": "i1", "text": "Assess"}, {"id": "i2", "text": "Treat"}, {"id": "i3", "text": "Record"}],
    },
    {
        "id": "goals-02",
        "version": 1,
        "type": "short_answer",
        "status": "draft",
        "lesson": "goals",
        "section": "first",
        "objectives": ["obj-goals"],
        "prompt": "Name the friction across the fibres \\(2 words, \\*not\\* 1\\).",
        "explanation": "Cross-fibre friction.",
        "answers": [
            {"text": "cross fib*", "feedback": "Right."},
            {"text": "friction", "credit": 0.3333333, "feedback": "Which friction?"},
        ],
        "wrong_feedback": "It is cross-fibre friction.",
    },
    {
        "id": "goals-03",
        "version": 1,
        "type": "numeric",
        "status": "draft",
        "lesson": "goals",
        "section": "first",
        "objectives": ["obj-goals"],
        "prompt": "How many hours does the basic course take?",
        "explanation": "500 hours.",
        "answers": [
            {"value": 500.0, "feedback": "Right."},
            {"value": 500.0, "tolerance": 50.0, "credit": 0.5, "feedback": "Close."},
        ],
        "unit": "hours",
        "wrong_feedback": "It is 500 hours.",
    },
]


def test_every_type_and_construct_of_a_moodle_file_is_read_as_the_bank_stores_it(course) -> None:
    report = _read("all_types.xml", course)
    assert report.skipped == []
    assert [dump_question(q) for q in report.questions] == EXPECTED


@pytest.mark.parametrize(
    ("line", "name", "message"),
    [
        (15, "Single choice with partial credit", "option 2 gives 50% in Moodle; a single-choice question scores only its right answer"),
        (
            60,
            "Multiple response, fractions add up to 150%",
            "the right options' fractions add up to 150%, not 100%: scaled to add up to 100%",
        ),
        (
            60,
            "Multiple response, fractions add up to 150%",
            "idnumber 'Not A Slug' is not a bank id (lowercase letters, digits and hyphens): given a new id",
        ),
        (180, "Ordering", "Moodle grades it RELATIVE_NEXT_EXCLUDE_LAST; the bank gives credit for each item in its right position"),
        (213, "Short answer", "Moodle compares these answers case-sensitively; the bank ignores case"),
        (249, "Numerical", "Moodle also accepts the units days; the bank keeps one unit (hours)"),
    ],
)
def test_what_the_bank_reads_differently_from_moodle_is_reported_with_the_line_and_name(course, line, name, message) -> None:
    warnings = {(w.line, w.name, w.message) for w in _read("all_types.xml", course).warnings}
    assert (line, name, message) in warnings


def test_each_question_has_the_line_its_question_element_starts_on() -> None:
    text = (FIXTURES / "all_types.xml").read_text()
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if '<question type="' in line and "category" not in line]
    _, parsed = parse(text.encode())
    assert [d.line for d in parsed.drafts] == starts == [15, 60, 102, 138, 180, 213, 249]


def test_a_category_applies_to_the_questions_after_it() -> None:
    _, parsed = parse((FIXTURES / "all_types.xml").read_bytes())
    assert [d.category for d in parsed.drafts] == ["$course$/top/techniques"] * 3 + ["$course$/top/Somewhere else"] * 4


def test_types_the_bank_cannot_hold_are_skipped_by_line_name_and_type(course) -> None:
    report = _read("unsupported.xml", course)
    assert [(s.line, s.name, s.reason.split(":")[0]) for s in report.skipped] == [
        (3, "Describe a session", "an essay question"),
        (8, "Cloze strokes", "a Cloze (embedded answers) question"),
        (12, "Calculated dose", "a calculated question"),
        (16, "Read this first", "a description (not a question)"),
        (20, "Drag the words", "a drag-and-drop into text question"),
        (24, "Select the words", "a select missing words question"),
        (27, "Random question", "a random question"),
    ]
    assert [q.prompt for q in report.questions] == ["Effleurage glides."]


def test_own_metadata_restores_what_moodle_has_no_place_for(course) -> None:
    original = QUESTION_ADAPTER.validate_python(
        question(
            "multiple_response",
            id="goals-09",
            section="key-takeaways",
            difficulty="hard",
            critical=True,
            pool="exam",
            exclusion_group="roles",
            lint_accept=["longest-key"],
            scenario="A client -- with -- dashes asks.",
            tags=["roles", "law"],
            scoring="all_or_nothing",
            options=[
                {"id": "x1", "text": "Insurers", "correct": True, "feedback": "Yes.", "weight": 0.35, "pinned": True},
                {"id": "x2", "text": "Courts", "correct": True, "feedback": "Yes.", "weight": 0.65},
                {"id": "x3", "text": "Spa owners", "feedback": "No.", "weight": -0.2},
            ],
        )
    )
    written = export([original], Format.MOODLE_XML).content
    comments = re.findall(rb"<!--(.*?)-->", written, re.DOTALL)
    assert len(comments) == 1 and b"--" not in comments[0]  # XML forbids "--" in a comment
    report = read(written, ImportOptions(lesson="techniques", status="active"), course)
    assert report.warnings == []
    assert report.questions == [original]


def test_a_hand_edited_comment_that_no_longer_fits_the_question_is_not_used_for_it(course) -> None:
    original = QUESTION_ADAPTER.validate_python(question("ordering", id="goals-09"))
    text = export([original], Format.MOODLE_XML).content.decode()
    fewer = re.sub(r'    <answer fraction="4".*?</answer>\n', "", text, flags=re.DOTALL)
    report = read(fewer.encode(), ImportOptions(lesson="goals"), course)
    assert [i.id for i in report.questions[0].items] == ["i1", "i2", "i3"]


# --- Hostile files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_a_dtd_or_entity_is_refused_before_anything_is_expanded(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InterchangeError, match=r"declares a DTD or an entity \(line 2\)"):
        parse((FIXTURES / name).read_bytes())
    assert time.perf_counter() - started < 1


def test_an_external_entity_never_reads_the_file_it_names() -> None:
    with pytest.raises(InterchangeError) as error:
        parse((FIXTURES / "external_entity.xml").read_bytes())
    assert "root:" not in str(error.value)


def test_a_truncated_file_is_refused_naming_its_line() -> None:
    with pytest.raises(InterchangeError, match=r"not well-formed XML: no element found at line 71"):
        parse((FIXTURES / "truncated.xml").read_bytes())


def test_malformed_xml_is_refused_naming_its_line() -> None:
    with pytest.raises(InterchangeError, match=r"mismatched tag at line 3, column \d+"):
        parse(b"<quiz>\n  <question type='truefalse'>\n  </quiz>\n", fmt=Format.MOODLE_XML)


def test_a_file_that_is_not_a_moodle_quiz_is_refused() -> None:
    with pytest.raises(InterchangeError, match=r"root element is <html>"):
        parse(b"<?xml version='1.0'?><html><body/></html>")


def test_a_50_mb_file_is_refused_before_parsing_and_quickly() -> None:
    data = b'<?xml version="1.0"?><quiz>' + b"<!-- padding -->" * (50 * 1024 * 1024 // 16) + b"</quiz>"
    assert len(data) > MAX_FILE_BYTES
    started = time.perf_counter()
    with pytest.raises(InterchangeError, match=r"the file is 50\.0 MB; the most an import can read is 20\.0 MB"):
        parse(data)
    assert time.perf_counter() - started < 0.5


def test_script_event_handlers_and_script_links_never_reach_the_stored_text(course) -> None:
    report = _read("script.xml", course)
    [stored] = report.questions
    text = str(dump_question(stored)).lower()
    for hostile in ("<script", "script>", "onclick", "onerror", "onmouseover", "javascript:", "style", "iframe", "alert("):
        assert hostile not in text
    assert stored.prompt.startswith("Which stroke glides?")
    assert [o.text for o in stored.options] == ["Effleurage", "Tapotement"]


# --- Images --------------------------------------------------------------------------------


def test_embedded_images_are_stored_by_content_and_others_reported_with_alt_text_kept(course, tmp_path) -> None:
    media = MediaStore(tmp_path / "bank")
    report = read((FIXTURES / "images.xml").read_bytes(), ImportOptions(lesson="goals"), course, media=media)
    html, markdown = report.questions
    stored = sorted(p.name for p in (tmp_path / "bank" / "media").iterdir())
    assert len(stored) == 2 and stored[0].endswith(".gif") and stored[1].endswith(".png")
    png = f"media/{stored[1]}"
    assert html.prompt == f"Is this the trapezius?\n\n![The upper back]({png})\n\nA vector diagram"
    assert html.explanation == f"Yes. ![a dot](media/{stored[0]})"
    assert markdown.prompt == f"Is this the same muscle?\n\n![The upper back]({png})\n\nmissing ![linked](https://example.org/x.png)"
    problems = [(w.name, w.message) for w in report.warnings if "image" in w.message]
    assert problems == [
        (
            "Images in HTML",
            "image 'diagram.svg' is not a PNG, JPEG, GIF or WebP image (SVG and other kinds are not imported): "
            "dropped (its alt text 'A vector diagram' kept)",
        ),
        ("Images in Markdown", "image 'nowhere.png' is referred to but not in the file: dropped (its alt text 'missing' kept)"),
    ]


def test_a_dry_run_names_images_the_same_but_writes_none(course, tmp_path) -> None:
    media = MediaStore(tmp_path / "bank", dry_run=True)
    report = read((FIXTURES / "images.xml").read_bytes(), ImportOptions(lesson="goals"), course, media=media)
    assert "](media/" in report.questions[0].prompt
    assert not (tmp_path / "bank" / "media").exists()


def test_an_image_in_the_bank_is_embedded_and_comes_back_to_the_same_file(course, tmp_path) -> None:
    bank = tmp_path / "bank"
    media = MediaStore(bank)
    read((FIXTURES / "images.xml").read_bytes(), ImportOptions(lesson="goals"), course, media=media)
    [png] = [p for p in (bank / "media").iterdir() if p.suffix == ".png"]
    original = QUESTION_ADAPTER.validate_python(question("true_false", id="goals-50", prompt=f"Which muscle?\n\n![Back](media/{png.name})"))
    written = export([original], Format.MOODLE_XML, media).content.decode()
    assert f"![Back](@@PLUGINFILE@@/{png.name})" in written
    assert re.search(rf'<file name="{png.name}" path="/" encoding="base64">[A-Za-z0-9+/=]+</file>', written)
    elsewhere = MediaStore(tmp_path / "other")
    report = read(written.encode(), ImportOptions(lesson="goals", status="active"), course, media=elsewhere)
    assert report.questions == [original]
    assert (tmp_path / "other" / "media" / png.name).read_bytes() == png.read_bytes()


# --- Writing -------------------------------------------------------------------------------


def test_a_weight_moodle_does_not_allow_is_snapped_and_reported() -> None:
    original = QUESTION_ADAPTER.validate_python(
        question(
            "multiple_response",
            options=[
                {"id": "a", "text": "Insurers", "correct": True, "feedback": "Yes.", "weight": 0.35},
                {"id": "b", "text": "Courts", "correct": True, "feedback": "Yes.", "weight": 0.65},
                {"id": "c", "text": "Spa owners", "feedback": "No.", "weight": -0.5},
            ],
        )
    )
    exported = export([original], Format.MOODLE_XML)
    assert [(a.question_id, a.where, a.given, a.written) for a in exported.adjustments] == [
        ("sample-multiple-response", "options[0].weight", 0.35, 0.3333333),
        ("sample-multiple-response", "options[1].weight", 0.65, 0.6666667),
    ]
    assert re.findall(r'fraction="([^"]+)"', exported.content.decode()) == ["33.33333", "66.66667", "-50"]


def test_every_fraction_written_for_the_shipped_bank_is_one_moodle_accepts() -> None:
    from tests.conftest import ROOT

    course = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    text = export(list(course.questions), Format.MOODLE_XML).content.decode()
    ordering = re.compile(r'<question type="ordering">.*?</question>', re.DOTALL)  # an ordering answer's fraction is its position
    fractions = [float(f) / 100 for f in re.findall(r'fraction="([^"]+)"', ordering.sub("", text))]
    assert len(fractions) > 1000
    assert all(any(abs(f - allowed) < 1e-7 for allowed in ALLOWED) for f in fractions)


def test_the_writer_uses_moodle_shapes_for_each_type() -> None:
    questions = [QUESTION_ADAPTER.validate_python(question(kind)) for kind in ("single_choice", "ordering", "numeric", "short_answer")]
    text = export(questions, Format.MOODLE_XML).content.decode()
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n  <question type="category"><category><text>$course$/top/goals</text>'
    )
    assert '<question type="multichoice">' in text and "<single>true</single>" in text
    assert '<question type="ordering">' in text and "<gradingtype>ABSOLUTE_POSITION</gradingtype>" in text
    assert "<units><unit><multiplier>1</multiplier><unit_name>hours</unit_name></unit></units>" in text
    assert '<answer fraction="0" format="plain_text"><text>*</text><feedback format="markdown"><text>The module' in text
    assert "<idnumber>sample-single-choice</idnumber>" in text
    assert text.count("$course$/top/goals") == 1


def test_right_answers_snapped_for_moodle_still_add_up_to_a_hundred_percent() -> None:
    from learning.interchange import moodle_xml
    from learning.interchange.fractions import ALLOWED
    from learning.interchange.media import MediaStore
    from tests.conftest import build

    right = [{"id": f"o{n}", "text": f"Right {n}", "correct": True, "feedback": "Yes.", "weight": w} for n, w in enumerate((0.93, 0.07))]
    wrong = [{"id": "x", "text": "Wrong", "feedback": "No.", "weight": -0.5}]
    question = build("multiple_response", options=right + wrong)
    written = moodle_xml.write([question], MediaStore(None))
    fractions = [float(f) / 100 for f in re.findall(r'<answer fraction="([-0-9.]+)"', written.content.decode())]
    assert all(min(abs(f - a) for a in ALLOWED) < 1e-6 for f in fractions)
    assert abs(sum(f for f in fractions if f > 0) - 1.0) <= 1e-4, fractions
    assert {a.where for a in written.adjustments} == {"options[0].weight", "options[1].weight"}
