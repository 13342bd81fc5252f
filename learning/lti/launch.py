"""The two steps of an LTI 1.3 launch (OpenID Connect third-party initiated login): the login
initiation that sends the browser to the platform with a state and a nonce, and the checks of
the id_token the platform posts back.

The id_token is trusted only when every check passes: signed with RS256 by a key of the
platform's published key set (looked up by ``kid``), issued by the platform the login was
started for, meant for this tool (``aud`` holds its client id; with several audiences ``azp``
must be the client id), from a deployment registered for it, not expired (a minute's leeway for
clocks), carrying the nonce this login made, and of a message type the tool handles. Each
failure raises :class:`~learning.errors.LaunchRefused` with a sentence for the refusal page.
Whether the state and its nonce were already used is the store's to say (it records each once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import KeySet, RSAKey

from learning.errors import LaunchRefused
from learning.lti.models import (
    AGS_ENDPOINT,
    CONTEXT,
    CUSTOM,
    DEEP_LINKING_REQUEST,
    DEEP_LINKING_SETTINGS,
    DEPLOYMENT_ID,
    LAUNCH_PRESENTATION,
    MESSAGE_TYPE,
    NRPS,
    RESOURCE_LINK,
    RESOURCE_LINK_REQUEST,
    ROLES,
    VERSION,
    Launch,
    LineItemClaim,
    Platform,
    custom_of,
)

ALGORITHM = "RS256"
LEEWAY_SECONDS = 60
"""How far the platform's clock may be from ours when checking ``exp`` and ``iat``."""
KEYSET_TTL_SECONDS = 3600
KEYSET_REFRESH_SECONDS = 60
"""An unknown ``kid`` fetches the key set again, but not more often than this (a platform that
rotated its key is picked up at once; a flood of forged key ids costs one fetch a minute)."""
MAX_KEYSET_BYTES = 1_000_000
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)


