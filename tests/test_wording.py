"""The one helper for counts and error sentences."""

from __future__ import annotations

import pytest

from learning.wording import count, join, sentence


@pytest.mark.parametrize(
    ("number", "noun", "plural", "expected"),
    [(0, "question", None, "0 questions"), (1, "question", None, "1 question"), (2, "class", "classes", "2 classes")],
)
def test_count(number: int, noun: str, plural: str | None, expected: str) -> None:
    assert count(number, noun, plural) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [("the two passwords differ", "The two passwords differ."), ("Done.", "Done."), ("why?", "Why?"), ("", "")],
)
def test_sentence(message: str, expected: str) -> None:
    assert sentence(message) == expected


def test_join() -> None:
    assert [join([]), join(["a"]), join(["a", "b"]), join(["a", "b", "c"])] == ["", "a", "a and b", "a, b and c"]
