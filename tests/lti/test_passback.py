"""Grade passback and roster sync against the test platform: a submitted quiz launched from the
LMS posts its counted score once, a platform that is down gets it later (once), and a roster
sync seats the course's learners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from learning.errors import LtiError, PlatformUnreachable
from learning.lti import Drained, Platform, send_due, sync_roster
from learning.lti.keys import ToolKey
from learning.lti.passback import backoff
from learning.lti.services import Platforms
from learning.web.lti import start_grade_sender
from tests.lti.conftest import TOOL, launch
from tests.lti.platform import CLIENT_ID, LTI

SC = "sample-single-choice"
RIGHT = {"type": "single_choice", "option": "a"}


def submit_quiz(store, user_id: int, *, now: datetime):
    """The learner takes the launched quiz: one question right, the rest left, then submits."""
    user = store.accounts.get(user_id)
    spec = store.attempts.course().quiz("goals-practice")
    attempt = store.attempts.start(user, spec, now=now, seed="fixed")
    if SC in {q.id for q in attempt.attempt.questions}:
        store.attempts.answer(user, attempt.id, SC, RIGHT, now=now)
    return store.attempts.submit(user, attempt.id, now=now + timedelta(seconds=5))


def launched_learner(tool, platform, store) -> int:
    assert launch(tool, platform, "ana").status_code == 303
    return store.sessions.started[-1][0]


def test_a_submitted_quiz_posts_its_counted_score_once(tool, platform, store, services) -> None:
    user_id = launched_learner(tool, platform, store)
    now = datetime.now(UTC)
    submitted = submit_quiz(store, user_id, now=now)
    assert submitted.result is not None and submitted.result.score > 0
    [queued] = store.lti.queued()
    assert (queued.state, queued.score_given) == ("pending", round(submitted.result.score * 100, 4))

    drained = send_due(store.lti, services, now=now + timedelta(seconds=6))
    assert (drained.sent, drained.retrying, drained.failed) == (1, 0, 0)
    [score] = platform.scores
    assert score["userId"] == "u-ana"
    assert score["scoreGiven"] == round(submitted.result.score * 100, 4) and score["scoreMaximum"] == 100
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert score["timestamp"].endswith("Z")
    assert platform.score_paths == ["/lineitems/7/lineitem/scores?type_id=3"]  # the line item's query string kept

    assert send_due(store.lti, services, now=now + timedelta(hours=2)).sent == 0
    assert len(platform.scores) == 1 and store.lti.queued() == []
    assert [q.state for q in store.lti.queued(include_sent=True)] == ["sent"]


def test_the_score_that_counts_follows_the_quizs_grading_method(tool, platform, store, services) -> None:
    user_id = launched_learner(tool, platform, store)
    now = datetime.now(UTC)
    first = submit_quiz(store, user_id, now=now)
    user = store.accounts.get(user_id)
    spec = store.attempts.course().quiz("goals-practice")
    second = store.attempts.submit(
        user, store.attempts.start(user, spec, now=now + timedelta(minutes=1)).id, now=now + timedelta(minutes=2)
    )
    assert second.result.score == 0 < first.result.score
    send_due(store.lti, services, now=now + timedelta(minutes=3))
    counted = store.attempts.standing(user, user_id, spec).counted
    assert [s["scoreGiven"] for s in platform.scores] == [round(counted * 100, 4)]  # two submits, one post of the counted score


def test_a_platform_that_is_down_gets_the_score_later_once(tool, platform, store, services) -> None:
    user_id = launched_learner(tool, platform, store)
    now = datetime.now(UTC)
    submit_quiz(store, user_id, now=now)
    platform.down = True
    tried = now + timedelta(seconds=5)  # the moment it was submitted
    drained = send_due(store.lti, services, now=tried)
    assert (drained.sent, drained.retrying) == (0, 1) and "503" in drained.errors[0]
    [queued] = store.lti.queued()
    assert (queued.state, queued.tries, queued.next_try_at) == ("pending", 1, tried + backoff(0))
    requests = platform.token_requests
    assert send_due(store.lti, services, now=tried + timedelta(seconds=10)) == Drained()  # not due yet: no post, no try
    assert platform.token_requests == requests

    platform.down = False
    assert send_due(store.lti, services, now=tried + timedelta(seconds=31)).sent == 1
    assert send_due(store.lti, services, now=now + timedelta(hours=1)).sent == 0
    assert len(platform.scores) == 1


def test_a_score_the_platform_refuses_for_good_is_kept_as_failed(tool, platform, store, settings) -> None:
    user_id = launched_learner(tool, platform, store)
    submit_quiz(store, user_id, now=datetime.now(UTC))
    stranger = Platforms(ToolKey.load_or_create(settings.lti_key_file().with_name("another-key.pem")))
    try:
        drained = send_due(store.lti, stranger, now=datetime.now(UTC) + timedelta(seconds=6))
    finally:
        stranger.close()
    assert drained.failed == 1 and "token endpoint refused" in drained.errors[0]
    [queued] = store.lti.queued()
    assert queued.state == "failed" and "401" in queued.last_error
    assert platform.scores == []


def test_an_unreachable_platform_is_retried_not_refused(services) -> None:
    nowhere = Platform(
        issuer="http://127.0.0.1:9",
        client_id=CLIENT_ID,
        deployment_ids=("d",),
        auth_login_url="http://127.0.0.1:9/auth",
        token_url="http://127.0.0.1:9/token",
        keyset_url="http://127.0.0.1:9/jwks",
    )
    with pytest.raises(PlatformUnreachable, match="cannot be reached"):
        services.post_score(nowhere, "http://127.0.0.1:9/lineitems/1", {})


def test_a_roster_sync_seats_the_courses_learners(tool, platform, store, services) -> None:
    response = launch(tool, platform, "mia", link="plain-link")
    class_id = int(parse_qs(urlsplit(response.headers["location"]).query)["class"][0])
    mia = store.accounts.get(store.sessions.started[-1][0])
    assert store.accounts.cohort_learners(mia, class_id) == []

    synced = sync_roster(store.lti, services, class_id, now=datetime.now(UTC))
    assert (synced.accounts_made, synced.learners_added, synced.instructors_added, synced.skipped) == (3, 3, 0, 1)
    learners = store.accounts.cohort_learners(mia, class_id)
    assert sorted((u.username, u.display_name) for u in learners) == [
        ("ana.lopez", "Ana Lopez"),
        ("cai", "Cai Wu"),
        ("dee.ross", "Dee Ross"),
    ]
    assert sync_roster(store.lti, services, class_id, now=datetime.now(UTC)).learners_added == 0

    launch(tool, platform, "ana")  # the roster's Ana launching later is the same account
    assert store.accounts.get(store.sessions.started[-1][0]).username == "ana.lopez"
    assert len(store.accounts.cohort_learners(mia, class_id)) == 3


def test_a_class_not_made_from_an_lms_course_has_no_roster_to_sync(store, services, platform) -> None:
    from learning.store import Role
    from tests.conftest import NOW

    teacher = store.accounts.create("teacher", None, role=Role.INSTRUCTOR, now=NOW)
    cohort = store.accounts.create_cohort(teacher, "Evening class", now=NOW)
    with pytest.raises(LtiError, match="not made from an LMS course"):
        sync_roster(store.lti, services, cohort.id, now=NOW)


def test_deep_linking_places_a_quiz_with_a_gradebook_column(tool, platform, store) -> None:
    deep = {
        LTI + "message_type": "LtiDeepLinkingRequest",
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
            "deep_link_return_url": f"{platform.issuer}/deep-return",
            "accept_types": ["ltiResourceLink"],
            "data": "opaque-42",
        },
    }
    picker = launch(tool, platform, "mia", link="plain-link", **deep)
    assert picker.status_code == 200 and "Quiz: Goals practice" in picker.text and "Lesson: Goals" in picker.text
    ticket = picker.text.split('name="ticket" value="')[1].split('"')[0]
    back = tool.post("/lti/deep-link", data={"ticket": ticket, "choice": "quiz:goals-practice"})
    assert f'action="{platform.issuer}/deep-return"' in back.text
    token = back.text.split('name="JWT" value="')[1].split('"')[0]
    claims = jwt.decode(token, KeySet.import_key_set(tool.get("/lti/jwks").json()), algorithms=["RS256"]).claims
    assert (claims["iss"], claims["aud"]) == (CLIENT_ID, platform.issuer)
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-42"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["url"] == f"{TOOL}/lti/launch" and item["custom"] == {"quiz": "goals-practice"}
    assert item["lineItem"]["scoreMaximum"] == 100

    learner_picker = launch(tool, platform, "ana", link="plain-link", **deep)
    assert learner_picker.status_code == 403 and "Only instructors can choose" in learner_picker.text
    forged = tool.post("/lti/deep-link", data={"ticket": ticket[:-4] + "AAAA", "choice": "quiz:goals-practice"})
    assert forged.status_code == 400 and "signature does not match" in forged.text


def test_a_server_whose_school_has_no_lms_makes_no_tool_key(settings, store) -> None:
    """The grade sender starts with every app server; it reads or makes the tool's key only when
    there is a score to send, so a school that never registers a platform has no key file."""
    stop = start_grade_sender(settings, lambda: store)
    stop()
    assert not settings.lti_key_file().exists()