def login_redirect(platform: Platform, *, redirect_uri: str, login_hint: str, message_hint: str | None, state: str, nonce: str) -> str:
    """The platform's authentication address with the OIDC parameters of an LTI launch (the
    auth endpoint's own query string is kept)."""
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if message_hint:
        params["lti_message_hint"] = message_hint
    parts = urlsplit(platform.auth_login_url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit(parts._replace(query=query))


class KeySets:
    """Platforms' public key sets, fetched with httpx and kept for an hour (shared by every
    request of the process: they are public keys, the same for everyone)."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        ttl: float = KEYSET_TTL_SECONDS,
        refresh: float = KEYSET_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client or httpx.Client(timeout=10.0, follow_redirects=False)
        self._ttl = ttl
        self._refresh = refresh
        self._clock = clock
        self._cached: dict[str, tuple[float, dict[str, RSAKey]]] = {}
        self._lock = threading.Lock()

    def key(self, url: str, kid: str) -> RSAKey:
        """The RSA key ``kid`` of the key set at ``url``.

        Raises:
            LaunchRefused: the key set cannot be fetched or read, or has no RSA key ``kid``.
        """
        with self._lock:
            cached = self._cached.get(url)
        now = self._clock()
        if cached is not None and kid in cached[1] and now - cached[0] < self._ttl:
            return cached[1][kid]
        if cached is None or now - cached[0] >= self._refresh:
            keys = self._fetch(url)
            with self._lock:
                self._cached[url] = (now, keys)
            cached = (now, keys)
        if kid not in cached[1]:
            raise LaunchRefused(
                f"the platform signed this launch with a key (kid {kid!r}) that its key set at {url} does not have", reason="key"
            )
        return cached[1][kid]

    def _fetch(self, url: str) -> dict[str, RSAKey]:
        try:
            response = self._client.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise LaunchRefused(f"the platform's key set at {url} could not be fetched ({error})", reason="keyset", status=502) from error
        if response.status_code != 200 or len(response.content) > MAX_KEYSET_BYTES:
            raise LaunchRefused(f"the platform's key set at {url} answered {response.status_code}", reason="keyset", status=502)
        try:
            document = response.json()
            found = KeySet.import_key_set({"keys": [k for k in document["keys"] if k.get("kty") == "RSA" and k.get("kid")]})
        except (ValueError, KeyError, TypeError, AttributeError, JoseError) as error:
            raise LaunchRefused(f"the platform's key set at {url} is not a JSON Web Key Set", reason="keyset", status=502) from error
        return {str(k.kid): k for k in found.keys if isinstance(k, RSAKey)}


def unverified_header(token: str) -> dict[str, Any]:
    """The id_token's header, read without checking anything (to find its key).

    Raises:
        LaunchRefused: the text is not a signed JWT.
    """
    try:
        return dict(jws.extract_compact(token.encode("ascii")).headers())
    except (JoseError, ValueError, UnicodeError) as error:
        raise LaunchRefused("the launch's id_token is not a signed JSON Web Token", reason="malformed", status=400) from error


def verify_id_token(token: str, *, platform: Platform, nonce: str, keys: KeySets, now: datetime, leeway: int = LEEWAY_SECONDS) -> Launch:
    """Check a launch's id_token against ``platform`` and the ``nonce`` its login made, and
    return what it says. Every check is the LTI 1.3 Core and Security Framework's; see the module.

    Raises:
        LaunchRefused: the first check that fails, in words.
    """
    header = unverified_header(token)
    if header.get("alg") != ALGORITHM:
        raise LaunchRefused(f"the launch is signed with {header.get('alg')!r}; this tool accepts only RS256", reason="algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise LaunchRefused("the launch's id_token does not name its signing key (no kid in its header)", reason="key")
    key = keys.key(platform.keyset_url, kid)
    try:
        claims = dict(jwt.decode(token, key, algorithms=[ALGORITHM]).claims)
    except BadSignatureError as error:
        raise LaunchRefused(
            "the launch's signature does not match the platform's key: it was not signed by the platform", reason="signature"
        ) from error
    except (JoseError, ValueError) as error:
        raise LaunchRefused("the launch's id_token cannot be read", reason="malformed", status=400) from error
    return launch_of(claims, platform=platform, nonce=nonce, now=now, leeway=leeway)


def launch_of(claims: dict[str, Any], *, platform: Platform, nonce: str, now: datetime, leeway: int = LEEWAY_SECONDS) -> Launch:
    """The claims of an id_token whose signature was checked, checked in turn (pure: no I/O)."""
    if claims.get("iss") != platform.issuer:
        raise LaunchRefused(
            f"the launch comes from {claims.get('iss')!r}, not from the platform {platform.issuer!r} that started it", reason="issuer"
        )
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if platform.client_id not in audiences:
        raise LaunchRefused(
            f"the launch is meant for another tool (its audience is {audience!r}, this tool's client id is {platform.client_id!r})",
            reason="audience",
        )
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != platform.client_id:
        raise LaunchRefused("the launch names several audiences but its authorized party (azp) is not this tool", reason="audience")
    moment = now.timestamp()
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or not isinstance(issued, int | float):
        raise LaunchRefused("the launch's id_token has no expiry or issue time", reason="malformed", status=400)
    if expires < moment - leeway:
        raise LaunchRefused("the launch has expired: the LMS signed it too long ago; go back and open the link again", reason="expired")
    if issued > moment + leeway:
        raise LaunchRefused("the launch was issued in the future: the LMS's clock or this server's is wrong", reason="expired")
    if claims.get("nonce") != nonce:
        raise LaunchRefused("the launch does not carry the one-time nonce its sign-in made: it may be replayed", reason="replayed")
    deployment = claims.get(DEPLOYMENT_ID)
    if deployment not in platform.deployment_ids:
        raise LaunchRefused(
            f"the deployment {deployment!r} is not registered for {platform.issuer} "
            "(add it with python -m learning lti add-platform ... --deployment-id)",
            reason="deployment",
        )
    message_type = claims.get(MESSAGE_TYPE)
    if message_type not in MESSAGE_TYPES:
        raise LaunchRefused(f"this tool does not handle {message_type!r} messages", reason="message_type", status=400)
    if claims.get(VERSION) != "1.3.0":
        raise LaunchRefused(f"this tool speaks LTI 1.3.0, not {claims.get(VERSION)!r}", reason="version", status=400)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise LaunchRefused(
            "the launch does not say who the person is (anonymous launches are not supported)", reason="anonymous", status=400
        )
    roles = claims.get(ROLES)
    if not isinstance(roles, list):
        raise LaunchRefused("the launch has no roles claim", reason="malformed", status=400)
    link = _object(claims.get(RESOURCE_LINK))
    if message_type == RESOURCE_LINK_REQUEST and not isinstance(link.get("id"), str):
        raise LaunchRefused("the launch has no resource link id", reason="malformed", status=400)
    context = _object(claims.get(CONTEXT))
    ags = _object(claims.get(AGS_ENDPOINT))
    nrps = _object(claims.get(NRPS))
    deep = _object(claims.get(DEEP_LINKING_SETTINGS))
    if message_type == DEEP_LINKING_REQUEST and not isinstance(deep.get("deep_link_return_url"), str):
        raise LaunchRefused("the deep linking request has no return address", reason="malformed", status=400)
    return Launch(
        platform=platform,
        deployment_id=str(deployment),
        message_type=str(message_type),
        subject=subject,
        name=_text(claims.get("name")),
        given_name=_text(claims.get("given_name")),
        family_name=_text(claims.get("family_name")),
        email=_text(claims.get("email")),
        roles=tuple(r for r in roles if isinstance(r, str)),
        context_id=_text(context.get("id")),
        context_title=_text(context.get("title")) or _text(context.get("label")),
        resource_link_id=_text(link.get("id")),
        resource_link_title=_text(link.get("title")),
        custom=custom_of(claims.get(CUSTOM)),
        ags=LineItemClaim.model_validate(ags) if ags else None,
        memberships_url=_text(nrps.get("context_memberships_url")),
        document_target=_text(_object(claims.get(LAUNCH_PRESENTATION)).get("document_target")),
        deep_link_return_url=_text(deep.get("deep_link_return_url")),
        deep_link_data=_text(deep.get("data")),
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


__all__ = ["KeySets", "launch_of", "login_redirect", "unverified_header", "verify_id_token"]
