"""Who may read and change what: a learner, another learner, the cohort's instructor, another instructor."""

from __future__ import annotations

import pytest

from learning.errors import AccessDenied
from learning.store import Role
from tests.conftest import NOW
from tests.store.conftest import PASSWORD, practice_spec


@pytest.fixture
def world(store):
    teacher = store.accounts.create("teacher", PASSWORD, role=Role.INSTRUCTOR, now=NOW)
    other_teacher = store.accounts.create("other-teacher", PASSWORD, role=Role.INSTRUCTOR, now=NOW)
    cohort = store.accounts.create_cohort(teacher, "Monday class", now=NOW)
    store.accounts.create_cohort(other_teacher, "Friday class", now=NOW)
    learner = store.accounts.create("learner", PASSWORD, role=Role.LEARNER, now=NOW, enrolment_code=cohort.code)
    other_learner = store.accounts.create("other-learner", PASSWORD, role=Role.LEARNER, now=NOW, enrolment_code=cohort.code)
    attempt = store.attempts.start(learner, practice_spec(), now=NOW)
    return {
        "learner": learner,
        "other learner": other_learner,
        "instructor of the cohort": teacher,
        "instructor of another cohort": other_teacher,
        "cohort": cohort,
        "attempt": attempt,
    }


READS = [
    ("dashboard", lambda s, a, w: s.progress.dashboard(a, w["learner"].id)),
    ("history", lambda s, a, w: s.attempts.history(a, w["learner"].id)),
    ("attempt", lambda s, a, w: s.attempts.get(a, w["attempt"].id, now=NOW)),
    ("transcript", lambda s, a, w: s.exports.transcript_csv(a, w["learner"].id)),
    ("xapi", lambda s, a, w: s.exports.xapi_statements(a, w["learner"].id)),
    ("reviews", lambda s, a, w: s.review.due(a, w["learner"].id, now=NOW)),
]
CHANGES = [
    (
        "answer",
        lambda s, a, w: s.attempts.answer(a, w["attempt"].id, "sample-single-choice", {"type": "single_choice", "option": "a"}, now=NOW),
    ),
    ("flag", lambda s, a, w: s.attempts.set_flag(a, w["attempt"].id, "sample-single-choice", True)),
    ("submit", lambda s, a, w: s.attempts.submit(a, w["attempt"].id, now=NOW)),
]
COHORT = [("cohort learners", lambda s, a, w: s.accounts.cohort_learners(a, w["cohort"].id))]

ALLOWED = {
    # who:                    (reads, changes, cohort)
    "learner": (True, True, False),
    "other learner": (False, False, False),
    "instructor of the cohort": (True, False, True),
    "instructor of another cohort": (False, False, False),
}


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize(
    ("kind", "action"), [("reads", a) for a in READS] + [("changes", a) for a in CHANGES] + [("cohort", a) for a in COHORT]
)
def test_access_table(store, world, who: str, kind: str, action) -> None:
    _name, call = action
    allowed = ALLOWED[who][("reads", "changes", "cohort").index(kind)]
    actor = world[who]
    if allowed:
        call(store, actor, world)
    else:
        with pytest.raises(AccessDenied):
            call(store, actor, world)


def test_a_disabled_instructor_reads_nothing(store, world) -> None:
    teacher = world["instructor of the cohort"].model_copy(update={"disabled": True})
    with pytest.raises(AccessDenied):
        store.progress.dashboard(teacher, world["learner"].id)


def test_each_person_sees_their_own_classes(store, world) -> None:
    """A learner's classes are the ones they joined (this query crashed for learners once)."""
    names = {who: [c.name for c in store.accounts.cohorts(world[who])] for who in ALLOWED}
    assert names == {
        "learner": ["Monday class"],
        "other learner": ["Monday class"],
        "instructor of the cohort": ["Monday class"],
        "instructor of another cohort": ["Friday class"],
    }
    assert [c.members for c in store.accounts.cohorts(world["instructor of the cohort"])] == [2]


def test_an_instructor_cannot_join_another_instructors_class(store, world) -> None:
    with pytest.raises(AccessDenied):
        store.accounts.join_cohort(world["instructor of another cohort"], world["cohort"].code, now=NOW)
    assert [u.username for u in store.accounts.cohort_learners(world["instructor of the cohort"], world["cohort"].id)] == [
        "learner",
        "other-learner",
    ]


def test_an_answer_in_flight_from_an_account_disabled_meanwhile_is_refused(store, world) -> None:
    """The request carries the learner as they were when it began; the write reads the account again."""
    learner = world["learner"]  # signed in and active when the request started
    store.accounts.set_disabled("learner", True)
    with pytest.raises(AccessDenied):
        store.attempts.answer(learner, world["attempt"].id, "sample-single-choice", {"type": "single_choice", "option": "a"}, now=NOW)
    with pytest.raises(AccessDenied):
        store.attempts.set_flag(learner, world["attempt"].id, "sample-single-choice", True)
    with pytest.raises(AccessDenied):
        store.attempts.start(learner, practice_spec(id="another"), now=NOW)
    assert store.attempts.get(world["instructor of the cohort"], world["attempt"].id, now=NOW).attempt.answers == {}
