"""CSV cells a spreadsheet opens as text, never as a formula (OWASP's advice on CSV injection).

Every CSV the app offers for download (a learner's transcript, a class's gradebook) writes its
cells through :class:`SafeWriter`, because names, class names and reasons are typed by people.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula: one starting with =, +, -, @, a tab or a
    carriage return gets a leading apostrophe."""
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell


class SafeWriter:
    """A csv writer whose every text cell is :func:`spreadsheet_safe` (numbers are written as they are)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: list[Any]) -> None:
        self.writer.writerow([spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row])
