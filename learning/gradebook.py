"""A class's roster and gradebook: the rows an instructor scans, the status rule, and the CSV.

Pure: the store (:mod:`learning.store.classes`) reads the records into :class:`RosterRow` values
and these rules turn them into a status and a spreadsheet. The status a teacher scans at a glance:

- **passed**: the learner passed a final exam (an attempt that counts, not voided);
- **not started**: they have not opened a lesson nor answered a question;
- **behind**: a quiz closed before they submitted it, they used every attempt at a quiz without
  passing it, they have not been active for :data:`INACTIVE_DAYS` days, or the class exam is
  under :data:`EXAM_SOON_DAYS` days away with lessons still unread;
- **on track**: none of those.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict

from learning.spreadsheet import SafeWriter
from learning.wording import count, join

INACTIVE_DAYS = 14
EXAM_SOON_DAYS = 14


class ClassStatus(enum.StrEnum):
    ON_TRACK = "on track"
    BEHIND = "behind"
    NOT_STARTED = "not started"
    PASSED = "passed"


class Standing(BaseModel):
    """A learner's status in their class and, when it needs one, the reason in a few words."""

    model_config = ConfigDict(frozen=True)

    status: ClassStatus
    reason: str = ""


def class_status(
    *,
    now: datetime,
    last_active: datetime | None,
    final_passed: bool,
    missed: Sequence[str] = (),
    failed: Sequence[str] = (),
    lessons_read: int = 0,
    lessons_total: int = 0,
    exam_date: date | None = None,
) -> Standing:
    """A learner's status (see the module docstring for the rule).

    Args:
        now: the time now (timezone-aware UTC).
        last_active: when they last opened a lesson, started an attempt or answered (None: never).
        final_passed: they passed a final exam.
        missed: titles of quizzes that closed before they submitted an attempt.
        failed: titles of quizzes whose attempts they used up without passing.
        lessons_read, lessons_total: lessons marked read, of the course's.
        exam_date: the class exam date, if one is set.
    """
    if final_passed:
        return Standing(status=ClassStatus.PASSED, reason="passed the final exam")
    if last_active is None:
        return Standing(status=ClassStatus.NOT_STARTED, reason="no lesson opened, no question answered")
    reasons = []
    if missed:
        reasons.append(f"missed {join(list(missed))}")
    if failed:
        reasons.append(f"out of attempts at {join(list(failed))}")
    idle = now - last_active
    if idle >= timedelta(days=INACTIVE_DAYS):
        reasons.append(f"not active for {count(idle.days, 'day')}")
    if exam_date is not None and lessons_read < lessons_total:
        until = datetime.combine(exam_date, time(0, 0), tzinfo=UTC) - now
        if timedelta(0) <= until < timedelta(days=EXAM_SOON_DAYS):
            reasons.append(f"exam in {count(until.days, 'day')} with {count(lessons_total - lessons_read, 'lesson')} unread")
    if reasons:
        return Standing(status=ClassStatus.BEHIND, reason="; ".join(reasons))
    return Standing(status=ClassStatus.ON_TRACK)


class QuizCell(BaseModel):
    """One learner's standing on one quiz: the score that counts (by the quiz's grading method)
    and the attempts used of those allowed (None: no limit)."""

    model_config = ConfigDict(frozen=True)

    counted: float | None = None
    attempts_used: int = 0
    attempts_allowed: int | None = None
    passed: bool = False

    @property
    def attempts(self) -> str:
        """``"1 of 2"``, or just ``"1"`` without a limit."""
        return f"{self.attempts_used} of {self.attempts_allowed}" if self.attempts_allowed is not None else str(self.attempts_used)

    @property
    def score(self) -> str:
        """The counted score as a percentage, or "" when nothing counts yet."""
        return "" if self.counted is None else f"{round(self.counted * 100)}%"


class RosterRow(BaseModel):
    """One learner of a class, as the roster and the gradebook show them."""

    model_config = ConfigDict(frozen=True)

    learner_id: int
    username: str
    display_name: str
    last_active: datetime | None
    lessons_read: int
    mastery_by_unit: dict[str, float]
    reviews_due: int
    quizzes: dict[str, QuizCell]
    final_exam: QuizCell | None
    standing: Standing


class QuizColumn(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    final: bool = False


GRADEBOOK_FIXED = ["username", "name", "status", "why", "last_active_utc", "lessons_read", "reviews_due"]


def gradebook_csv(rows: Sequence[RosterRow], quizzes: Sequence[QuizColumn], units: Sequence[tuple[str, str]]) -> str:
    """The gradebook as CSV text: one row per learner, then for each quiz its counted score (a
    percentage) and attempts used, and each unit's mastery. Every text cell is safe to open in a
    spreadsheet (:mod:`learning.spreadsheet`)."""
    header = [*GRADEBOOK_FIXED]
    for unit_id, title in units:
        header.append(f"mastery {title} ({unit_id}) %")
    for quiz in quizzes:
        header += [f"{quiz.title} ({quiz.id}) %", f"{quiz.title} ({quiz.id}) attempts"]
    out = io.StringIO()
    writer = SafeWriter(csv.writer(out, lineterminator="\n"))
    writer.writerow(header)
    for row in rows:
        cells: list[str | int | float] = [
            row.username,
            row.display_name,
            row.standing.status.value,
            row.standing.reason,
            row.last_active.strftime("%Y-%m-%d %H:%M") if row.last_active else "",
            row.lessons_read,
            row.reviews_due,
        ]
        cells += [round(row.mastery_by_unit.get(unit_id, 0.0) * 100) for unit_id, _title in units]
        for quiz in quizzes:
            cell = row.quizzes.get(quiz.id) or QuizCell()
            cells += ["" if cell.counted is None else round(cell.counted * 100, 1), cell.attempts_used]
        writer.writerow(cells)
    return out.getvalue()
