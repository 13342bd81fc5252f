"""The exceptions the engine raises, in one place.

    LearningError                 base of every error the package raises on purpose
    ├── ContentError              a lesson, syllabus, glossary or bank file cannot be used
    ├── ResponseError (ValueError)  a learner's response does not fit its question
    ├── AssemblyError             a quiz spec cannot be filled from the bank
    ├── AttemptError              an attempt refuses an action (closed, time up, not drawn)
    ├── ConflictError             a bank file changed on disk since it was read
    ├── AuthoringError            an edit of the bank is refused (no such question, answered, bad move)
    ├── AccountError (ValueError) an account cannot be made or changed (name taken, weak password)
    ├── SignInError               a sign-in is refused (wrong username or password, disabled, busy)
    ├── TooManyTries              too many tries from one place or at one account: wait, then try again
    ├── AccessDenied              the signed-in person may not read or change this record
    ├── CertificateError          a certificate cannot be issued or revoked (not earned yet, already revoked)
    ├── LtiError                  an LTI registration, launch or service call cannot be used
    │   ├── LaunchRefused         a launch from an LMS is refused (bad signature, wrong audience, replayed...)
    │   └── PlatformUnreachable   the LMS did not answer, or answered with a failure worth retrying
    └── StorageError              the learner records cannot be used
        ├── StorageUnavailable    the records cannot be read or written now (disk full, database down)
        └── DamagedDatabase       the database file is empty or damaged: nothing is opened on it

Problems found while *loading* content are not raised: they are collected as
:class:`learning.content.Problem` values so the rest of the course still loads.
"""

from __future__ import annotations

from datetime import timedelta


class LearningError(Exception):
    """Base class of every error the engine raises on purpose."""


class ContentError(LearningError):
    """A content file cannot be read or used as a whole."""


class ResponseError(LearningError, ValueError):
    """A response names an option, item or value its question does not have."""


class AssemblyError(LearningError):
    """A quiz spec asks for questions the bank cannot provide."""


class AttemptError(LearningError):
    """An attempt refuses an action; ``reason`` is a short machine-readable code."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class ConflictError(LearningError):
    """A bank file changed on disk after it was read; reload it and apply the edit again."""


class AuthoringError(LearningError):
    """An edit of the question bank is refused: the question is not in the bank, a learner has
    answered it (so it can be retired but not deleted), or a move names no such lesson section."""


class InterchangeError(LearningError):
    """A file to import cannot be read at all (too big, not UTF-8, truncated, hostile XML)."""


class AccountError(LearningError, ValueError):
    """An account or cohort cannot be created or changed; the message says why."""


class SignInError(LearningError):
    """A sign-in was refused; ``reason`` is ``wrong_password`` (also for an unknown username, and
    for a disabled account unless the password was right), ``disabled`` (said only after the right
    password) or ``busy`` (too many sign-ins at once: try again in a moment)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class TooManyTries(LearningError):
    """Too many sign-ins failed, accounts were made or enrolment codes were wrong, from one client
    address or at one username: nothing was tried. ``wait`` is how long until the next try is
    allowed; ``reason`` is ``sign_in``, ``sign_up``, ``code`` or ``verify``."""

    def __init__(self, message: str, *, reason: str, wait: timedelta) -> None:
        super().__init__(message)
        self.reason = reason
        self.wait = wait


class AccessDenied(LearningError):
    """The signed-in person may not read or change the record they asked for."""


class CertificateError(LearningError):
    """A certificate cannot be issued (the learner has not read every lesson and passed the final
    exam) or revoked (there is none, or it is revoked already); ``reason`` is a short code."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class LtiError(LearningError):
    """An LTI 1.3 registration, launch or call to a platform's services cannot be used; the
    message says why in words a platform administrator can act on."""


class LaunchRefused(LtiError):
    """A launch from an LMS is refused. ``reason`` is a short code (``signature``, ``audience``,
    ``expired``, ``replayed``, ``deployment``, ``state``...) and ``status`` the HTTP status the
    refusal page is sent with (400 for a malformed request, 401 for one that cannot be trusted)."""

    def __init__(self, message: str, *, reason: str, status: int = 401) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


class PlatformUnreachable(LtiError):
    """A platform's token, score or roster endpoint could not be reached, or answered with a
    failure that may pass (a server error, "too many requests"): try again later."""


class StorageError(LearningError):
    """The learner records cannot be used; the message says which and why."""


class StorageUnavailable(StorageError):
    """A read or write of the learner records failed for now (disk full, database down or
    unreachable): a write stored nothing, and the same action can be tried again later."""


class DamagedDatabase(StorageError):
    """The SQLite file exists but is empty or fails SQLite's integrity check. The app refuses to
    start on it rather than make it new (every record would seem gone) or write over a damaged page."""
