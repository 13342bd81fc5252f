"""Safe Markdown: authored and imported text never injects script or loads a remote image."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as hst

from learning.content import Glossary
from learning.render import WORD_JOINER, Block, blocks, escape_html, inline, plain_text, question_parts, render_markdown

GLOSSARY = Glossary(terms=[])


@pytest.mark.parametrize(
    ("markdown", "unwanted"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("[click](javascript:alert(1))", "javascript:"),
        ("[click]( JaVaScRiPt:alert(1))", "JaVaScRiPt:"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("<!-- hidden --><iframe src=//evil>", "<iframe"),
    ],
)
def test_hostile_markdown_is_neutralised(markdown: str, unwanted: str) -> None:
    assert unwanted not in escape_html(markdown)
    assert unwanted not in render_markdown(markdown, GLOSSARY).markdown
    assert unwanted not in inline(markdown)


def test_a_figure_on_its_own_line_is_a_figure_block() -> None:
    text = "Before.\n\n![A tendon with strokes across its fibers](figures/cross-fiber-direction.svg)\n\nAfter."
    assert blocks(text) == [
        Block("markdown", "Before."),
        Block("figure", "A tendon with strokes across its fibers", "figures/cross-fiber-direction.svg"),
        Block("markdown", "After."),
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "![tracker](https://evil.example/pixel.png)",
        "See ![inline](figures/a.svg) in a sentence.",
        "![outside the folder](../secrets/a.svg)",
        "![not an svg](figures/a.png)",
    ],
)
def test_other_images_become_links(markdown: str) -> None:
    shown = blocks(render_markdown(markdown, GLOSSARY).markdown)
    assert [b.kind for b in shown] == ["markdown"]
    assert "![" not in shown[0].text
    assert "![" not in inline(markdown)


def test_in_practice_notes_and_quotes() -> None:
    shown = blocks("Text.\n\n> **In practice:** It varies.\n\n> A quotation.")
    assert [b.kind for b in shown] == ["markdown", "in_practice", "quote"]
    assert shown[1].text == "It varies."


@pytest.mark.parametrize(
    "hostile",
    [
        "[" * 200_000,
        "[a" * 100_000,
        "[x](glossary:" * 20_000,
        "](javascript:" * 20_000,
        "<" * 200_000,
        "![" * 100_000,
        "> **In practice:** " + "x " * 100_000,
    ],
    ids=["brackets", "open-links", "unclosed-glossary-links", "script-links", "angles", "images", "long-note"],
)
def test_hostile_text_renders_in_linear_time(hostile: str) -> None:
    """Patterns without nested quantifiers: 200,000 characters render at once (40,000 '[' once took 4.9 s)."""
    import time

    started = time.perf_counter()
    rendered = render_markdown(hostile, GLOSSARY)
    blocks(rendered.markdown)
    inline(hostile)
    assert time.perf_counter() - started < 2.0  # linear: milliseconds; the old quadratic pattern: minutes


HOSTILE_NAME = "**bold** <img src=x onerror=alert(1)> [link](javascript:alert(1)) :smile: :material/star: $x$ # _i_"


def shown(markdown: str) -> str:
    """The text CommonMark shows for ``markdown`` when every punctuation mark in it is escaped
    (a backslash-escaped punctuation mark is always literal); fails on a mark left unescaped."""
    out, rest = [], iter(markdown)
    for char in rest:
        if char == "\\":
            escaped = next(rest)
            assert escaped in string.punctuation, f"a backslash before {escaped!r} would show"
            out.append(escaped)
        else:
            assert char not in string.punctuation, f"{char!r} is left to Markdown in {markdown!r}"
            out.append(char)
    text = "".join(out)
    assert not re.search(r":[\w/+-]+:", text), "a shortcode would become an emoji or icon"
    return text.replace(WORD_JOINER, "")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Sam Rivera", "Sam Rivera"),
        (HOSTILE_NAME, HOSTILE_NAME),
        ("  Two\nlines\t here ", "Two lines here"),
        ("1. Class A", "1. Class A"),
    ],
)
def test_typed_text_shows_as_typed(typed: str, expected: str) -> None:
    assert shown(plain_text(typed)) == expected


@given(hst.text().filter(lambda typed: WORD_JOINER not in typed))
def test_any_typed_text_shows_as_typed(typed: str) -> None:
    assert shown(plain_text(typed)) == " ".join(typed.split())


# --- Images of the bank's media folder in question text ------------------------------------

HASH = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"Which muscle is this?\n\n![The upper back](media/{HASH}.png)\n\nName it.",
            [
                Block("markdown", "Which muscle is this?"),
                Block("image", "The upper back", f"media/{HASH}.png"),
                Block("markdown", "Name it."),
            ],
        ),
        (f"![a dot](media/{HASH}.gif)", [Block("image", "a dot", f"media/{HASH}.gif")]),
        (
            f"Both ![](media/{HASH}.jpg) and ![x](media/{HASH}.webp)",
            [
                Block("markdown", "Both"),
                Block("image", "", f"media/{HASH}.jpg"),
                Block("markdown", "and"),
                Block("image", "x", f"media/{HASH}.webp"),
            ],
        ),
        ("No image <b>here</b>", [Block("markdown", "No image &lt;b>here&lt;/b>")]),
    ],
)
def test_an_image_of_the_media_folder_is_an_image_part(text: str, expected: list[Block]) -> None:
    assert question_parts(text) == expected


@pytest.mark.parametrize(
    "image",
    [
        "![x](https://example.org/a.png)",
        "![x](media/../secrets.png)",
        "![x](media/sub/a.png)",
        "![x](/etc/media/a.png)",
        "![x](media/a.svg)",
        "![x](media/.hidden.png)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "![x](figures/a.png)",
    ],
)
def test_any_other_image_address_stays_a_plain_link(image: str) -> None:
    [part] = question_parts(f"Look: {image}")
    assert part.kind == "markdown"
    assert "![" not in part.text
