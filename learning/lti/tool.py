"""The tool as a platform administrator registers it: its addresses under the app's public URL,
the configuration document Canvas takes as pasted JSON, and the deep linking response that
places a quiz or a lesson in a course.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from pydantic import BaseModel, ConfigDict

from learning.lti.keys import ToolKey
from learning.lti.models import (
    DEEP_LINKING_DATA,
    DEEP_LINKING_ITEMS,
    DEEP_LINKING_RESPONSE,
    DEPLOYMENT_ID,
    LINE_ITEM_SCOPE,
    MEMBERSHIP_SCOPE,
    MESSAGE_TYPE,
    RESULT_SCOPE,
    SCORE_SCOPE,
    VERSION,
    Platform,
)

TITLE = "Massage therapist or medical massage therapist?"
DESCRIPTION = "Lessons and scored quizzes on how a massage therapist and a medical massage therapist differ."


class ToolUrls(BaseModel):
    """The tool's addresses, absolute, under the app's public URL."""

    model_config = ConfigDict(frozen=True)

    base: str
    login: str
    launch: str
    jwks: str
    config: str
    deep_link: str

    @classmethod
    def under(cls, base: str) -> ToolUrls:
        root = base.rstrip("/")
        return cls(
            base=root,
            login=f"{root}/lti/login",
            launch=f"{root}/lti/launch",
            jwks=f"{root}/lti/jwks",
            config=f"{root}/lti/config.json",
            deep_link=f"{root}/lti/deep-link",
        )


def canvas_configuration(urls: ToolUrls) -> dict[str, Any]:
    """The tool's configuration in the JSON Canvas takes ("Paste JSON" of an LTI developer key);
    its values are the ones every platform asks for."""
    launch = {"target_link_uri": urls.launch, "message_type": "LtiDeepLinkingRequest"}
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "oidc_initiation_url": urls.login,
        "target_link_uri": urls.launch,
        "public_jwk_url": urls.jwks,
        "scopes": [LINE_ITEM_SCOPE, RESULT_SCOPE, SCORE_SCOPE, MEMBERSHIP_SCOPE],
        "extensions": [
            {
                "domain": urls.base.split("//", 1)[-1].split("/", 1)[0],
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "placements": [
                        {"placement": "link_selection", "text": "Massage study module", **launch},
                        {"placement": "assignment_selection", "text": "Massage study module", **launch},
                    ]
                },
            }
        ],
        "custom_fields": {},
    }


def deep_link_response(
    key: ToolKey, platform: Platform, *, deployment_id: str, data: str | None, items: list[dict[str, Any]], now: float | None = None
) -> str:
    """The signed LtiDeepLinkingResponse that places ``items`` in the platform's course."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": issued,
        "exp": issued + 600,
        "nonce": secrets.token_urlsafe(16),
        MESSAGE_TYPE: DEEP_LINKING_RESPONSE,
        VERSION: "1.3.0",
        DEPLOYMENT_ID: deployment_id,
        DEEP_LINKING_ITEMS: items,
    }
    if data is not None:
        claims[DEEP_LINKING_DATA] = data
    return key.sign(claims)


def content_item(urls: ToolUrls, *, title: str, quiz_id: str | None = None, lesson_id: str | None = None) -> dict[str, Any]:
    """A deep linking content item: a resource link to the launch address whose custom parameter
    names the quiz or lesson; a quiz also asks for a gradebook column out of 100."""
    custom = {"quiz": quiz_id} if quiz_id else {"lesson": lesson_id or ""}
    item: dict[str, Any] = {"type": "ltiResourceLink", "title": title, "url": urls.launch, "custom": custom}
    if quiz_id:
        item["lineItem"] = {"scoreMaximum": 100, "label": title, "resourceId": quiz_id}
    return item


__all__ = ["DESCRIPTION", "TITLE", "ToolUrls", "canvas_configuration", "content_item", "deep_link_response"]
