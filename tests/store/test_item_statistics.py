"""Item analysis over stored attempts: whose attempts, which ones, access, and the cache."""

from __future__ import annotations

import pytest

from learning.errors import AccessDenied
from learning.quiz import WhichAttempts
from learning.store import COMMAND_LINE, Role
from tests.conftest import NOW
from tests.store.conftest import PASSWORD
from tests.store.item_data import SC, TF, two_classes
from tests.store.item_data import take as _take


@pytest.fixture
def classes(store, instructor):
    a, b, _ = two_classes(store, instructor, PASSWORD)
    return a, b


def test_a_class_report_uses_only_its_learners_and_flags_the_misleading_option(store, instructor, classes) -> None:
    a, _ = classes
    report = store.statistics.report(instructor, "goals-practice", cohort_id=a.id)
    assert (report.learners, report.analysis.quiz.attempts, report.which) == (6, 6, WhichAttempts.HIGHEST)
    figures = {q.question_id: q for q in report.analysis.questions}
    assert figures[SC].attempts == 6 and figures[SC].facility == pytest.approx(0.5)
    assert figures[TF].facility == pytest.approx(4 / 6)
    assert figures["sample-ordering"].facility == 0.0  # drawn but never answered: no marks
    options = {o.key: o for o in report.questions[SC].options.options}
    assert (options["a"].count, options["b"].count, options["c"].count) == (3, 3, 0)
    assert options["b"].point_biserial > 0.5
    assert any("chosen more by stronger learners" in f for f in report.questions[SC].flags), report.questions[SC].flags
    assert any("distracts almost no one" in f for f in report.questions[SC].flags)
    everyone = store.statistics.report(instructor, "goals-practice")
    assert everyone.analysis.quiz.attempts == 8


def test_which_attempts_are_used(store, instructor, classes) -> None:
    a, _ = classes
    weakest = store.accounts.sign_in("learner-a5", PASSWORD, now=NOW)
    _take(store, weakest, single="a", true_false=True, hours=500, minute=10)  # a better second attempt
    counted = store.statistics.report(instructor, "goals-practice", cohort_id=a.id)
    every = store.statistics.report(instructor, "goals-practice", cohort_id=a.id, which=WhichAttempts.ALL)
    first = store.statistics.report(instructor, "goals-practice", cohort_id=a.id, which=WhichAttempts.FIRST)
    assert (counted.analysis.quiz.attempts, every.analysis.quiz.attempts, first.analysis.quiz.attempts) == (6, 7, 6)
    tf = {r.which: next(q for q in r.analysis.questions if q.question_id == TF).facility for r in (counted, first)}
    assert tf[WhichAttempts.HIGHEST] == pytest.approx(5 / 6) and tf[WhichAttempts.FIRST] == pytest.approx(4 / 6)


def test_only_instructors_of_the_class_may_see_it(store, instructor, learner, classes) -> None:
    a, _ = classes
    with pytest.raises(AccessDenied):
        store.statistics.report(learner, "goals-practice", cohort_id=a.id)
    other = store.accounts.create("casey", PASSWORD, role=Role.INSTRUCTOR, now=NOW)
    with pytest.raises(AccessDenied):
        store.statistics.report(other, "goals-practice", cohort_id=a.id)
    assert store.statistics.report(other, "goals-practice").analysis.quiz.attempts == 0  # no classes, no learners
    assert store.statistics.report(COMMAND_LINE, "goals-practice").analysis.quiz.attempts == 8


def test_a_report_is_cached_until_a_new_submission(store, instructor, classes) -> None:
    a, _ = classes
    first = store.statistics.report(instructor, "goals-practice", cohort_id=a.id)
    assert store.statistics.report(instructor, "goals-practice", cohort_id=a.id) is first
    newcomer = store.accounts.create("late", PASSWORD, role=Role.LEARNER, now=NOW)
    store.accounts.join_cohort(newcomer, a.code, now=NOW)
    _take(store, newcomer, single="a", true_false=True, hours=500, minute=20)
    again = store.statistics.report(instructor, "goals-practice", cohort_id=a.id)
    assert again is not first and again.analysis.quiz.attempts == 7


def test_a_voided_attempt_is_left_out(store, instructor, classes) -> None:
    a, _ = classes
    before = store.statistics.report(instructor, "goals-practice", cohort_id=a.id)
    strongest = store.accounts.sign_in("learner-a0", PASSWORD, now=NOW)
    [taken] = store.attempts.history(strongest, strongest.id, quiz_id="goals-practice")
    store.classes.void_attempt(instructor, a.id, taken.id, reason="taken by someone else", now=NOW)
    after = store.statistics.report(instructor, "goals-practice", cohort_id=a.id)
    assert (before.analysis.quiz.attempts, after.analysis.quiz.attempts) == (6, 5)


def test_which_quizzes_have_attempts_to_analyse(store, instructor, classes) -> None:
    a, _ = classes
    assert store.statistics.quizzes_taken(instructor, ["goals-practice", "goals-exam"]) == {"goals-practice"}
    assert store.statistics.quizzes_taken(instructor, ["goals-practice"], cohort_id=a.id) == {"goals-practice"}
    other = store.accounts.create("casey", PASSWORD, role=Role.INSTRUCTOR, now=NOW)
    assert store.statistics.quizzes_taken(other, ["goals-practice"]) == set()  # no classes, no learners
    with pytest.raises(AccessDenied):
        store.statistics.quizzes_taken(other, ["goals-practice"], cohort_id=a.id)
    assert store.statistics.quizzes_taken(COMMAND_LINE, ["goals-practice"]) == {"goals-practice"}


def test_a_class_is_named_by_its_id_or_its_name(store, classes) -> None:
    from learning.store.statistics import cohort_named

    a, b = classes
    with store.db.read() as session:
        assert cohort_named(session, "Class B") == b.id
        assert cohort_named(session, str(a.id)) == a.id
        assert cohort_named(session, "999") is None
        assert cohort_named(session, "Class Z") is None


def test_a_report_is_worked_out_again_when_the_course_is_reloaded(store, instructor, classes) -> None:
    import dataclasses

    a, _ = classes
    first = store.statistics.report(instructor, "goals-practice", cohort_id=a.id)
    loaded = store.statistics.course()
    store.statistics.course = lambda: dataclasses.replace(loaded)  # as after a bank edit: a new course object
    assert store.statistics.report(instructor, "goals-practice", cohort_id=a.id) is not first
