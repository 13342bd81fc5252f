"""Item-writing checks: the patterns that let a test-wise learner beat a question.

:func:`lint` reads a loaded course and reports each pattern as a :class:`Finding` naming the
file, the question and the rule, so an instructor adding questions sees the same warnings the
course's own authors fixed. Findings are warnings, not load problems: the question still works.
An author who has checked a finding and decided to keep it lists the rule in the question's
``lint_accept``.

The rules follow the usual item-writing guides (Haladyna's, the NBME's):

- ``longest-key``: in a single-choice question the key is at least 20% longer than every
  distractor, a cue learners pick up without knowing the answer;
- ``all-of-the-above``: "all of the above", "none of the above" and the like;
- ``absolute-in-distractor``: a distractor (or a false true/false statement) says "always",
  "never", "only" and the like while the key does not, so the absolute gives it away;
- ``missing-feedback``: a choice or a matching item with no feedback of its own;
- ``near-duplicate``: two active questions whose prompts say nearly the same thing and that no
  exclusion group keeps apart, so one answers the other;
- ``true-false-balance``: a lesson whose true/false statements are mostly true or mostly false.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from difflib import SequenceMatcher
from itertools import combinations

from pydantic import BaseModel, ConfigDict
from rapidfuzz.distance import Indel

from learning.bank import display_path
from learning.course import Course
from learning.questions import (
    LintRule,
    MatchingQuestion,
    QuestionBase,
    SingleChoiceQuestion,
    Status,
    TrueFalseQuestion,
    _ChoiceQuestion,
)
from learning.wording import count, join

LONGEST_KEY_MARGIN = 1.2
NEAR_DUPLICATE_RATIO = 0.85
ABSOLUTES = (
    "always",
    "never",
    "only",
    "every",
    "everyone",
    "everything",
    "completely",
    "entirely",
    "reliably",
    "firmly",
    "guaranteed",
    "guarantees",
    "proven",
    "cure",
    "cures",
)
_ABSOLUTE = re.compile(r"\b(" + "|".join(ABSOLUTES) + r")\b", re.IGNORECASE)
_ALL_OF_THE_ABOVE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b|\bboth [a-e] and [a-e]\b", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9]+")


class Finding(BaseModel):
    """One pattern found in one question (or, for balance, one lesson's file)."""

    model_config = ConfigDict(frozen=True)

    file: str
    rule: LintRule
    message: str
    question: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.question is not None:
            where.append(f'question "{self.question}"')
        return ": ".join([*where, f"[{self.rule.value}] {self.message}"])


def lint(course: Course) -> list[Finding]:
    """Every finding in the course's active questions, in bank order, accepted ones left out."""
    active = [q for q in course.questions if q.status is Status.ACTIVE]
    files = {q.id: display_path(course.question_files[q.id]) for q in active if q.id in course.question_files}

    def finding(question: QuestionBase, rule: LintRule, message: str) -> Finding:
        return Finding(file=files.get(question.id, "quiz_bank"), question=question.id, rule=rule, message=message)

    found: list[Finding] = []
    for question in active:
        for rule, message in _question_findings(question):
            if rule not in question.lint_accept:
                found.append(finding(question, rule, message))
    for first, second, ratio in _near_duplicates(active):
        message = f"reads like {second.id!r} ({ratio:.0%} alike); retire one or give both the same exclusion_group"
        found.append(finding(first, LintRule.NEAR_DUPLICATE, message))
    found += _true_false_balance(active, files)
    return found


def lint_question(question: QuestionBase, course: Course, *, file: str) -> list[Finding]:
    """The findings about one question as it would be if saved into ``course``, accepted ones left out.

    The question's own patterns, a near-duplicate among the other active questions, and its
    lesson's true/false balance, with this question in place of any stored one of the same id.
    A question that is not active is served to nobody, so it has no findings.
    """
    if question.status is not Status.ACTIVE:
        return []
    found = [
        Finding(file=file, question=question.id, rule=rule, message=message)
        for rule, message in _question_findings(question)
        if rule not in question.lint_accept
    ]
    others = [q for q in course.questions if q.status is Status.ACTIVE and q.id != question.id]
    texts = {q.id: _words(q) for q in [question, *others]}
    for other in others:
        ratio = _alike(question, other, texts)
        if ratio is not None:
            message = f"reads like {other.id!r} ({ratio:.0%} alike); retire one or give both the same exclusion_group"
            found.append(Finding(file=file, question=question.id, rule=LintRule.NEAR_DUPLICATE, message=message))
    if isinstance(question, TrueFalseQuestion):
        same_lesson = [question, *(q for q in others if q.lesson == question.lesson)]
        found += [f.model_copy(update={"question": question.id}) for f in _true_false_balance(same_lesson, {question.id: file})]
    return found


def _question_findings(question: QuestionBase) -> Iterator[tuple[LintRule, str]]:
    if isinstance(question, _ChoiceQuestion):
        texts = [o.text for o in question.options]
        if any(_ALL_OF_THE_ABOVE.search(text) for text in texts):
            yield LintRule.ALL_OF_THE_ABOVE, "an option refers to the others (all/none of the above); write each option to stand alone"
        keys = [o for o in question.options if o.correct]
        distractors = [o for o in question.options if not o.correct]
        absolute = [o.id for o in distractors if _ABSOLUTE.search(o.text)]
        if absolute and not any(_ABSOLUTE.search(o.text) for o in keys):
            words = sorted({m.group(1).lower() for o in distractors for m in _ABSOLUTE.finditer(o.text)})
            yield (
                LintRule.ABSOLUTE_IN_DISTRACTOR,
                f"absolute wording ({join(words)}) in {count(len(absolute), 'distractor')} ({', '.join(absolute)}) and not in the key",
            )
        if isinstance(question, SingleChoiceQuestion) and distractors:
            key = keys[0]
            longest = max(len(o.text) for o in distractors)
            if len(key.text) >= LONGEST_KEY_MARGIN * longest:
                yield (
                    LintRule.LONGEST_KEY,
                    f"the key ({len(key.text)} characters) is {len(key.text) / longest - 1:.0%} longer than the longest distractor "
                    f"({longest}); trim the key or give the distractors plausible detail",
                )
    if isinstance(question, TrueFalseQuestion) and not question.answer:
        match = _ABSOLUTE.search(question.prompt)
        if match:
            yield LintRule.ABSOLUTE_IN_DISTRACTOR, f"a false statement says {match.group(1).lower()!r}, which gives it away"
    if isinstance(question, MatchingQuestion):
        missing = [item.id for item in question.items if item.feedback is None]
        if missing:
            yield LintRule.MISSING_FEEDBACK, f"{count(len(missing), 'item')} without feedback: {', '.join(missing)}"


def _words(question: QuestionBase) -> str:
    return " ".join(_WORDS.findall(f"{question.scenario or ''} {question.prompt}".lower()))


def _near_duplicates(questions: list[QuestionBase]) -> Iterator[tuple[QuestionBase, QuestionBase, float]]:
    """Pairs whose prompt and scenario are at least 85% alike (difflib's ratio on the words)."""
    texts = {q.id: _words(q) for q in questions}
    for first, second in combinations(questions, 2):
        ratio = _alike(first, second, texts)
        if ratio is not None:
            yield first, second, ratio


def _alike(first: QuestionBase, second: QuestionBase, texts: dict[str, str]) -> float | None:
    """How alike two questions read, when they are near duplicates no group or acceptance keeps apart."""
    if first.exclusion_group is not None and first.exclusion_group == second.exclusion_group:
        return None
    if LintRule.NEAR_DUPLICATE in first.lint_accept or LintRule.NEAR_DUPLICATE in second.lint_accept:
        return None
    a, b = texts[first.id], texts[second.id]
    # An exact bound first: difflib's ratio counts matching blocks, which never exceed the longest
    # common subsequence that rapidfuzz's Indel similarity measures (in C, far faster), so a pair
    # below the line there is below it in difflib too. Only the few that pass pay for difflib.
    if Indel.normalized_similarity(a, b, score_cutoff=NEAR_DUPLICATE_RATIO) == 0:
        return None
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    ratio = matcher.ratio()
    return ratio if ratio >= NEAR_DUPLICATE_RATIO else None


def _true_false_balance(questions: list[QuestionBase], files: dict[str, str]) -> list[Finding]:
    by_lesson: dict[str, list[TrueFalseQuestion]] = defaultdict(list)
    for question in questions:
        if isinstance(question, TrueFalseQuestion):
            by_lesson[question.lesson].append(question)
    found = []
    for lesson, statements in by_lesson.items():
        true = sum(q.answer for q in statements)
        false = len(statements) - true
        if abs(true - false) > 1:
            found.append(
                Finding(
                    file=files.get(statements[0].id, "quiz_bank"),
                    rule=LintRule.TRUE_FALSE_BALANCE,
                    message=f"lesson {lesson!r} has {true} true and {false} false statements; keep them within one of each other",
                )
            )
    return found
