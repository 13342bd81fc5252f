"""A certificate of completion as a one-page PDF (fpdf2), with a QR code of its verification link (segno).

The page (A4, portrait) prints the school's name, the learner's name, the course's title, the day
they passed the final exam, their score, their hours studied, the objectives covered unit by unit,
and the verification code with its link and QR code. Whatever the lengths, it stays one page: the
name shrinks (and wraps) to fit, and the objectives take the room left in two columns, in the
largest type that fits; should even the smallest not hold them all, the last line says how many
more there are.

Fonts are bundled under ``learning/assets/fonts`` with their licences, so the page looks the same
on every server: DejaVu Sans (Latin, Greek, Cyrillic and many other alphabets), and Droid Sans
Fallback for Chinese and Japanese, used only for characters DejaVu Sans lacks. Scripts neither
has (Korean, Devanagari, Thai...) and right-to-left scripts (Hebrew and Arabic, which would need
text shaping) do not print correctly: :func:`unprintable` names the characters that cannot print
at all, so the screen can say so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from learning.certificate import Certificate, date_words, hours_words, score_words, shown_code

FONTS = Path(__file__).resolve().parent / "assets" / "fonts"
SANS = FONTS / "DejaVuSans.ttf"
SANS_BOLD = FONTS / "DejaVuSans-Bold.ttf"
FALLBACK = FONTS / "DroidSansFallbackFull.ttf"

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 18.0
WIDTH = PAGE_W - 2 * MARGIN
FOOTER_H = 38.0
QR_SIZE = 32.0
COLUMN_GAP = 6.0
BULLET = 3.0
TYPE_SIZES = (8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5, 5.0)
"""The objectives' type sizes tried, largest first, until they all fit."""
LINE = 0.3528 * 1.25
"""A line's height in millimetres for each point of type size."""
INK = (33, 37, 41)
ACCENT = (22, 101, 112)
MUTED = (96, 104, 112)


@functools.lru_cache(maxsize=4)
def _characters(font: Path) -> frozenset[int]:
    """The code points a bundled font has a glyph for (read once per process)."""
    with TTFont(font, lazy=True) as ttf:
        return frozenset(ttf.getBestCmap())


def _needs_fallback(texts: Sequence[str]) -> bool:
    plain = _characters(SANS) & _characters(SANS_BOLD)
    return any(ord(c) not in plain and not c.isspace() for text in texts for c in text)


def unprintable(text: str) -> str:
    """The characters of ``text`` that no bundled font can print (each once, in order): they
    would be left out of the page."""
    known = _characters(SANS) | _characters(FALLBACK)
    return "".join(dict.fromkeys(c for c in text if ord(c) not in known and c.isprintable() and not c.isspace()))


def render_pdf(certificate: Certificate, *, school: str, url: str) -> bytes:
    """The certificate as a one-page PDF.

    Args:
        certificate: the certificate as issued.
        school: the issuing school's name.
        url: the verification page's address for this certificate's code.
    """
    pdf = _Page(certificate, school=school, url=url)
    return pdf.draw()


class _Block:
    """One entry of the objectives: a unit's title or an objective, and how many lines it takes
    at the size it was made for (measured when first asked: line breaking is the slow part, and
    a packing that runs out of room never asks about the entries past it)."""

    def __init__(self, text: str, heading: bool, measure: Callable[[str], int], *, bullet: bool = True) -> None:
        self.text = text
        self.heading = heading
        self.bullet = bullet and not heading
        self._measure = measure

    @functools.cached_property
    def lines(self) -> int:
        return self._measure(self.text)


