"""Turn lesson and question Markdown into safe Markdown blocks ready to show, and text people
type (display names, class names) into Markdown that shows it exactly as typed.

Lesson bodies use two kinds of internal link: ``[text](glossary:ID)`` and
``[text](lesson:ID#anchor)``. Here glossary links become emphasis with the definition collected,
and lesson links become emphasis with the target collected, so a screen can offer them as
in-app links (a plain link would reload the page). Raw HTML is never passed through: authored
text is escaped, so content an instructor writes or imports cannot inject script into a page.
Images become plain links, except in question text an image stored in the bank's media folder
(:func:`question_parts`), which a screen shows from that folder and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from learning.content import FIGURE, Glossary, GlossaryTerm

_LINK = re.compile(r"\[(?P<text>[^\[\]]+)\]\((?P<kind>glossary|lesson):(?P<target>[A-Za-z0-9_-]+)(?:#(?P<anchor>[A-Za-z0-9_-]+))?\)")
_HTML_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_UNSAFE_LINK = re.compile(r"\]\(\s*(?:javascript|data|vbscript|file):", re.IGNORECASE)  # the scheme alone: linear
_IMAGE = re.compile(r"!\[")
MEDIA_IMAGE = re.compile(r"!\[(?P<alt>[^\[\]\n]*)\]\((?P<source>media/[A-Za-z0-9_-]+\.(?:png|jpg|gif|webp))\)")
"""An image stored in the bank's media folder (``![alt](media/<hash>.<ext>)``), as imports write them."""
_IN_PRACTICE = re.compile(r"^\*\*In practice:?\*\*:?\s*", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation mark: each can be backslash-escaped
WORD_JOINER = "\u2060"  # invisible; after a colon it keeps ":name:" from being read as an emoji or icon shortcode
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash-escaped mark
_EMPHASIS = re.compile(r"(?<!\\)(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)(?<!\\)\1")  # *emphasis*, **strong**, _emphasis_


@dataclass(frozen=True)
class LessonLink:
    text: str
    lesson_id: str
    anchor: str | None = None


@dataclass
class Rendered:
    """Safe Markdown plus the glossary terms and lessons it refers to, in order of first use."""

    markdown: str
    terms: list[GlossaryTerm] = field(default_factory=list)
    lessons: list[LessonLink] = field(default_factory=list)


@dataclass(frozen=True)
class Block:
    """A piece of a section: plain Markdown, an "In practice" note, or another quotation."""

    kind: str  # "markdown", "in_practice", "quote", "figure" or "image"
    text: str  # for a figure or an image, its alt text
    source: str | None = None  # for a figure, its path relative to the lessons folder; for an image, to the bank folder


def escape_html(markdown: str) -> str:
    """Neutralise raw HTML and script links in authored Markdown; Markdown itself is kept."""
    without_tags = _HTML_TAG.sub("&lt;", markdown)
    return _UNSAFE_LINK.sub("](#", without_tags)


def _no_images(markdown: str) -> str:
    """Images become plain links: a page never loads an image from an address authors type."""
    return _IMAGE.sub("[", markdown)


def render_markdown(markdown: str, glossary: Glossary) -> Rendered:
    """Safe Markdown for display, with internal links turned into emphasis and collected."""
    rendered = Rendered(markdown="")

    def replace(match: re.Match[str]) -> str:
        text = match["text"]
        if match["kind"] == "glossary":
            term = glossary.get(match["target"])
            if term is not None and term not in rendered.terms:
                rendered.terms.append(term)
            return f"**{text}**"
        link = LessonLink(text=text, lesson_id=match["target"], anchor=match["anchor"])
        if link not in rendered.lessons:
            rendered.lessons.append(link)
        return f"*{text}*"

    rendered.markdown = _LINK.sub(replace, escape_html(markdown))
    return rendered


def blocks(markdown: str) -> list[Block]:
    """Split Markdown into runs of plain text, block quotations ("In practice" notes apart) and
    figures (a line of its own ``![alt](figures/NAME.svg)``); any other image becomes a link."""
    result: list[Block] = []
    plain: list[str] = []
    quote: list[str] = []

    def flush_plain() -> None:
        text = "\n".join(plain).strip()
        if text:
            result.append(Block("markdown", _no_images(text)))
        plain.clear()

    def flush_quote() -> None:
        text = "\n".join(quote).strip()
        if text:
            if _IN_PRACTICE.match(text):
                result.append(Block("in_practice", _no_images(_IN_PRACTICE.sub("", text, count=1))))
            else:
                result.append(Block("quote", _no_images(text)))
        quote.clear()

    for line in markdown.splitlines():
        figure = FIGURE.fullmatch(line)
        if figure is not None:
            flush_quote()
            flush_plain()
            result.append(Block("figure", figure["alt"].strip(), figure["source"]))
        elif line.lstrip().startswith(">"):
            flush_plain()
            quote.append(line.lstrip()[1:].removeprefix(" "))
        else:
            if quote:
                flush_quote()
            plain.append(line)
    flush_quote()
    flush_plain()
    return result


def inline(text: str) -> str:
    """Authored text for a label or option: HTML escaped, Markdown kept, images as links."""
    return _no_images(escape_html(text))


def question_parts(text: str) -> list[Block]:
    """Authored question text as inline Markdown runs (as :func:`inline` makes them) and images.

    Only an image of the bank's media folder (:data:`MEDIA_IMAGE`: ``![alt](media/<name>)``,
    with a plain file name of a PNG, JPEG, GIF or WebP) becomes an ``image`` block, its alt text
    in ``text`` and its target in ``source``; any other image address stays a plain link.
    """
    parts: list[Block] = []
    start = 0
    for match in MEDIA_IMAGE.finditer(text):
        before = text[start : match.start()].strip()
        if before:
            parts.append(Block("markdown", inline(before)))
        parts.append(Block("image", match["alt"].strip(), match["source"]))
        start = match.end()
    rest = text[start:].strip()
    if rest or not parts:
        parts.append(Block("markdown", inline(rest)))
    return parts


def plain_text(text: str) -> str:
    """Text a person typed (a display name, a class name) as Markdown that shows it as typed.

    Every ASCII punctuation mark is backslash-escaped, so nothing in it is read as emphasis, a
    heading, a list, a link, an image, HTML, LaTeX or coloured text; an invisible word joiner
    follows each colon, so ``:smile:`` or ``:material/star:`` stays text rather than an emoji
    or icon; runs of whitespace, line breaks included, become one space.
    """
    one_line = " ".join(text.split())
    return _PUNCTUATION.sub(lambda mark: "\\" + mark[0] + (WORD_JOINER if mark[0] == ":" else ""), one_line)


def first_words(text: str, limit: int) -> str:
    """The first ``limit`` words of Markdown ``text`` on one line, with "…" when there are more
    (emphasis marks and backslash escapes dropped: ``**tapping**`` reads ``tapping`` and
    ``\\<b\\>`` reads ``<b>``, shown as text, never as HTML)."""
    words = _ESCAPED.sub(r"\1", _EMPHASIS.sub(r"\2", text)).split()
    return " ".join(words[:limit]) + (" …" if len(words) > limit else "")
