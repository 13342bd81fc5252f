"""Certificates in the store: issued only once earned, one per learner, frozen at issue, looked up
by code with a throttle, listed and revoked only by the learner's instructors."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learning import load_course
from learning.certificate import CODE_ALPHABET, UnitObjectives, Verdict, shown_code
from learning.errors import AccessDenied, AccountError, CertificateError, TooManyTries
from learning.grading import correct_response
from learning.settings import Settings
from learning.store import Role, Store
from learning.store.audit import Action
from learning.store.tables import CertificateRow
from tests.conftest import NOW
from tests.store.conftest import PASSWORD

FINAL = {
    "id": "final-exam",
    "title": "Final exam",
    "kind": "final_exam",
    "lessons": ["goals", "techniques"],
    "feedback_mode": "exam",
    "shuffle_questions": False,
    "pass_mark": 0.5,
}


@pytest.fixture
def course(course_dirs):
    """The sample course with a title and a final exam that does not wait for the lessons, so
    reading and passing can be tried apart."""
    lessons, bank = course_dirs
    syllabus = lessons / "syllabus.yaml"
    syllabus.write_text("title: Two roles, compared\n" + syllabus.read_text())
    (bank / "quizzes" / "final-exam.json").write_text(json.dumps(FINAL))
    loaded = load_course(lessons_dir=lessons, bank_dir=bank)
    assert loaded.problems == []
    return loaded


def read_all(store: Store, learner, *, at=NOW) -> None:
    for lesson in ("goals", "techniques"):
        store.progress.open_lesson(learner, lesson, now=at)
        store.progress.complete_lesson(learner, lesson, now=at + timedelta(minutes=10))


def take_final(store: Store, course, learner, *, at, right: bool = True, minutes: int = 15) -> str:
    """An attempt at the final exam, every answer right (or none given), submitted ``minutes`` after ``at``."""
    attempt = store.attempts.start(learner, course.quiz("final-exam"), now=at, seed="fixed")
    for drawn in attempt.attempt.questions if right else []:
        store.attempts.answer(learner, attempt.id, drawn.id, correct_response(attempt.questions[drawn.id]), now=at + timedelta(minutes=1))
    store.attempts.submit(learner, attempt.id, now=at + timedelta(minutes=minutes))
    return attempt.id


@pytest.fixture
def teacher_of(store, learner):
    """An instructor whose class the learner is in, and the class."""
    teacher = store.accounts.create("morgan", PASSWORD, role=Role.INSTRUCTOR, now=NOW, display_name="Morgan Lee")
    cohort = store.accounts.create_cohort(teacher, "Monday evening", now=NOW)
    store.accounts.join_cohort(learner, cohort.code, now=NOW)
    return teacher, cohort


def test_nothing_is_issued_until_every_lesson_is_read_and_the_final_exam_passed(store, course, learner) -> None:
    assert store.certificates.eligibility(learner, learner.id).model_dump() == {
        "lessons_read": 0,
        "lessons_total": 2,
        "passed_final": False,
        "eligible": False,
    }
    take_final(store, course, learner, at=NOW)  # passed, but no lesson read
    store.progress.complete_lesson(learner, "goals", now=NOW)
    standing = store.certificates.eligibility(learner, learner.id)
    assert (standing.lessons_read, standing.passed_final, standing.eligible) == (1, True, False)
    with pytest.raises(CertificateError) as refused:
        store.certificates.issue(learner, now=NOW)
    assert refused.value.reason == "not_eligible"
    store.progress.complete_lesson(learner, "techniques", now=NOW)
    assert store.certificates.eligibility(learner, learner.id).eligible
    assert store.certificates.issue(learner, now=NOW).learner_name == "Sam Rivera"


def test_every_lesson_read_and_the_final_exam_failed_is_not_enough(store, course, learner) -> None:
    read_all(store, learner)
    take_final(store, course, learner, at=NOW + timedelta(hours=1), right=False)
    assert not store.certificates.eligibility(learner, learner.id).passed_final
    with pytest.raises(CertificateError):
        store.certificates.issue(learner, now=NOW + timedelta(hours=2))
    assert store.certificates.get(learner, learner.id) is None


def test_a_certificate_prints_what_the_records_say_frozen_when_it_is_issued(store, course, learner) -> None:
    read_all(store, learner)  # two lessons, 10 minutes each
    take_final(store, course, learner, at=NOW + timedelta(hours=1), minutes=15)  # 15 minutes
    issued = store.certificates.issue(learner, now=NOW + timedelta(hours=2))
    assert issued.learner_name == "Sam Rivera"
    assert issued.course_title == "Two roles, compared"
    assert issued.passed_on == (NOW + timedelta(hours=1, minutes=15)).date()
    assert issued.score == 1.0
    assert issued.minutes_studied == 10 + 10 + 15
    assert issued.objectives == [
        UnitObjectives(
            unit="Basics", objectives=["State the goal of each role.", "State the hours of the basic course.", "Name the techniques."]
        )
    ]
    assert issued.issued_at == NOW + timedelta(hours=2)
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{20}}", issued.code)
    assert not issued.revoked

    # More study and a better score later change nothing printed: the same certificate, the same code.
    store.progress.open_lesson(learner, "goals", now=NOW + timedelta(days=1))
    take_final(store, course, learner, at=NOW + timedelta(days=2))
    again = store.certificates.issue(learner, now=NOW + timedelta(days=3))
    assert again == issued
    assert store.certificates.get(learner, learner.id) == issued
    with store.db.read() as session:
        assert session.scalar(select(func.count()).select_from(CertificateRow)) == 1


def test_the_day_and_score_are_the_first_passing_attempts(store, course, learner) -> None:
    read_all(store, learner)
    take_final(store, course, learner, at=NOW + timedelta(hours=1), right=False)
    first_pass = NOW + timedelta(days=1)
    take_final(store, course, learner, at=first_pass)
    take_final(store, course, learner, at=NOW + timedelta(days=2))
    issued = store.certificates.issue(learner, now=NOW + timedelta(days=3))
    assert issued.passed_on == (first_pass + timedelta(minutes=15)).date()
    assert issued.score == 1.0


def test_the_day_passed_is_the_learners_own_day(store, course, learner) -> None:
    from zoneinfo import ZoneInfo

    read_all(store, learner)
    late = NOW.replace(hour=23, minute=0)  # 23:15 UTC is the next morning in Sydney
    take_final(store, course, learner, at=late)
    issued = store.certificates.issue(learner, now=late + timedelta(hours=1), zone=ZoneInfo("Australia/Sydney"))
    assert issued.passed_on == late.date() + timedelta(days=1)


def test_a_voided_pass_does_not_earn_a_certificate(store, course, learner, teacher_of) -> None:
    teacher, cohort = teacher_of
    read_all(store, learner)
    attempt_id = take_final(store, course, learner, at=NOW + timedelta(hours=1))
    store.classes.void_attempt(teacher, cohort.id, attempt_id, reason="taken with notes", now=NOW + timedelta(hours=2))
    assert not store.certificates.eligibility(learner, learner.id).eligible
    with pytest.raises(CertificateError):
        store.certificates.issue(learner, now=NOW + timedelta(hours=3))


def test_only_the_learner_is_issued_their_certificate(store, course, learner, teacher_of) -> None:
    teacher, _cohort = teacher_of
    read_all(store, learner)
    take_final(store, course, learner, at=NOW + timedelta(hours=1))
    with pytest.raises(AccessDenied):
        store.certificates.issue(teacher, now=NOW)  # an instructor has none of their own to issue
    issued = store.certificates.issue(learner, now=NOW + timedelta(hours=2))
    assert store.certificates.get(teacher, learner.id) == issued  # the learner's instructor may read it
    other = store.accounts.create("kim", PASSWORD, role=Role.LEARNER, now=NOW, display_name="Kim Wu")
    with pytest.raises(AccessDenied):
        store.certificates.get(other, learner.id)


def test_two_requests_at_once_issue_one_certificate(store, course, learner) -> None:
    read_all(store, learner)
    take_final(store, course, learner, at=NOW + timedelta(hours=1))
    issued, errors = [], []

    def ask() -> None:
        try:
            issued.append(store.certificates.issue(learner, now=NOW + timedelta(hours=2)))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({c.code for c in issued}) == 1
    with store.db.read() as session:
        assert session.scalar(select(func.count()).select_from(CertificateRow)) == 1


def earned(store, course, learner):
    read_all(store, learner)
    take_final(store, course, learner, at=NOW + timedelta(hours=1))
    return store.certificates.issue(learner, now=NOW + timedelta(hours=2))


def test_a_code_looked_up_says_name_course_date_and_score_and_nothing_else(store, course, learner) -> None:
    issued = earned(store, course, learner)
    typed = " " + shown_code(issued.code).lower().replace("-", " - ") + " "  # as someone might type it
    found = store.certificates.verify(typed, client="203.0.113.9", now=NOW)
    assert found.model_dump() == {
        "verdict": Verdict.VALID,
        "learner_name": "Sam Rivera",
        "course_title": "Two roles, compared",
        "passed_on": issued.passed_on,
        "score": 1.0,
    }


@pytest.mark.parametrize("code", ["", "ABCD", "ABCD-EFGH-JKLM-NPQR-STUV", "not a code at all", "' OR 1=1 --", "A" * 5000])
def test_an_unknown_code_says_only_that(store, course, learner, code) -> None:
    earned(store, course, learner)
    found = store.certificates.verify(code, client="203.0.113.9", now=NOW)
    assert found.model_dump() == {"verdict": Verdict.UNKNOWN, "learner_name": None, "course_title": None, "passed_on": None, "score": None}


def test_lookups_from_one_address_wait_after_the_free_ones_whatever_the_code(database_url, course) -> None:
    store = Store.open(database_url, course=lambda: course, settings=Settings(verifications_per_address=3))
    try:
        learner = store.accounts.create("sam", PASSWORD, role=Role.LEARNER, now=NOW, display_name="Sam Rivera")
        issued = earned(store, course, learner)
        for n in range(3):
            store.certificates.verify("ABCD-EFGH-JKLM-NPQR-STUV", client="203.0.113.9", now=NOW + timedelta(seconds=n))
        with pytest.raises(TooManyTries) as waiting:
            store.certificates.verify(issued.code, client="203.0.113.9", now=NOW + timedelta(seconds=3))
        assert waiting.value.reason == "verify"
        assert "try again in 9 seconds" in str(waiting.value)  # 10 seconds after the last one counted
        # Another address is not slowed; the same one is let in again once its wait is over, and forgotten after an hour.
        assert store.certificates.verify(issued.code, client="198.51.100.7", now=NOW).verdict is Verdict.VALID
        assert store.certificates.verify(issued.code, client="203.0.113.9", now=NOW + timedelta(seconds=13)).verdict is Verdict.VALID
        with pytest.raises(TooManyTries):  # the next waits twice as long
            store.certificates.verify(issued.code, client="203.0.113.9", now=NOW + timedelta(seconds=20))
        later = NOW + timedelta(hours=2)
        assert store.certificates.verify(issued.code, client="203.0.113.9", now=later).verdict is Verdict.VALID
    finally:
        store.close()


def test_an_instructor_of_the_class_revokes_with_a_reason_and_the_code_then_reads_revoked(store, course, learner, teacher_of) -> None:
    teacher, cohort = teacher_of
    issued = earned(store, course, learner)
    listed = store.certificates.for_class(teacher, cohort.id)
    assert [(c.learner, c.username, c.code, c.status) for c in listed] == [("Sam Rivera", "sam", shown_code(issued.code), "valid")]
    with pytest.raises(AccountError):
        store.certificates.revoke(teacher, cohort.id, learner.id, reason="   ", now=NOW + timedelta(days=1))
    revoked = store.certificates.revoke(teacher, cohort.id, learner.id, reason="Exam taken by someone else", now=NOW + timedelta(days=1))
    assert revoked.revoked_at == NOW + timedelta(days=1)
    assert revoked.revoked_reason == "Exam taken by someone else"
    found = store.certificates.verify(issued.code, client="203.0.113.9", now=NOW)
    assert found.model_dump() == {"verdict": Verdict.REVOKED, "learner_name": None, "course_title": None, "passed_on": None, "score": None}
    [entry] = [e for e in store.classes.audit_log(teacher, cohort.id) if e.action is Action.CERTIFICATE_REVOKED]
    assert (entry.actor, entry.learner, entry.subject) == ("Morgan Lee", "Sam Rivera", shown_code(issued.code))
    assert entry.reason == "Exam taken by someone else"
    assert store.certificates.for_class(teacher, cohort.id)[0].status == "revoked"
    with pytest.raises(CertificateError) as twice:
        store.certificates.revoke(teacher, cohort.id, learner.id, reason="again", now=NOW + timedelta(days=2))
    assert twice.value.reason == "revoked"
    # Asking again gives the learner the same certificate, still revoked: no new code.
    assert store.certificates.issue(learner, now=NOW + timedelta(days=3)).code == issued.code
    assert store.certificates.issue(learner, now=NOW + timedelta(days=3)).revoked


def test_only_instructors_of_the_learners_class_list_or_revoke(store, course, learner, teacher_of) -> None:
    teacher, cohort = teacher_of
    earned(store, course, learner)
    stranger = store.accounts.create("alex", PASSWORD, role=Role.INSTRUCTOR, now=NOW, display_name="Alex Kim")
    own = store.accounts.create_cohort(stranger, "Their own class", now=NOW)
    for who, class_id in ((stranger, cohort.id), (stranger, own.id), (learner, cohort.id)):
        with pytest.raises(AccessDenied):
            store.certificates.revoke(who, class_id, learner.id, reason="no", now=NOW)
    with pytest.raises(AccessDenied):
        store.certificates.for_class(stranger, cohort.id)
    assert store.certificates.for_class(stranger, own.id) == []
    assert not store.certificates.get(teacher, learner.id).revoked
    # A co-instructor added to the class may.
    store.classes.add_co_instructor(teacher, cohort.id, "alex", now=NOW)
    assert store.certificates.revoke(stranger, cohort.id, learner.id, reason="Asked by the school", now=NOW).revoked


def test_revoking_a_learner_without_a_certificate_says_so(store, course, learner, teacher_of) -> None:
    teacher, cohort = teacher_of
    with pytest.raises(CertificateError) as none:
        store.certificates.revoke(teacher, cohort.id, learner.id, reason="by mistake", now=NOW)
    assert none.value.reason == "none"
