"""Size and shape limits of an imported file, checked before any parsing, with clear errors."""

from __future__ import annotations

from learning.errors import InterchangeError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_QUESTIONS = 20_000
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), at most :data:`MAX_FILE_BYTES`.

    Raises:
        InterchangeError: the file is too big, or not UTF-8 (naming the byte offset).
    """
    if len(data) > MAX_FILE_BYTES:
        raise InterchangeError(f"the file is {_megabytes(len(data))}; the most an import can read is {_megabytes(MAX_FILE_BYTES)}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InterchangeError(
            f"the file is not UTF-8 text: the byte at offset {error.start} (0x{data[error.start]:02x}, line {line}) "
            "cannot be read; save it as UTF-8 and import it again"
        ) from None
    return text.removeprefix("\ufeff")


def check_count(count: int) -> None:
    """Raise :class:`InterchangeError` when a file holds more questions than one import takes."""
    if count > MAX_QUESTIONS:
        raise InterchangeError(f"the file holds {count:,} questions; one import takes at most {MAX_QUESTIONS:,}: split it")