class _Page:
    def __init__(self, certificate: Certificate, *, school: str, url: str) -> None:
        self.cert = certificate
        self.school = " ".join(school.split()) or "The school"
        self.url = url
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.add_font("Sans", "", str(SANS))
        pdf.add_font("Sans", "B", str(SANS_BOLD))
        texts = [certificate.learner_name, certificate.course_title, self.school]
        texts += [u.unit for u in certificate.objectives] + [o for u in certificate.objectives for o in u.objectives]
        if _needs_fallback(texts):
            pdf.add_font("Fallback", "", str(FALLBACK))
            pdf.set_fallback_fonts(["Fallback"], exact_match=False)
        pdf.set_title("Certificate of completion")
        pdf.set_author(self.school)
        pdf.set_subject(f"{certificate.learner_name}: {certificate.course_title}")
        pdf.set_creation_date(certificate.issued_at)
        pdf.set_text_color(*INK)
        self.pdf = pdf

    def draw(self) -> bytes:
        pdf = self.pdf
        pdf.add_page()
        self._frame()
        pdf.set_y(MARGIN + 4)
        self._centred(self.school, size=12, bold=True, color=ACCENT)
        pdf.ln(5)
        self._centred("Certificate of completion", size=26, bold=True)
        pdf.ln(6)
        self._centred("This certifies that", size=11, color=MUTED)
        pdf.ln(2)
        self._fitted(self.cert.learner_name, largest=24, smallest=13, bold=True)
        pdf.ln(2)
        self._centred("has completed the course", size=11, color=MUTED)
        pdf.ln(2)
        self._fitted(self.cert.course_title, largest=16, smallest=11, bold=True)
        pdf.ln(5)
        self._facts()
        pdf.ln(5)
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.3)
        pdf.line(MARGIN, pdf.get_y(), PAGE_W - MARGIN, pdf.get_y())
        pdf.ln(4)
        self._objectives(bottom=PAGE_H - MARGIN - FOOTER_H - 3)
        self._footer()
        return bytes(pdf.output())

    # --- pieces ---------------------------------------------------------------------------------

    def _frame(self) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(1.2)
        pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
        pdf.set_line_width(0.3)
        pdf.rect(10.5, 10.5, PAGE_W - 21, PAGE_H - 21)

    def _font(self, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font("Sans", "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    def _centred(self, text: str, *, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self._font(size, bold=bold, color=color)
        self.pdf.set_x(MARGIN)
        self.pdf.cell(WIDTH, size * LINE, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _fitted(self, text: str, *, largest: float, smallest: float, bold: bool) -> None:
        """One line in the largest size that fits the width; at the smallest size, wrapped."""
        size = largest
        while size > smallest:
            self._font(size, bold=bold)
            if self.pdf.get_string_width(text) <= WIDTH:
                break
            size -= 1
        self._font(size, bold=bold)
        self.pdf.set_x(MARGIN)
        self.pdf.multi_cell(WIDTH, size * LINE, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _facts(self) -> None:
        pdf = self.pdf
        facts = [
            ("Date passed", date_words(self.cert.passed_on)),
            ("Final exam score", score_words(self.cert.score)),
            ("Hours studied", hours_words(self.cert.minutes_studied)),
        ]
        top = pdf.get_y()
        width = WIDTH / len(facts)
        for n, (label, value) in enumerate(facts):
            x = MARGIN + n * width
            pdf.set_xy(x, top)
            self._font(9, color=MUTED)
            pdf.cell(width, 9 * LINE, label, align=Align.C)
            pdf.set_xy(x, top + 9 * LINE + 0.5)
            self._font(14, bold=True)
            pdf.cell(width, 14 * LINE, value, align=Align.C)
        pdf.set_xy(MARGIN, top + 9 * LINE + 0.5 + 14 * LINE)

    def _blocks(self, size: float, width: float) -> list[_Block]:
        def measure(bold: bool, room: float) -> Callable[[str], int]:
            def lines(text: str) -> int:
                self._font(size + 0.5 if bold else size, bold=bold)
                broken = self.pdf.multi_cell(room, 1, text, align=Align.L, dry_run=True, output="LINES")
                assert isinstance(broken, list)
                return len(broken)

            return lines

        blocks = []
        for unit in self.cert.objectives:
            blocks.append(_Block(unit.unit, True, measure(True, width)))
            blocks += [_Block(text, False, measure(False, width - BULLET)) for text in unit.objectives]
        return blocks

    def _objectives(self, *, bottom: float) -> None:
        pdf = self.pdf
        self._font(10, bold=True)
        pdf.cell(WIDTH, 10 * LINE, "Objectives covered: the holder can", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        top = pdf.get_y()
        column = (WIDTH - COLUMN_GAP) / 2
        height = bottom - top
        packed: dict[float, list[list[_Block]] | None] = {}

        def fits(size: float) -> bool:
            if size not in packed:
                packed[size] = _pack(self._blocks(size, column), size * LINE, height)
            return packed[size] is not None

        # Smaller type never holds less, so a binary search finds the largest size that fits (line breaking is the slow part).
        low, high = 0, len(TYPE_SIZES) - 1
        while low < high:
            middle = (low + high) // 2
            if fits(TYPE_SIZES[middle]):
                high = middle
            else:
                low = middle + 1
        size = TYPE_SIZES[low]
        columns = packed[size] if fits(size) else None
        if columns is None:  # even the smallest type does not hold them all: as many as fit, then how many more
            columns = _pack_with_rest(self._blocks(size, column), size * LINE, height)
        for n, entries in enumerate(columns):
            x = MARGIN + n * (column + COLUMN_GAP)
            pdf.set_y(top)
            for block in entries:
                self._draw_block(block, x=x, width=column, size=size)

    def _draw_block(self, block: _Block, *, x: float, width: float, size: float) -> None:
        pdf = self.pdf
        line = size * LINE
        if block.heading:
            pdf.set_y(pdf.get_y() + line * 0.4)
            self._font(size + 0.5, bold=True, color=ACCENT)
            pdf.set_x(x)
            pdf.multi_cell(width, line, block.text, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)
            return
        self._font(size)
        y = pdf.get_y()
        if not block.bullet:
            pdf.set_text_color(*MUTED)
            pdf.set_x(x)
            pdf.multi_cell(width, line, block.text, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)
            return
        pdf.set_xy(x, y)
        pdf.cell(BULLET, line, "•")
        pdf.set_xy(x + BULLET, y)
        pdf.multi_cell(width - BULLET, line, block.text, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def _footer(self) -> None:
        pdf = self.pdf
        top = PAGE_H - MARGIN - FOOTER_H
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.3)
        pdf.line(MARGIN, top, PAGE_W - MARGIN, top)
        text_width = WIDTH - QR_SIZE - 6
        pdf.set_xy(MARGIN, top + 4)
        self._font(9, color=MUTED)
        issued = f"Issued by {self.school} on {date_words(self.cert.issued_at.date())}."
        pdf.multi_cell(text_width, 9 * LINE, issued, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        self._font(9, color=MUTED)
        pdf.cell(text_width, 9 * LINE, "Verification code", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._font(13, bold=True)
        pdf.cell(text_width, 13 * LINE, shown_code(self.cert.code), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        self._font(9, color=MUTED)
        pdf.cell(text_width, 9 * LINE, "Check it at", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        size = 9.0
        while size > 5 and pdf.get_string_width(self.url) > text_width:
            size -= 0.5
            self._font(size, color=ACCENT)
        self._font(size, color=ACCENT)
        pdf.cell(text_width, 9 * LINE, self.url, link=self.url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._qr(x=PAGE_W - MARGIN - QR_SIZE, y=top + 3)

    def _qr(self, *, x: float, y: float) -> None:
        """The verification link as a QR code, drawn as filled squares (sharp at any zoom)."""
        matrix = segno.make(self.url, error="m", micro=False).matrix
        module = QR_SIZE / len(matrix)
        pdf = self.pdf
        pdf.set_fill_color(0, 0, 0)
        for row, cells in enumerate(matrix):
            start = None
            for col, dark in enumerate([*cells, 0]):  # a light cell at the end closes the last run
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    pdf.rect(x + start * module, y + row * module, (col - start) * module, module, style="F")
                    start = None


def _pack(blocks: Sequence[_Block], line: float, height: float) -> list[list[_Block]] | None:
    """The blocks in two columns of ``height``, a unit's title never last in a column; None when they do not fit."""
    columns, placed = _fill(blocks, line, height)
    return columns if placed == len(blocks) else None


def _fill(blocks: Sequence[_Block], line: float, height: float) -> tuple[list[list[_Block]], int]:
    """As many of the blocks as fit in two columns of ``height``, in order, and how many that is."""
    columns: list[list[_Block]] = [[]]
    used = 0.0
    for n, block in enumerate(blocks):
        need = _height(block, line)
        if block.heading and n + 1 < len(blocks):
            need += _height(blocks[n + 1], line)  # keep a unit's title with its first objective
        if used + need > height:
            if len(columns) == 2:
                return columns, n
            columns.append([])
            used = 0.0
        columns[-1].append(block)
        used += _height(block, line)
    return columns, len(blocks)


def _pack_with_rest(blocks: Sequence[_Block], line: float, height: float) -> list[list[_Block]]:
    """As many blocks as fit in two columns with one line left for "… and N more objectives"."""
    _columns, placed = _fill(blocks, line, height)
    for keep in range(placed, -1, -1):
        kept = list(blocks[:keep])
        while kept and kept[-1].heading:
            kept.pop()
        rest = sum(not b.heading for b in blocks[len(kept) :])
        more = _Block(f"… and {rest} more objective{'s' if rest != 1 else ''}", False, lambda _text: 1, bullet=False)
        packed = _pack([*kept, more], line, height)
        if packed is not None:
            return packed
    return [[]]


def _height(block: _Block, line: float) -> float:
    return block.lines * line + (line * 0.4 if block.heading else 0.0)
