"""Learner records: accounts, cohorts, attempts, answers, progress, mastery, spaced review, the
instructors' rosters, actions and audit log, and the LTI links to schools' LMSs.

:class:`Store` wires the parts to one database::

    store = Store.open(url, course=lambda: course)
    user = store.accounts.sign_in("sam", password, now=now)
    attempt = store.attempts.start(user, spec, now=now)
"""

from __future__ import annotations

from collections.abc import Callable

from learning.course import Course
from learning.settings import Settings
from learning.store.accounts import Accounts, Cohort, Role, User
from learning.store.attempts import AnswerOutcome, Attempts, QuizStanding, StoredAttempt
from learning.store.audit import Action, AuditEntry
from learning.store.authoring import COMMAND_LINE, Authoring, CommandLine, HistoryEntry, Saved
from learning.store.classes import Classes, Roster
from learning.store.database import Database
from learning.store.exports import Exports
from learning.store.lti import Lti
from learning.store.progress import Dashboard, LessonProgress, LessonStatus, ObjectiveMastery, Progress
from learning.store.review import DueCard, Review, ReviewSummary
from learning.store.statistics import QuestionReport, Statistics, StatisticsReport


class Store:
    """Every part of the learner records, on one database."""

    def __init__(self, database: Database, *, course: Callable[[], Course], settings: Settings | None = None) -> None:
        settings = settings or Settings()
        self.db = database
        self.accounts = Accounts(database, limits=settings.limits())
        self.review = Review(database, self.accounts, course)
        self.attempts = Attempts(database, self.accounts, self.review, course)
        self.progress = Progress(database, self.accounts, course)
        self.exports = Exports(database, self.accounts, course, site_url=settings.site_url)
        self.authoring = Authoring(database, self.accounts, course)
        self.statistics = Statistics(database, self.accounts, course)
        self.classes = Classes(database, self.accounts, self.attempts, self.review, course)
        self.lti = Lti(database, self.accounts, course)
        self.attempts.score_listeners.append(self.lti.score_changed)

    @classmethod
    def open(cls, url: str, *, course: Callable[[], Course], settings: Settings | None = None, migrate: bool = True) -> Store:
        """Connect, bring the schema up to date (keeping every record), and return the store."""
        database = Database(url)
        if migrate:
            database.upgrade()
        return cls(database, course=course, settings=settings)

    def close(self) -> None:
        self.db.dispose()


__all__ = [
    "COMMAND_LINE",
    "Accounts",
    "Action",
    "AnswerOutcome",
    "Attempts",
    "AuditEntry",
    "Authoring",
    "Classes",
    "Cohort",
    "CommandLine",
    "Dashboard",
    "Database",
    "DueCard",
    "Exports",
    "HistoryEntry",
    "LessonProgress",
    "LessonStatus",
    "Lti",
    "ObjectiveMastery",
    "Progress",
    "QuestionReport",
    "QuizStanding",
    "Review",
    "ReviewSummary",
    "Role",
    "Roster",
    "Saved",
    "Statistics",
    "StatisticsReport",
    "Store",
    "StoredAttempt",
    "User",
]
