"""What LTI 1.3 messages and registrations hold, as pydantic models: a registered platform, the
claims of a launch the tool relies on, and how the platform's roles map to the app's.

Claim names are the IMS specification's full URIs (LTI Core 1.3, Assignment and Grade Services
2.0, Names and Role Provisioning Services 2.0, Deep Linking 2.0).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
LAUNCH_PRESENTATION = LTI + "launch_presentation"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DEEP_LINKING_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DEEP_LINKING_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINE_ITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
RESULT_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
_INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
_SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"
TEACHING_ROLES = frozenset(
    {
        _MEMBERSHIP + "Instructor",
        _MEMBERSHIP + "Administrator",
        _MEMBERSHIP + "ContentDeveloper",
        _INSTITUTION + "Instructor",
        _INSTITUTION + "Faculty",
        _INSTITUTION + "Administrator",
        _SYSTEM + "Administrator",
        _SYSTEM + "SysAdmin",
    }
)
"""Roles that make a person an instructor here: the course's instructors, administrators and
content developers, and the institution's or system's faculty and administrators."""
LEARNER_ROLES = frozenset({_MEMBERSHIP + "Learner", _INSTITUTION + "Student", _INSTITUTION + "Learner"})
SUB_ROLE = _MEMBERSHIP + "Instructor#TeachingAssistant"
SHORT_ROLES = {"Instructor": _MEMBERSHIP + "Instructor", "Learner": _MEMBERSHIP + "Learner", "Administrator": _MEMBERSHIP + "Administrator"}
"""LTI 1.1 short names some platforms still send in a membership list (NRPS allows them)."""


class Presence(enum.StrEnum):
    """What a launch does for the person: sit in a class as a learner or teach it."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    OTHER = "other"


def role_of(roles: Iterable[str]) -> Presence:
    """The app's role for an LTI role list (full URIs; the short names ``Instructor`` and
    ``Learner`` too): any teaching role wins, then a learner role; anything else (a mentor, a
    guest, no role) is :attr:`Presence.OTHER`. A teaching assistant
    (``membership#Instructor#TeachingAssistant``) counts as an instructor."""
    full = {SHORT_ROLES.get(r, r) for r in roles}
    if full & TEACHING_ROLES or SUB_ROLE in full or any(r.startswith(_MEMBERSHIP + "Instructor#") for r in full):
        return Presence.INSTRUCTOR
    if full & LEARNER_ROLES or any(r.startswith(_MEMBERSHIP + "Learner#") for r in full):
        return Presence.LEARNER
    return Presence.OTHER


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def checked_url(value: str) -> str:
    """``value`` if it is an https address (http only on this machine, for tests), unchanged: the
    platform compares some of these letter for letter (the token URL is the client assertion's audience).

    Raises:
        ValueError: not such an address.
    """
    parts = urlsplit(value.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname or len(value) > 1000:
        raise ValueError(f"{value!r} is not a web address (https://...)")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise ValueError(f"{value!r} must use https: keys and tokens are not sent in the clear")
    return value.strip()


class Platform(BaseModel):
    """A registered LMS: the values its administrator gives when adding the tool."""

    model_config = ConfigDict(frozen=True)

    id: int = 0
    issuer: str = Field(min_length=1, max_length=255, description="The platform's issuer (iss), such as https://moodle.school.edu.")
    client_id: str = Field(min_length=1, max_length=255, description="The client id the platform gave the tool.")
    deployment_ids: tuple[str, ...] = Field(min_length=1, description="The deployment ids launches may come from.")
    auth_login_url: str = Field(description="The platform's OIDC authentication endpoint.")
    token_url: str = Field(description="The platform's OAuth 2 token endpoint (for grades and rosters).")
    keyset_url: str = Field(description="The platform's public key set (JWKS).")
    name: str = ""

    @field_validator("auth_login_url", "token_url", "keyset_url")
    @classmethod
    def _address(cls, value: str) -> str:
        return checked_url(value)

    @field_validator("issuer", "client_id")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if value != value.strip():
            raise ValueError("has spaces at the start or the end")
        return value

    @field_validator("deployment_ids")
    @classmethod
    def _deployments(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
        if not cleaned or any(len(v) > 255 for v in cleaned):
            raise ValueError("give at least one deployment id of at most 255 characters")
        return cleaned


class Target(BaseModel):
    """What a link opens: a quiz, a lesson, or (neither) the course map."""

    model_config = ConfigDict(frozen=True)

    quiz_id: str | None = None
    lesson_id: str | None = None


class LineItemClaim(BaseModel):
    """The Assignment and Grade Services claim of a launch."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    scope: list[str] = Field(default_factory=list)
    lineitems: str | None = None
    lineitem: str | None = None


class Launch(BaseModel):
    """A launch whose id_token was verified: who, from which course and link, to open what."""

    model_config = ConfigDict(frozen=True)

    platform: Platform
    deployment_id: str
    message_type: str
    subject: str
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    roles: tuple[str, ...] = ()
    context_id: str | None = None
    context_title: str | None = None
    resource_link_id: str | None = None
    resource_link_title: str | None = None
    custom: dict[str, str] = Field(default_factory=dict)
    ags: LineItemClaim | None = None
    memberships_url: str | None = None
    document_target: str | None = None
    deep_link_return_url: str | None = None
    deep_link_data: str | None = None

    @property
    def presence(self) -> Presence:
        return role_of(self.roles)

    @property
    def framed(self) -> bool:
        """Whether the platform shows the app inside its own page (an iframe), where cookies
        must be ``SameSite=None; Secure``. A launch that does not say is taken as framed."""
        return self.document_target not in ("window", "popup")

    @property
    def display_name(self) -> str | None:
        joined = " ".join(p for p in (self.given_name, self.family_name) if p)
        return self.name or joined or None

    @property
    def target(self) -> Target:
        """The quiz or lesson the link names in its custom parameters (``quiz``, ``lesson``)."""
        return Target(quiz_id=self.custom.get("quiz") or None, lesson_id=self.custom.get("lesson") or None)


def custom_of(value: Any) -> dict[str, str]:
    """The custom parameters claim as text values (platforms send strings; anything else is dropped)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v.strip() for k, v in value.items() if isinstance(v, str)}


__all__ = [
    "AGS_ENDPOINT",
    "DEEP_LINKING_REQUEST",
    "MEMBERSHIP_SCOPE",
    "RESOURCE_LINK_REQUEST",
    "SCORE_SCOPE",
    "Launch",
    "LineItemClaim",
    "Platform",
    "Presence",
    "Target",
    "checked_url",
    "custom_of",
    "role_of",
]
