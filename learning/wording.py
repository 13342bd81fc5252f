"""Small helpers for the sentences the app and the command line print."""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "question")`` is "1 question"; ``count(3, "question")`` is "3 questions"."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def join(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def sentence(message: str) -> str:
    """An error message as a sentence a person reads: a capital first letter and a full stop."""
    text = message.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


TRY_AGAIN = "Check your connection and try again."
"""What a learner can do when the records cannot be reached: the action can simply be repeated."""

ANSWER_NOT_SAVED = f"Your answer was not saved. {TRY_AGAIN}"
RECORDS_UNAVAILABLE = "The app cannot reach its records right now, so this page cannot be shown. Reload the page in a moment."
