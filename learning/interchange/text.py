"""Text that arrives in another format, made into the bank's Markdown, safely.

HTML (GIFT's ``[html]``, Moodle XML's ``format="html"``) is first cleaned by nh3 with an
allow-list of harmless tags and attributes (no script, no style, no event handlers, links only
to http, https and mailto), then written as Markdown by markdownify. Markdown that arrives as
Markdown keeps its syntax but loses any raw HTML and script links. Nothing stored here can reach
a learner's page as live HTML; :mod:`learning.render` escapes whatever is left on the way out
as well.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from typing import Any

import nh3
from markdownify import MarkdownConverter

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_SCRIPT_BLOCK = re.compile(r"<(script|style|iframe|object|embed)\b.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.DOTALL)
_UNSAFE_LINK = re.compile(r"\]\(\s*(?:javascript|vbscript|data|file):(?:[^()]|\([^()]*\))*\)", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_BLANK_LINES = re.compile(r"\n{3,}")


class TextFormat(enum.StrEnum):
    """The text formats of Moodle (GIFT's ``[html]`` and Moodle XML's ``format`` attribute)."""

    HTML = "html"
    MOODLE = "moodle"  # Moodle's "auto-format": HTML allowed, line breaks kept
    PLAIN = "plain"
    MARKDOWN = "markdown"


class _Converter(MarkdownConverter):
    """markdownify, with images passed through the caller's mapping (or dropped)."""

    def __init__(self, images: Callable[[str, str], str | None] | None, **options: Any) -> None:
        super().__init__(**options)
        self._images = images

    def convert_img(self, el, text, parent_tags):  # type: ignore[no-untyped-def]  # markdownify's hook signature
        source = el.attrs.get("src") or ""
        alt = (el.attrs.get("alt") or "").replace("]", "").strip() or "image"
        target = self._images(source, alt) if self._images is not None else None
        return f"![{alt}]({target})" if target else (el.attrs.get("alt") or "").strip()  # a dropped image keeps its alt text


def sanitise_html(html: str) -> str:
    """``html`` with only harmless tags and attributes left (nh3)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES) | {"data"},  # data: is kept for <img> only; see _keep_data_images
        link_rel=None,
        attribute_filter=_keep_data_images,
    )


def _keep_data_images(tag: str, attribute: str, value: str) -> str | None:
    if value.strip().lower().startswith("data:") and not (tag == "img" and attribute == "src"):
        return None
    return value


def html_to_markdown(html: str, *, images: Callable[[str, str], str | None] | None = None) -> str:
    """Sanitised ``html`` written as Markdown.

    Args:
        images: called with each image's ``src`` and alt text; returns the Markdown target of
            the stored image, or None to drop it (the caller reports why; its alt text stays).
    """
    clean = sanitise_html(html)
    converter = _Converter(images, heading_style="ATX", bullets="-", escape_misc=False, strip=["span", "div", "u"])
    markdown = converter.convert(clean)
    return _tidy(markdown)


def clean_markdown(markdown: str) -> str:
    """Markdown kept as Markdown, without raw HTML tags or script links."""
    without_blocks = _SCRIPT_BLOCK.sub("", markdown)
    without_tags = _TAG.sub("", without_blocks)
    return _tidy(_UNSAFE_LINK.sub("](#)", without_tags))


def plain_to_markdown(text: str) -> str:
    """Plain text as Markdown that shows it as typed (line breaks kept)."""
    return _tidy("  \n".join(_MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in text.splitlines()))


def to_markdown(text: str, text_format: TextFormat, *, images: Callable[[str, str], str | None] | None = None) -> str:
    """Text of any of Moodle's formats as the bank's Markdown."""
    if text_format is TextFormat.MARKDOWN:
        return clean_markdown(text)
    if text_format is TextFormat.PLAIN:
        return plain_to_markdown(text)
    if text_format is TextFormat.MOODLE:
        return html_to_markdown(text.replace("\r\n", "\n").replace("\n", "<br>\n"), images=images)
    return html_to_markdown(text, images=images)


def _tidy(markdown: str) -> str:
    lines = [line.rstrip() if not line.endswith("  ") else line for line in markdown.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
