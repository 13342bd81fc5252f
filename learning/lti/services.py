"""Calls from the tool to a platform's LTI Advantage services, with httpx.

- An access token (OAuth 2 client credentials, RFC 7523): the tool signs a client assertion with
  its own key, and the platform, which knows the tool's key set, answers with a bearer token for
  the scopes asked. Tokens are reused until a minute before they expire.
- Assignment and Grade Services: a score posted to a line item's ``/scores`` address as
  ``application/vnd.ims.lis.v1.score+json``.
- Names and Role Provisioning Services: a course's membership list, page after page (``Link:
  <...>; rel="next"``).

A platform that cannot be reached, or answers with a server error, "too many requests" or a
timeout, raises :class:`~learning.errors.PlatformUnreachable` (worth trying again later); any
other refusal raises :class:`~learning.errors.LtiError` with what the platform said.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from learning.errors import LtiError, PlatformUnreachable
from learning.lti.keys import ToolKey
from learning.lti.models import MEMBERSHIP_SCOPE, SCORE_SCOPE, SHORT_ROLES, Platform, Presence, role_of

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_PAGES = 200


def scores_url(line_item: str) -> str:
    """The address scores are posted to: the line item's path plus ``/scores``, its query kept."""
    parts = urlsplit(line_item)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score_document(*, user_id: str, given: float, maximum: float, at: datetime) -> dict[str, Any]:
    """The AGS score of a submitted quiz: completed and fully graded, stamped ``at`` (UTC, ISO 8601)."""
    return {
        "userId": user_id,
        "scoreGiven": given,
        "scoreMaximum": maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


class Platforms:
    """The tool's client for platforms' services; tokens are cached per platform and scopes
    (they belong to the tool, not to a person, so one cache serves every request)."""

    def __init__(
        self, key: ToolKey | Callable[[], ToolKey], *, client: httpx.Client | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._key = key  # or how to load it, on the first call to a platform (a server that never calls one makes no key)
        self.client = client or httpx.Client(timeout=15.0, follow_redirects=False)
        self._clock = clock
        self._tokens: dict[tuple[str, str, str], tuple[float, str]] = {}
        self._lock = threading.Lock()

    @property
    def key(self) -> ToolKey:
        """The tool's key, loaded (or made) the first time it is needed."""
        if not isinstance(self._key, ToolKey):
            self._key = self._key()
        return self._key

    def token(self, platform: Platform, scopes: list[str], *, fresh: bool = False) -> str:
        """A bearer token for ``scopes`` from the platform's token endpoint.

        Raises:
            PlatformUnreachable: the token endpoint cannot be reached or failed for now.
            LtiError: the platform refused the tool's credentials.
        """
        cache_key = (platform.issuer, platform.client_id, " ".join(sorted(scopes)))
        now = self._clock()
        with self._lock:
            cached = self._tokens.get(cache_key)
        if cached is not None and cached[0] > now and not fresh:
            return cached[1]
        assertion = self.key.client_assertion(client_id=platform.client_id, audience=platform.token_url, now=now)
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": " ".join(scopes),
        }
        response = self._send("POST", platform.token_url, data=form, headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise LtiError(f"the platform's token endpoint refused the tool ({response.status_code}: {_said(response)})")
        try:
            body = response.json()
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as error:
            raise LtiError("the platform's token endpoint answered without an access token") from error
        with self._lock:
            self._tokens[cache_key] = (now + max(0.0, lifetime - 60), token)
        return token

    def post_score(self, platform: Platform, line_item: str, score: dict[str, Any]) -> None:
        """Post one score to a line item (a token that expired early is renewed once).

        Raises:
            PlatformUnreachable: try again later.
            LtiError: the platform refused the score.
        """
        for fresh in (False, True):
            token = self.token(platform, [SCORE_SCOPE], fresh=fresh)
            response = self._send(
                "POST",
                scores_url(line_item),
                json=score,
                headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE, "Accept": "application/json"},
            )
            if response.status_code == 401 and not fresh:
                continue
            if 200 <= response.status_code < 300:
                return
            raise LtiError(f"the platform refused the score ({response.status_code}: {_said(response)})")

    def members(self, platform: Platform, memberships_url: str) -> list[dict[str, Any]]:
        """Every member of a course (NRPS), following the ``next`` links.

        Raises:
            PlatformUnreachable: try again later.
            LtiError: the platform refused the request or answered something else than a membership list.
        """
        token = self.token(platform, [MEMBERSHIP_SCOPE])
        found: list[dict[str, Any]] = []
        url: str | None = memberships_url
        for _ in range(MAX_PAGES):
            if url is None:
                break
            response = self._send("GET", url, headers={"Authorization": f"Bearer {token}", "Accept": MEMBERSHIP_TYPE})
            if response.status_code != 200:
                raise LtiError(f"the platform refused the roster ({response.status_code}: {_said(response)})")
            try:
                members = response.json()["members"]
            except (ValueError, KeyError, TypeError) as error:
                raise LtiError("the platform's roster is not a membership container") from error
            found.extend(m for m in members if isinstance(m, dict))
            next_link = response.links.get("next", {}).get("url")
            url = str(next_link) if next_link else None
        return found

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise PlatformUnreachable(f"{urlsplit(url).netloc} cannot be reached ({type(error).__name__}: {error})") from error
        if response.status_code in RETRY_STATUSES:
            raise PlatformUnreachable(f"{urlsplit(url).netloc} answered {response.status_code}; trying again later")
        return response

    def close(self) -> None:
        self.client.close()


def member_of(entry: dict[str, Any]) -> tuple[str, Presence, str | None, str | None, bool] | None:
    """One NRPS membership entry as (subject, presence, name, email, active); None without a user id."""
    subject = entry.get("user_id")
    if not isinstance(subject, str) or not subject:
        return None
    roles = [r for r in entry.get("roles", []) if isinstance(r, str)]
    name = entry.get("name") or " ".join(p for p in (entry.get("given_name"), entry.get("family_name")) if isinstance(p, str)) or None
    email = entry.get("email") if isinstance(entry.get("email"), str) else None
    active = entry.get("status", "Active") == "Active"
    return subject, role_of(SHORT_ROLES.get(r, r) for r in roles), name if isinstance(name, str) else None, email, active


def _said(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:200] or response.reason_phrase


__all__ = ["Platforms", "member_of", "score_document", "scores_url"]
