"""Turn lesson and question Markdown into Markdown that is safe and ready to show.

Lesson bodies use two kinds of internal link: ``[text](glossary:ID)`` and
``[text](lesson:ID#anchor)``. Here they become plain emphasis with the definition collected,
and query-string links the app understands. Raw HTML is never passed through: authored text is
escaped so an instructor's content cannot inject script into a page.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from learning.content import Glossary, GlossaryTerm

_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<kind>glossary|lesson):(?P<target>[^)\s#]+)(?:#(?P<anchor>[^)\s]+))?\)")
_HTML_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_UNSAFE_LINK = re.compile(r"\]\(\s*(?:javascript|data|vbscript):", re.IGNORECASE)


def escape_html(markdown: str) -> str:
    """Neutralise raw HTML and script links in authored Markdown; Markdown itself is kept."""
    without_tags = _HTML_TAG.sub("&lt;", markdown)
    return _UNSAFE_LINK.sub("](#", without_tags)


def lesson_href(lesson_id: str, anchor: str | None = None) -> str:
    """The app's deep link to a lesson (and section)."""
    params = {"lesson": lesson_id}
    if anchor:
        params["section"] = anchor
    return "?" + urlencode(params) + (f"#{anchor}" if anchor else "")


def render_markdown(markdown: str, glossary: Glossary) -> tuple[str, list[GlossaryTerm]]:
    """Safe Markdown for display, and the glossary terms it links, in order of first use."""
    used: list[GlossaryTerm] = []

    def replace(match: re.Match[str]) -> str:
        text = match["text"]
        if match["kind"] == "glossary":
            term = glossary.get(match["target"])
            if term is not None and term not in used:
                used.append(term)
            return f"**{text}**"
        return f"[{text}]({lesson_href(match['target'], match['anchor'])})"

    return _LINK.sub(replace, escape_html(markdown)), used


def plain(text: str) -> str:
    """Authored text for a place that shows it literally (a label, an option)."""
    return html.unescape(text)
