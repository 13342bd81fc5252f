"""The certificate's PDF: every field printed and readable as text, in fonts that cover the name,
always one page, with the verification link and its QR code."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
import segno
from pypdf import PdfReader

from learning import load_course
from learning.certificate import Certificate, UnitObjectives, objectives_by_unit, shown_code, verify_url
from learning.certificate_pdf import FALLBACK, FONTS, SANS, SANS_BOLD, render_pdf, unprintable
from tests.conftest import ROOT

NAME = "Zoë Ångström-Łukasiewicz 李"
CODE = "7KQM3XZ9PH2DW8RTC4NB"
URL = verify_url("https://school.example", CODE)


def certificate(**changes) -> Certificate:
    course = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    base = {
        "code": CODE,
        "learner_id": 7,
        "learner_name": NAME,
        "course_title": course.syllabus.title,
        "passed_on": date(2026, 3, 2),
        "score": 0.875,
        "minutes_studied": 853,
        "objectives": objectives_by_unit(course),
        "issued_at": datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
    }
    return Certificate.model_validate({**base, **changes})


def read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def flat(text: str) -> str:
    """The page's text with line breaks and repeated spaces as single spaces (wrapped lines join up)."""
    return " ".join(text.split())


def test_every_field_is_printed_on_one_page() -> None:
    cert = certificate()
    pdf = read(render_pdf(cert, school="Riverside School of Massage", url=URL))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert NAME in lines  # every letter of the name, on a line of its own
    for expected in (
        "Riverside School of Massage",
        "Certificate of completion",
        "Massage therapist or medical massage therapist?",
        "2 March 2026",
        "88%",
        "14.2 hours",
        shown_code(CODE),
        URL,
        "Issued by Riverside School of Massage on 3 March 2026.",
    ):
        assert expected in text, expected
    flowing = flat(text)
    for unit in cert.objectives:
        assert unit.unit in lines
        for objective in unit.objectives:
            assert flat(objective) in flowing, objective
    assert pdf.metadata.title == "Certificate of completion"


def test_the_bundled_fonts_cover_the_name_and_carry_their_licences() -> None:
    for font in (SANS, SANS_BOLD, FALLBACK):
        assert font.is_file() and font.stat().st_size > 100_000
    assert (FONTS / "LICENSE-DejaVu.txt").is_file()
    assert "Apache License" in (FONTS / "LICENSE-DroidSansFallback.txt").read_text()
    assert unprintable(NAME) == ""
    assert unprintable("Ωμέγα Привет ひらがな 王小明 Nguyễn Thị Ánh") == ""
    # What no bundled font has is named, so the screen can say so, rather than silently dropped.
    assert unprintable("김민준 Sam") == "김민준"
    assert unprintable("नमस्ते") != ""


def test_the_verification_link_is_a_link_and_a_qr_code() -> None:
    page = read(render_pdf(certificate(), school="A school", url=URL)).pages[0]
    links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
    assert links == [URL]
    # The QR code is drawn as the filled squares of segno's matrix for the link: as many runs as the matrix has.
    matrix = segno.make(URL, error="m", micro=False).matrix
    runs = sum(len(re.findall(rb"\x01+", bytes(row))) for row in matrix)
    content = page.get_contents().get_data()
    assert content.count(b" re f") >= runs


@pytest.mark.parametrize(
    "changes",
    [
        {"learner_name": "Maximiliana Alexandrina Wilhelmina Konstantinopoulou-Featherstonehaugh de la Cruz y Villanueva " * 2},
        {"course_title": "A very long course title that goes on and on about massage therapy and medical massage " * 2},
        {
            "objectives": [
                UnitObjectives(unit=f"Unit {u}", objectives=[f"Objective {u}.{n}: " + "explain a long point " * 8 for n in range(30)])
                for u in range(5)
            ]
        },
    ],
)
def test_long_names_and_many_objectives_still_fit_one_page(changes) -> None:
    cert = certificate(**changes)
    pdf = read(render_pdf(cert, school="A school", url=URL))
    assert len(pdf.pages) == 1
    text = flat(pdf.pages[0].extract_text())
    assert flat(cert.learner_name[:40]) in text
    assert shown_code(CODE) in text and URL in text  # the footer is never pushed off the page
    if "objectives" in changes:
        more = re.search(r"… and (\d+) more objectives", text)
        assert more is not None
        printed = len(re.findall(r"Objective \d+\.\d+:", text))
        assert printed + int(more.group(1)) == 150


def test_the_same_certificate_gives_the_same_file() -> None:
    cert = certificate(learner_name="Sam Rivera")
    assert render_pdf(cert, school="A school", url=URL) == render_pdf(cert, school="A school", url=URL)
