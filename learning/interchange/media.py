"""Images that arrive with imported questions, stored once by content hash in the bank's media folder.

Only PNG, JPEG, GIF and WebP are kept (recognised by their first bytes, not by their names), at
most :data:`MAX_IMAGE_BYTES` each; anything else (SVG among them, which can carry script) is
refused with a reason the importer reports. Questions refer to a stored image from their
Markdown as ``media/<hash>.<ext>``, relative to the bank folder.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from learning.interchange.limits import MAX_IMAGE_BYTES

MEDIA_FOLDER = "media"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


class MediaRefused(ValueError):
    """An image that is not stored; the message says why, in words for the import report."""


def image_kind(data: bytes) -> str | None:
    """``png``, ``jpg``, ``gif`` or ``webp`` from the image's first bytes, else None."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


class MediaStore:
    """The bank's media folder. With ``dry_run`` nothing is written, but names are the same."""

    def __init__(self, bank_dir: Path | None, *, dry_run: bool = False) -> None:
        self.bank_dir = bank_dir
        self.dry_run = dry_run or bank_dir is None

    def put(self, data: bytes, name: str = "image") -> str:
        """Store ``data`` and return its Markdown target (``media/<hash>.<ext>``).

        Raises:
            MediaRefused: not a PNG, JPEG, GIF or WebP image, or bigger than 2 MB.
        """
        if len(data) > MAX_IMAGE_BYTES:
            raise MediaRefused(f"image {name!r} is {len(data) / (1024 * 1024):.1f} MB; the most an image can be is 2 MB")
        kind = image_kind(data)
        if kind is None:
            raise MediaRefused(f"image {name!r} is not a PNG, JPEG, GIF or WebP image (SVG and other kinds are not imported)")
        target = f"{MEDIA_FOLDER}/{hashlib.sha256(data).hexdigest()[:32]}.{kind}"
        if not self.dry_run:
            assert self.bank_dir is not None
            path = self.bank_dir / target
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
                    handle.write(data)
                os.replace(handle.name, path)
        return target

    def get(self, target: str) -> bytes | None:
        """The bytes of a stored image (``media/<name>``), or None when it is not in the folder."""
        if self.bank_dir is None:
            return None
        path = media_path(self.bank_dir, target)
        return path.read_bytes() if path is not None and path.is_file() else None


def media_path(bank_dir: Path, target: str) -> Path | None:
    """The file of a ``media/<name>`` target inside ``bank_dir``, or None for any other target
    (a path that climbs out of the folder, an address, another folder)."""
    folder, _, name = target.partition("/")
    if folder != MEDIA_FOLDER or not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return bank_dir / MEDIA_FOLDER / name
