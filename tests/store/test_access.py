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
