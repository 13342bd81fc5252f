"""LTI roles to the app's roles, audiences, and registration values: tables worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from learning.errors import LaunchRefused
from learning.lti import Platform, Presence, launch_of, role_of

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
S = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([M + "Learner"], Presence.LEARNER),
        ([M + "Instructor"], Presence.INSTRUCTOR),
        ([M + "Administrator"], Presence.INSTRUCTOR),
        ([M + "ContentDeveloper"], Presence.INSTRUCTOR),
        ([M + "Instructor#TeachingAssistant"], Presence.INSTRUCTOR),
        ([INST + "Administrator"], Presence.INSTRUCTOR),
        ([S + "Administrator"], Presence.INSTRUCTOR),
        ([INST + "Faculty", M + "Learner"], Presence.INSTRUCTOR),  # a teaching role wins
        ([INST + "Student"], Presence.LEARNER),
        ([M + "Learner#NonCreditLearner"], Presence.LEARNER),
        (["Learner"], Presence.LEARNER),  # the short names a membership list may use
        (["Instructor"], Presence.INSTRUCTOR),
        ([M + "Mentor"], Presence.OTHER),
        ([INST + "Guest"], Presence.OTHER),
        ([], Presence.OTHER),
        (["Instructorish", "http://example.com/membership#Instructor"], Presence.OTHER),  # look-alikes are not roles
    ],
)
def test_roles_map_to_the_apps_roles(roles, expected) -> None:
    assert role_of(roles) is expected


PLATFORM = Platform(
    id=1,
    issuer="https://lms.example",
    client_id="tool",
    deployment_ids=("d1",),
    auth_login_url="https://lms.example/auth",
    token_url="https://lms.example/token",
    keyset_url="https://lms.example/jwks",
)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def claims(**changes) -> dict:
    base = {
        "iss": "https://lms.example",
        "aud": "tool",
        "sub": "u1",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 60,
        "nonce": "n1",
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": "d1",
        LTI + "roles": [M + "Learner"],
        LTI + "resource_link": {"id": "rl1"},
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"aud": ["tool"]}, None),
        ({"aud": ["other", "tool"], "azp": "tool"}, None),
        ({"aud": ["other", "tool"]}, "audience"),  # several audiences need azp
        ({"aud": "tool", "azp": "other"}, "audience"),
        ({"exp": int(NOW.timestamp()) - 59}, None),  # within the minute's leeway
        ({"exp": int(NOW.timestamp()) - 61}, "expired"),
        ({"iat": int(NOW.timestamp()) + 61}, "expired"),
        ({"nonce": "n2"}, "replayed"),
        ({LTI + "version": "1.1"}, "version"),
        ({LTI + "message_type": "LtiSubmissionReviewRequest"}, "message_type"),
        ({LTI + "resource_link": {}}, "malformed"),
    ],
)
def test_claims_checks(changes, reason) -> None:
    if reason is None:
        assert launch_of(claims(**changes), platform=PLATFORM, nonce="n1", now=NOW).subject == "u1"
        return
    with pytest.raises(LaunchRefused) as refused:
        launch_of(claims(**changes), platform=PLATFORM, nonce="n1", now=NOW)
    assert refused.value.reason == reason


def test_registration_values_are_checked() -> None:
    with pytest.raises(ValidationError) as invalid:
        Platform(
            issuer=" x", client_id="", deployment_ids=("",), auth_login_url="ftp://a", token_url="http://lms.example/t", keyset_url="k"
        )
    fields = {e["loc"][0] for e in invalid.value.errors()}
    assert fields == {"issuer", "client_id", "deployment_ids", "auth_login_url", "token_url", "keyset_url"}
