"""Learner records: accounts, cohorts, attempts, answers, progress, mastery, spaced review, study
plans, each learner's weak-spots quiz, certificates of completion, the instructors' rosters,
actions and audit log, and the LTI links to schools' LMSs.

:class:`Store` wires the parts to one database::

    store = Store.open(url, course=lambda: course)
    user = store.accounts.sign_in("sam", password, now=now)
    session_id = store.sessions.start(user.id, now=now, persistent=False, user_agent=None)
    attempt = store.attempts.start(user, spec, now=now)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from learning.course import Course
from learning.settings import Settings
from learning.store.accounts import Accounts, Cohort, Role, User
from learning.store.attempts import AnswerOutcome, Attempts, QuizStanding, StoredAttempt
from learning.store.audit import Action, AuditEntry
from learning.store.authoring import COMMAND_LINE, Authoring, CommandLine, HistoryEntry, Saved
from learning.store.certificates import Certificates, ClassCertificate, Eligibility
from learning.store.classes import Classes, Roster
from learning.store.database import Database
from learning.store.exports import Exports
from learning.store.lti import Lti
from learning.store.plans import ExamDate, Plans
from learning.store.progress import Dashboard, LessonProgress, LessonStatus, ObjectiveMastery, Progress
from learning.store.review import DueCard, Review, ReviewSummary
from learning.store.sessions import ActiveSession, Handed, SessionRules, Sessions
from learning.store.statistics import QuestionReport, Statistics, StatisticsReport
from learning.store.weak_spots import WeakSpots


class Store:
    """Every part of the learner records, on one database."""

    def __init__(self, database: Database, *, course: Callable[[], Course], settings: Settings | None = None) -> None:
        settings = settings or Settings()
        self.db = database
        self.accounts = Accounts(database, limits=settings.limits())
        self.sessions = Sessions(
            database,
            rules=SessionRules(
                idle=timedelta(hours=settings.session_idle_hours),
                remembered=timedelta(days=settings.session_remember_days),
                browser=timedelta(hours=settings.session_browser_hours),
            ),
        )
        self.review = Review(database, self.accounts, course)
        self.attempts = Attempts(database, self.accounts, self.review, course)
        self.progress = Progress(database, self.accounts, course)
        self.exports = Exports(database, self.accounts, course, site_url=settings.site_url)
        self.authoring = Authoring(database, self.accounts, course)
        self.statistics = Statistics(database, self.accounts, course)
        self.classes = Classes(database, self.accounts, self.attempts, self.review, course)
        self.weak_spots = WeakSpots(database, self.accounts, self.attempts, self.review, course)
        self.plans = Plans(database, self.accounts, self.progress, self.review, self.attempts, self.weak_spots, course)
        self.certificates = Certificates(database, self.accounts, self.attempts, course)
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
    "ActiveSession",
    "AnswerOutcome",
    "Attempts",
    "AuditEntry",
    "Authoring",
    "Certificates",
    "ClassCertificate",
    "Classes",
    "Cohort",
    "CommandLine",
    "Dashboard",
    "Database",
    "DueCard",
    "Eligibility",
    "ExamDate",
    "Exports",
    "Handed",
    "HistoryEntry",
    "LessonProgress",
    "LessonStatus",
    "Lti",
    "ObjectiveMastery",
    "Plans",
    "Progress",
    "QuestionReport",
    "QuizStanding",
    "Review",
    "ReviewSummary",
    "Role",
    "Roster",
    "Saved",
    "SessionRules",
    "Sessions",
    "Statistics",
    "StatisticsReport",
    "Store",
    "StoredAttempt",
    "User",
    "WeakSpots",
]
