"""Classes in the store: the roster and gradebook, every instructor action with its audit entry,
and who may do what (a learner, another class's instructor, a co-instructor)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from learning.errors import AccessDenied, AccountError, AttemptError
from learning.gradebook import ClassStatus
from learning.store import Action, Role, Store
from learning.store.tables import ReviewCardRow
from tests.conftest import NOW, write_course
from tests.store.conftest import PASSWORD

TEST = "techniques-test"
FINAL = "final-exam"
RIGHT = {"type": "true_false", "value": True}
WRONG = {"type": "true_false", "value": False}


@pytest.fixture
def course_dirs(tmp_path):
    """The sample course plus a one-question unit test (one attempt, the last counts) and a final exam (two attempts)."""
    lessons, bank = write_course(tmp_path)
    one_question = {"lessons": ["techniques"], "question_count": 1, "feedback_mode": "exam", "shuffle_questions": False}
    quizzes = {
        TEST: {"title": "Techniques test", "kind": "unit_test", "attempts_allowed": 1, "grading_method": "last", **one_question},
        FINAL: {"title": "Final exam", "kind": "final_exam", "attempts_allowed": 2, "pass_mark": 0.5, **one_question},
    }
    for quiz_id, body in quizzes.items():
        (bank / "quizzes" / f"{quiz_id}.json").write_text(json.dumps({"id": quiz_id, **body}))
    return lessons, bank


@pytest.fixture
def world(store):
    """Two instructors with a class each, two learners in the first class and one in the second."""
    morgan = store.accounts.create("morgan", PASSWORD, role=Role.INSTRUCTOR, now=NOW, display_name="Morgan Lee")
    jo = store.accounts.create("jo-teacher", PASSWORD, role=Role.INSTRUCTOR, now=NOW, display_name="Jo Park")
    monday = store.accounts.create_cohort(morgan, "Monday class", now=NOW)
    friday = store.accounts.create_cohort(jo, "Friday class", now=NOW)
    sam = store.accounts.create("sam", PASSWORD, role=Role.LEARNER, now=NOW, display_name="Sam Rivera", enrolment_code=monday.code)
    ana = store.accounts.create("ana", PASSWORD, role=Role.LEARNER, now=NOW, display_name="Ana Diaz", enrolment_code=monday.code)
    kim = store.accounts.create("kim", PASSWORD, role=Role.LEARNER, now=NOW, display_name="Kim Wu", enrolment_code=friday.code)
    return {"morgan": morgan, "jo": jo, "monday": monday, "friday": friday, "sam": sam, "ana": ana, "kim": kim}


def take(store: Store, learner, quiz_id: str, response: dict, *, now=NOW) -> str:
    """Start, answer and submit an attempt; returns its id."""
    spec = store.attempts.course().quiz(quiz_id)
    attempt = store.attempts.start(learner, spec, now=now)
    store.attempts.answer(learner, attempt.id, attempt.attempt.questions[0].id, response, now=now)
    store.attempts.submit(learner, attempt.id, now=now + timedelta(minutes=1))
    return attempt.id


def row_of(roster, learner):
    return next(r for r in roster.rows if r.learner_id == learner.id)


# --- the roster ---------------------------------------------------------------------------


def test_the_roster_lists_each_learner_with_their_figures(store, world) -> None:
    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    store.progress.complete_lesson(sam, "techniques", now=NOW)
    take(store, sam, TEST, WRONG, now=NOW + timedelta(hours=1))
    take(store, sam, FINAL, RIGHT, now=NOW + timedelta(hours=2))
    roster = store.classes.roster(morgan, monday.id, now=NOW + timedelta(days=1))

    assert [r.display_name for r in roster.rows] == ["Ana Diaz", "Sam Rivera"]
    assert [q.id for q in roster.quizzes] == ["final-exam", "goals-practice", TEST]
    assert roster.units == [("basics", "Basics")]
    row = row_of(roster, sam)
    assert row.lessons_read == 1
    assert row.last_active == NOW + timedelta(hours=2, minutes=1)
    assert row.quizzes[TEST].counted == 0.0 and row.quizzes[TEST].attempts == "1 of 1"
    assert row.final_exam is not None and row.final_exam.counted == 1.0 and row.final_exam.passed
    assert row.standing.status is ClassStatus.PASSED
    assert row.mastery_by_unit["basics"] > 0  # the exam answers count once submitted
    assert row.reviews_due == 1  # the test's wrong answer is due again within a day
    ana = row_of(roster, world["ana"])
    assert (ana.standing.status, ana.last_active, ana.quizzes[TEST].attempts) == (ClassStatus.NOT_STARTED, None, "0 of 1")


def test_a_learner_out_of_attempts_without_a_pass_is_behind(store, world) -> None:
    take(store, world["sam"], TEST, WRONG)
    row = row_of(store.classes.roster(world["morgan"], world["monday"].id, now=NOW + timedelta(hours=1)), world["sam"])
    assert row.standing.status is ClassStatus.BEHIND
    assert row.standing.reason == "out of attempts at Techniques test"


def test_the_counted_score_follows_the_quizs_grading_method(store, world) -> None:
    """The final exam counts the highest attempt (the default), the unit test the last one."""
    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    take(store, sam, FINAL, RIGHT, now=NOW)
    take(store, sam, FINAL, WRONG, now=NOW + timedelta(hours=1))
    store.classes.grant_attempt(morgan, monday.id, sam.id, TEST, reason="ill on the day", now=NOW)
    take(store, sam, TEST, RIGHT, now=NOW)
    take(store, sam, TEST, WRONG, now=NOW + timedelta(hours=1))
    row = row_of(store.classes.roster(morgan, monday.id, now=NOW + timedelta(hours=2)), sam)
    assert row.quizzes[FINAL].counted == 1.0 and row.quizzes[FINAL].attempts == "2 of 2"
    assert row.quizzes[TEST].counted == 0.0 and row.quizzes[TEST].attempts == "2 of 2"


def test_the_gradebook_csv_has_a_row_per_learner_and_a_column_per_quiz(store, world) -> None:
    take(store, world["sam"], TEST, RIGHT)
    lines = store.classes.roster(world["morgan"], world["monday"].id, now=NOW).csv().splitlines()
    assert len(lines) == 3
    assert "Techniques test (techniques-test) %" in lines[0]
    assert lines[2].startswith("sam,Sam Rivera,on track,")


# --- who may --------------------------------------------------------------------------------

ACTIONS = {
    "roster": lambda s, a, w: s.classes.roster(a, w["monday"].id, now=NOW),
    "learner": lambda s, a, w: s.classes.learner(a, w["monday"].id, w["sam"].id),
    "audit log": lambda s, a, w: s.classes.audit_log(a, w["monday"].id),
    "grant": lambda s, a, w: s.classes.grant_attempt(a, w["monday"].id, w["sam"].id, TEST, reason="why", now=NOW),
    "void": lambda s, a, w: s.classes.void_attempt(a, w["monday"].id, w["attempt"], reason="why", now=NOW),
    "reopen": lambda s, a, w: s.classes.reopen_attempt(a, w["monday"].id, w["attempt"], reason="why", now=NOW),
    "exam date": lambda s, a, w: s.classes.set_exam_date(a, w["monday"].id, date(2026, 6, 1), now=NOW),
    "remove": lambda s, a, w: s.classes.remove_learner(a, w["monday"].id, w["sam"].id, reason="why", now=NOW),
    "rotate": lambda s, a, w: s.classes.rotate_code(a, w["monday"].id, now=NOW),
    "close": lambda s, a, w: s.classes.set_enrolment(a, w["monday"].id, open=False, now=NOW),
    "co-instructor": lambda s, a, w: s.classes.add_co_instructor(a, w["monday"].id, "jo-teacher", now=NOW),
    "reset code": lambda s, a, w: s.classes.reset_code(a, w["monday"].id, w["sam"].id, now=NOW),
    "learners": lambda s, a, w: s.accounts.cohort_learners(a, w["monday"].id),
}


@pytest.mark.parametrize("who", ["a learner of the class", "another class's instructor", "a disabled instructor"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_only_the_classs_instructors_may(store, world, who, action) -> None:
    world["attempt"] = take(store, world["sam"], TEST, RIGHT)
    if who == "a disabled instructor":
        store.accounts.set_disabled("morgan")
    actor = {"a learner of the class": world["sam"], "another class's instructor": world["jo"], "a disabled instructor": world["morgan"]}
    with pytest.raises(AccessDenied):
        ACTIONS[action](store, actor[who], world)
    assert store.classes.audit_log(world["jo"], world["friday"].id) == [
        entry for entry in store.classes.audit_log(world["jo"], world["friday"].id) if entry.action is Action.CLASS_CREATED
    ]


def test_a_learner_of_another_class_is_refused_even_to_the_classs_instructor(store, world) -> None:
    with pytest.raises(AccessDenied):
        store.classes.learner(world["morgan"], world["monday"].id, world["kim"].id)
    with pytest.raises(AccessDenied):
        store.classes.grant_attempt(world["morgan"], world["monday"].id, world["kim"].id, TEST, reason="why", now=NOW)
    with pytest.raises(AccessDenied):  # Kim is in Friday's class, which Morgan does not teach
        store.classes.learner(world["morgan"], world["friday"].id, world["kim"].id)


def test_a_co_instructor_sees_the_class_and_its_learners(store, world) -> None:
    morgan, jo, monday = world["morgan"], world["jo"], world["monday"]
    store.classes.add_co_instructor(morgan, monday.id, "JO-TEACHER", now=NOW)
    assert [c.name for c in store.accounts.cohorts(jo)] == ["Friday class", "Monday class"]
    assert [u.username for u in store.accounts.instructors(jo, monday.id)] == ["morgan", "jo-teacher"]
    assert len(store.classes.roster(jo, monday.id, now=NOW).rows) == 2
    assert store.progress.dashboard(jo, world["sam"].id).answers == 0
    with pytest.raises(AccountError, match="already teaches"):
        store.classes.add_co_instructor(jo, monday.id, "morgan", now=NOW)
    with pytest.raises(AccountError, match="no instructor"):
        store.classes.add_co_instructor(morgan, monday.id, "sam", now=NOW)


# --- actions ----------------------------------------------------------------------------------


def test_an_extra_attempt_lets_the_learner_start_one_more(store, world) -> None:
    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    spec = store.attempts.course().quiz(TEST)
    take(store, sam, TEST, WRONG)
    with pytest.raises(AttemptError) as refused:
        store.attempts.start(sam, spec, now=NOW)
    assert refused.value.reason == "no_attempts_left"
    store.classes.grant_attempt(morgan, monday.id, sam.id, TEST, reason="fire alarm during the test", now=NOW)
    assert store.attempts.standing(sam, sam.id, spec).attempts_left == 1
    take(store, sam, TEST, RIGHT, now=NOW + timedelta(hours=1))
    with pytest.raises(AttemptError):
        store.attempts.start(sam, spec, now=NOW + timedelta(hours=2))
    assert store.classes.extra_attempts(morgan, monday.id, sam.id) == {TEST: 1}
    with pytest.raises(AttemptError, match="no limit"):
        store.classes.grant_attempt(morgan, monday.id, sam.id, "goals-practice", reason="why", now=NOW)
    with pytest.raises(AccountError, match="say why"):
        store.classes.grant_attempt(morgan, monday.id, sam.id, TEST, reason="  ", now=NOW)


def test_a_voided_attempt_no_longer_counts(store, world) -> None:
    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    spec = store.attempts.course().quiz(TEST)
    attempt = take(store, sam, TEST, RIGHT)
    assert store.progress.dashboard(sam, sam.id).answers == 1
    store.classes.void_attempt(morgan, monday.id, attempt, reason="answers shared", now=NOW)
    standing = store.attempts.standing(sam, sam.id, spec)
    assert (standing.attempts_used, standing.counted, standing.passed) == (0, None, False)
    assert store.progress.dashboard(sam, sam.id).answers == 0
    assert [a.voided for a in store.attempts.history(morgan, sam.id)] == [True]
    store.attempts.start(sam, spec, now=NOW + timedelta(hours=1))  # the attempt is theirs again
    with pytest.raises(AttemptError):
        store.classes.void_attempt(morgan, monday.id, attempt, reason="again", now=NOW)


def test_voiding_an_open_attempt_submits_it(store, world) -> None:
    spec = store.attempts.course().quiz(TEST)
    open_attempt = store.attempts.start(world["sam"], spec, now=NOW)
    store.classes.void_attempt(world["morgan"], world["monday"].id, open_attempt.id, reason="left the room", now=NOW)
    assert store.attempts.unfinished(world["sam"], now=NOW) == []


def test_a_reopened_attempt_takes_more_answers_and_is_scored_again(store, world) -> None:
    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    attempt = take(store, sam, TEST, WRONG)
    with pytest.raises(AccountError):
        store.classes.reopen_attempt(morgan, monday.id, attempt, reason="", now=NOW)
    store.classes.reopen_attempt(morgan, monday.id, attempt, reason="the power went out", now=NOW + timedelta(days=1))
    reopened = store.attempts.get(sam, attempt, now=NOW + timedelta(days=1, minutes=5))
    assert not reopened.submitted
    store.attempts.answer(sam, attempt, reopened.attempt.questions[0].id, RIGHT, now=NOW + timedelta(days=1, minutes=5))
    store.attempts.submit(sam, attempt, now=NOW + timedelta(days=1, minutes=6))
    assert store.attempts.standing(sam, sam.id, store.attempts.course().quiz(TEST)).counted == 1.0
    with pytest.raises(AttemptError) as refused:
        store.classes.reopen_attempt(
            morgan, monday.id, store.attempts.start(sam, store.attempts.course().quiz(FINAL), now=NOW).id, reason="x", now=NOW
        )
    assert refused.value.reason == "not_submitted"


def test_a_class_exam_date_brings_reviews_forward(store, world) -> None:
    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    take(store, sam, TEST, RIGHT)
    with store.db.write() as session:  # as after a few right answers: the next review is a month away
        session.execute(update(ReviewCardRow).values(due=NOW + timedelta(days=30)))
    soon = NOW + timedelta(days=1)
    assert store.review.due(sam, sam.id, now=soon) == []
    exam = (NOW + timedelta(days=2)).date()
    store.classes.set_exam_date(morgan, monday.id, exam, now=NOW)
    assert [c.question_id for c in store.review.due(sam, sam.id, now=soon)] == ["tech-tf"]
    assert row_of(store.classes.roster(morgan, monday.id, now=soon), sam).reviews_due == 1
    assert store.accounts.cohort(morgan, monday.id).exam_date == exam
    store.classes.set_exam_date(morgan, monday.id, None, now=NOW)
    assert store.review.due(sam, sam.id, now=soon) == []


def test_removing_a_learner_keeps_their_records(store, world) -> None:
    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    take(store, sam, TEST, RIGHT)
    store.classes.remove_learner(morgan, monday.id, sam.id, reason="moved to the evening class", now=NOW)
    assert [r.username for r in store.classes.roster(morgan, monday.id, now=NOW).rows] == ["ana"]
    with pytest.raises(AccessDenied):
        store.attempts.history(morgan, sam.id)
    assert len(store.attempts.history(sam, sam.id)) == 1


def test_a_rotated_code_and_closed_enrolment_keep_new_learners_out(store, world) -> None:
    morgan, monday = world["morgan"], world["monday"]
    rotated = store.classes.rotate_code(morgan, monday.id, now=NOW)
    assert rotated.code != monday.code
    newcomer = store.accounts.create("lee", PASSWORD, role=Role.LEARNER, now=NOW)
    with pytest.raises(AccountError, match="no class"):
        store.accounts.join_cohort(newcomer, monday.code, now=NOW)
    closed = store.classes.set_enrolment(morgan, monday.id, open=False, now=NOW)
    assert not closed.enrolment_open
    with pytest.raises(AccountError, match="closed"):
        store.accounts.join_cohort(newcomer, rotated.code, now=NOW)
    with pytest.raises(AccountError, match="closed"):
        store.accounts.create("lou", PASSWORD, role=Role.LEARNER, now=NOW, enrolment_code=rotated.code)
    store.accounts.join_cohort(world["sam"], rotated.code, now=NOW)  # already in: nothing changes
    store.classes.set_enrolment(morgan, monday.id, open=True, now=NOW)
    store.accounts.join_cohort(newcomer, rotated.code, now=NOW)
    assert store.accounts.cohort(morgan, monday.id).members == 3


def test_a_reset_code_works_once_and_is_stored_hashed(store, world) -> None:
    from sqlalchemy import select

    from learning.store.tables import PasswordResetRow

    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    code = store.classes.reset_code(morgan, monday.id, sam.id, now=NOW)
    with store.db.read() as session:
        stored = session.scalars(select(PasswordResetRow.code_hash)).all()
    assert len(stored) == 1 and code not in stored[0] and stored[0].startswith("$argon2")
    with pytest.raises(AccountError, match="not valid"):
        store.accounts.reset_password("sam", "ABCD-EFGH-JKLM", "a brand new password", now=NOW)
    user = store.accounts.reset_password("SAM", code.lower().replace("-", " "), "a brand new password", now=NOW)
    assert user.id == sam.id
    assert store.accounts.sign_in("sam", "a brand new password", now=NOW).id == sam.id
    with pytest.raises(AccountError, match="not valid"):
        store.accounts.reset_password("sam", code, "another new password", now=NOW)


def test_a_reset_code_expires_is_replaced_by_a_newer_one_and_dies_after_wrong_tries(store, world) -> None:
    from learning.store.accounts import RESET_HOURS, RESET_TRIES

    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    old = store.classes.reset_code(morgan, monday.id, sam.id, now=NOW)
    with pytest.raises(AccountError):
        store.accounts.reset_password("sam", old, "a brand new password", now=NOW + timedelta(hours=RESET_HOURS))
    old = store.classes.reset_code(morgan, monday.id, sam.id, now=NOW)
    new = store.classes.reset_code(morgan, monday.id, sam.id, now=NOW)
    with pytest.raises(AccountError):
        store.accounts.reset_password("sam", old, "a brand new password", now=NOW)
    for _ in range(RESET_TRIES):
        with pytest.raises(AccountError):
            store.accounts.reset_password("sam", "WRONG-CODE-0000", "a brand new password", now=NOW)
    with pytest.raises(AccountError):
        store.accounts.reset_password("sam", new, "a brand new password", now=NOW)
    with pytest.raises(AccountError, match="at least"):
        store.accounts.reset_password("sam", new, "short", now=NOW)


def test_every_action_is_in_the_audit_log_with_who_and_why(store, world) -> None:
    sam, morgan, monday = world["sam"], world["morgan"], world["monday"]
    attempt = take(store, sam, TEST, WRONG)
    store.classes.grant_attempt(morgan, monday.id, sam.id, TEST, reason="ill", now=NOW)
    store.classes.reopen_attempt(morgan, monday.id, attempt, reason="power cut", now=NOW)
    store.classes.void_attempt(morgan, monday.id, attempt, reason="answers shared", now=NOW)
    store.classes.set_exam_date(morgan, monday.id, date(2026, 6, 1), now=NOW)
    store.classes.rotate_code(morgan, monday.id, now=NOW)
    store.classes.set_enrolment(morgan, monday.id, open=False, now=NOW)
    store.classes.add_co_instructor(morgan, monday.id, "jo-teacher", now=NOW)
    store.classes.reset_code(world["jo"], monday.id, sam.id, now=NOW)
    store.classes.remove_learner(morgan, monday.id, world["ana"].id, reason="left the course", now=NOW)
    entries = list(reversed(store.classes.audit_log(morgan, monday.id)))
    assert [e.action for e in entries] == [
        Action.CLASS_CREATED,
        Action.EXTRA_ATTEMPT,
        Action.ATTEMPT_REOPENED,
        Action.ATTEMPT_VOIDED,
        Action.EXAM_DATE,
        Action.CODE_ROTATED,
        Action.ENROLMENT_CLOSED,
        Action.CO_INSTRUCTOR_ADDED,
        Action.RESET_CODE,
        Action.LEARNER_REMOVED,
    ]
    assert [e.reason for e in entries if e.reason] == ["ill", "power cut", "answers shared", "left the course"]
    assert {e.actor for e in entries} == {"Morgan Lee", "Jo Park"}
    assert entries[1].learner == "Sam Rivera" and entries[1].subject == TEST
    assert all(e.at == NOW for e in entries)
    assert [e.action for e in store.classes.audit_log(morgan, monday.id, learner_id=sam.id)][-1] is Action.EXTRA_ATTEMPT


def test_the_app_has_no_way_to_change_the_audit_log() -> None:
    from learning.store.classes import Classes

    public = {name for name in dir(Classes) if not name.startswith("_")}
    assert not {name for name in public if any(word in name for word in ("edit", "delete", "update", "clear"))}
