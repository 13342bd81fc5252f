"""The LTI records on SQLite and PostgreSQL: a queued score is posted by one sender only, a
launch state works once, and registrations add deployments without losing any."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from learning.errors import LaunchRefused
from learning.lti.models import SCORE_SCOPE, Launch, LineItemClaim, Platform
from learning.store.lti import LEASE
from tests.conftest import NOW
from tests.store.conftest import practice_spec

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
SC = "sample-single-choice"


def registered(store) -> Platform:
    return store.lti.add_platform(
        Platform(
            issuer="https://lms.example",
            client_id="client-1",
            deployment_ids=("dep-1",),
            auth_login_url="https://lms.example/auth",
            token_url="https://lms.example/token",
            keyset_url="https://lms.example/jwks",
        ),
        now=NOW,
    )


def enter(store, platform: Platform, state: str, *, subject: str = "u-1", begin: bool = True):
    if begin:
        store.lti.begin_login(platform, state=state, nonce=f"nonce-{state}", login={}, now=NOW)
    launch = Launch(
        platform=platform,
        deployment_id="dep-1",
        message_type="LtiResourceLinkRequest",
        subject=subject,
        name="Sam Rivera",
        roles=(LEARNER,),
        context_id="course-1",
        resource_link_id="link-1",
        custom={"quiz": "goals-practice"},
        ags=LineItemClaim(scope=[SCORE_SCOPE], lineitem="https://lms.example/lineitems/1"),
    )
    return store.lti.enter(launch, state=state, now=NOW)


def submit(store, user, *, at):
    attempt = store.attempts.start(user, practice_spec(), now=at, seed="s")
    store.attempts.answer(user, attempt.id, SC, {"type": "single_choice", "option": "a"}, now=at)
    return store.attempts.submit(user, attempt.id, now=at)


def test_a_state_works_once(store) -> None:
    platform = registered(store)
    enter(store, platform, "state-1")
    with pytest.raises(LaunchRefused) as refused:
        enter(store, platform, "state-1", begin=False)
    assert refused.value.reason == "replayed"
    with pytest.raises(LaunchRefused, match="already used"):
        store.lti.login_state("state-1", now=NOW)


def test_the_score_is_queued_with_the_submit_and_claimed_by_one_sender_only(store) -> None:
    entry = enter(store, registered(store), "state-1")
    submitted = submit(store, entry.user, at=NOW)
    [queued] = store.lti.queued()
    assert queued.score_given == round(submitted.result.score * 100, 4) and queued.state == "pending"

    claims = []
    ready = threading.Barrier(4)

    def sender() -> None:
        ready.wait()
        claims.append(store.lti.claim(queued.id, now=NOW + timedelta(seconds=1)))

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = [c for c in claims if c is not None]
    assert len(taken) == 1 and taken[0].subject == "u-1" and taken[0].line_item_url == "https://lms.example/lineitems/1"
    assert store.lti.due_scores(now=NOW + timedelta(minutes=1)) == []  # claimed: nobody else sees it as due
    store.lti.sent(queued.id, now=NOW + timedelta(seconds=2))
    store.lti.retry(queued.id, at=NOW, error="late failure report")  # a sent score cannot go back to pending
    assert store.lti.due_scores(now=NOW + timedelta(days=1)) == []
    assert store.lti.claim(queued.id, now=NOW + timedelta(days=1)) is None
    assert [q.state for q in store.lti.queued(include_sent=True)] == ["sent"]


def test_two_submits_before_sending_post_the_newest_score_once(store) -> None:
    entry = enter(store, registered(store), "state-1")
    submit(store, entry.user, at=NOW)
    second = store.attempts.start(entry.user, practice_spec(), now=NOW + timedelta(minutes=1), seed="t")
    store.attempts.submit(entry.user, second.id, now=NOW + timedelta(minutes=2))
    [queued] = store.lti.queued()
    assert queued.next_try_at == NOW
    standing = store.attempts.standing(entry.user, entry.user.id, practice_spec())
    assert queued.score_given == round(standing.counted * 100, 4)


def test_a_claim_abandoned_mid_post_is_due_again_after_the_lease(store) -> None:
    entry = enter(store, registered(store), "state-1")
    submit(store, entry.user, at=NOW)
    [queued] = store.lti.queued()
    assert store.lti.claim(queued.id, now=NOW) is not None
    assert store.lti.due_scores(now=NOW + LEASE - timedelta(seconds=1)) == []
    assert store.lti.due_scores(now=NOW + LEASE + timedelta(seconds=1)) == [queued.id]


def test_a_void_attempt_changes_the_queued_score(store, instructor) -> None:
    entry = enter(store, registered(store), "state-1")
    attempt = submit(store, entry.user, at=NOW)
    cohort = store.accounts.create_cohort(instructor, "Monday", now=NOW)
    store.accounts.join_cohort(entry.user, cohort.code, now=NOW)
    store.classes.void_attempt(instructor, cohort.id, attempt.id, reason="took it for a friend", now=NOW + timedelta(minutes=1))
    assert store.lti.queued() == []  # no attempt counts now: the score not yet posted is dropped


def test_adding_a_platform_again_adds_deployments_and_removing_it_forgets_its_links(store) -> None:
    platform = registered(store)
    again = store.lti.add_platform(platform.model_copy(update={"deployment_ids": ("dep-2",)}), now=NOW)
    assert again.id == platform.id and again.deployment_ids == ("dep-1", "dep-2")
    entry = enter(store, again, "state-1")
    submit(store, entry.user, at=NOW)
    store.lti.remove_platform(platform.id)
    assert store.lti.platforms() == [] and store.lti.queued() == []
    assert store.accounts.get(entry.user.id) is not None  # the account stays
