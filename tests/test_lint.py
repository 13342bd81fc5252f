"""The near-duplicate rule of the item-writing lint: what it finds, and what keeps a pair apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from learning import load_course
from learning.lint import lint, lint_question
from learning.questions import LintRule
from tests.conftest import build, question, write_bank, write_course

PROMPT = "Which technique does the medical massage therapist use to release a trigger point in the upper trapezius?"


def _course(tmp_path: Path, first: dict, second: dict):
    lessons, bank = write_course(tmp_path / "course")
    write_bank(bank, "pair.json", [first, second])
    return load_course(lessons_dir=lessons, bank_dir=bank)


def _pair(**second: object) -> tuple[dict, dict]:
    first = question("true_false", id="pair-a", lesson="techniques", objectives=["obj-techniques"], prompt=PROMPT)
    other = question("true_false", id="pair-b", lesson="techniques", objectives=["obj-techniques"], prompt=PROMPT)
    return first, {**other, **second}


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ({"prompt": PROMPT.replace("upper trapezius", "upper trapezius muscle")}, True),  # a few words apart
        ({"prompt": PROMPT}, True),  # the same words
        ({"prompt": "How long should a new massage therapist expect to train before a licence?"}, False),
        ({"prompt": PROMPT, "exclusion_group": "g"}, False),  # both in one exclusion group: never drawn together
        ({"prompt": PROMPT, "lint_accept": ["near-duplicate"]}, False),
    ],
)
def test_near_duplicates(tmp_path: Path, change: dict, found: bool) -> None:
    first, second = _pair(**change)
    if "exclusion_group" in change:
        first["exclusion_group"] = "g"
    course = _course(tmp_path, first, second)
    assert course.problems == []
    rules = [f for f in lint(course) if f.rule is LintRule.NEAR_DUPLICATE and f.question in ("pair-a", "pair-b")]
    assert bool(rules) is found
    if found:
        assert "reads like 'pair-b'" in rules[0].message


def test_one_question_is_checked_against_the_others(tmp_path: Path) -> None:
    first, second = _pair()
    course = _course(tmp_path, first, second)
    edited = build("true_false", id="pair-c", lesson="techniques", objectives=["obj-techniques"], prompt=PROMPT)
    findings = lint_question(edited, course, file="quiz_bank/pair.json")
    assert any(f.rule is LintRule.NEAR_DUPLICATE and "pair-" in f.message for f in findings)
