"""The mastery and lesson-status rules (:mod:`learning.mastery`), as tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import learning.mastery
from learning.mastery import LessonStatus, ObjectiveMastery, lesson_mastery, lesson_status, mastery_of, objective_mastery


def om(mastery: float, answers: int, objective: str = "obj") -> ObjectiveMastery:
    return ObjectiveMastery(objective=objective, mastery=mastery, answers=answers)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], 0.0),
        ([1.0], 1.0),
        ([0.0, 1.0], 0.7 / 1.7),  # newest first: the newest (wrong) weighs 1, the older (right) 0.7
        ([1.0, 0.0], 1 / 1.7),
        ([1.0, 1.0, 0.0], 1.7 / 2.19),
        ([0.5, 0.5, 0.5], 0.5),  # the same score throughout is that score, whatever the weights
        # Worked by hand: newest first 1, 0, 1, 1 weigh 1, 0.7, 0.49, 0.343.
        # Weighted sum 1*1 + 0.7*0 + 0.49*1 + 0.343*1 = 1.833; the weights add up to 2.533;
        # 1.833 / 2.533 = 0.72365 (reported as 0.7236).
        ([1.0, 0.0, 1.0, 1.0], 1.833 / 2.533),
    ],
)
def test_mastery_is_a_recency_weighted_mean(scores: list[float], expected: float) -> None:
    value, count = mastery_of(scores)
    assert value == pytest.approx(expected)
    assert count == len(scores)


def test_the_hand_worked_case_is_reported_to_four_places() -> None:
    [result] = objective_mastery([(["obj"], 1.0), (["obj"], 0.0), (["obj"], 1.0), (["obj"], 1.0)], ["obj"])
    assert result == om(0.7236, 4)


def test_mastery_takes_every_answer_however_old() -> None:
    # Twenty right answers after one wrong one: the wrong one still weighs 0.7^20, a little.
    value, count = mastery_of([1.0] * 20 + [0.0])
    assert count == 21
    assert 0.99 < value < 1.0


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([], {"a": (0.0, 0), "b": (0.0, 0)}),
        ([(["a"], 1.0)], {"a": (1.0, 1), "b": (0.0, 0)}),
        ([(["a", "b"], 1.0)], {"a": (1.0, 1), "b": (1.0, 1)}),  # one answer counts for each objective it tests
        ([(["b"], 0.0), (["a", "b"], 1.0)], {"a": (1.0, 1), "b": (round(0.7 / 1.7, 4), 2)}),
        ([(["z"], 1.0)], {"a": (0.0, 0), "b": (0.0, 0)}),  # an objective not asked for is left out
    ],
)
def test_objective_mastery_from_counted_answers(answers: list, expected: dict) -> None:
    result = objective_mastery(answers, ["a", "b"])
    assert [m.objective for m in result] == ["a", "b"]
    assert {m.objective: (m.mastery, m.answers) for m in result} == expected


@pytest.mark.parametrize(
    ("mastery", "answers", "mastered"),
    [
        (0.8, 2, True),
        (1.0, 2, True),
        (0.7999, 10, False),  # below 80%
        (1.0, 1, False),  # one answer is not enough evidence
        (0.0, 0, False),
    ],
)
def test_an_objective_is_mastered_at_80_percent_with_two_answers(mastery: float, answers: int, mastered: bool) -> None:
    assert om(mastery, answers).mastered is mastered


@pytest.mark.parametrize(
    ("objectives", "practised", "read", "expected"),
    [
        ([], False, False, LessonStatus.NOT_STARTED),
        ([om(0.0, 0)], False, False, LessonStatus.NOT_STARTED),
        ([om(0.0, 0)], False, True, LessonStatus.READ),
        ([om(0.5, 1)], True, False, LessonStatus.PRACTISED),  # practised without marking it read
        ([om(0.5, 1)], True, True, LessonStatus.PRACTISED),
        ([om(0.9, 3), om(0.5, 3)], True, True, LessonStatus.PRACTISED),  # one objective short
        ([om(0.9, 3), om(0.8, 2)], True, True, LessonStatus.MASTERED),
        ([om(0.9, 3)], False, False, LessonStatus.MASTERED),  # mastered through another lesson's questions
        ([], True, True, LessonStatus.PRACTISED),  # no objectives: never mastered
    ],
)
def test_lesson_status(objectives: list[ObjectiveMastery], practised: bool, read: bool, expected: LessonStatus) -> None:
    assert lesson_status(objectives, practised=practised, read=read) is expected


@pytest.mark.parametrize(
    ("masteries", "expected"),
    [
        ([], 0.0),
        ([1.0], 1.0),
        ([1.0, 0.5], 0.75),
        ([1.0, 0.0, 0.0], 0.3333),
    ],
)
def test_lesson_mastery_is_the_mean_of_its_objectives(masteries: list[float], expected: float) -> None:
    assert lesson_mastery([om(m, 2) for m in masteries]) == expected


def test_the_rules_do_no_io_and_read_no_clock() -> None:
    tree = ast.parse(Path(learning.mastery.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "enum", "collections", "pydantic"}
