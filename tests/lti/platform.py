"""A small LTI 1.3 platform, written from the IMS specifications, served on 127.0.0.1 for the tests.

It signs id_tokens with its own RSA key and serves its key set; its OAuth 2 token endpoint
checks the tool's client assertion against the tool's own key set (fetched from the tool's
``/lti/jwks``); a line item's score endpoint records what it is sent; a membership endpoint
lists a course's roster over two pages. ``down`` makes every endpoint answer 503.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PORTS = range(8671, 8680)
CLIENT_ID = "tool-client-1"
DEPLOYMENT = "deployment-1"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER = MEMBERSHIP + "Learner"
INSTRUCTOR = MEMBERSHIP + "Instructor"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a port in TIME_WAIT is free
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8671-8679 for the test platform")


class TestPlatform:
    """The platform: its people, one course, its links, and what it received."""

    __test__ = False

    def __init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, private=True, parameters={"kid": "platform-key-1"})
        self.app = Starlette(
            routes=[
                Route("/jwks", self._jwks),
                Route("/token", self._token, methods=["POST"]),
                Route("/lineitems/{item}/lineitem/scores", self._score, methods=["POST"]),
                Route("/memberships", self._memberships),
            ]
        )
        self._server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self.reset(lambda: {"keys": []})

    def reset(self, tool_jwks: Callable[[], dict[str, Any]]) -> None:
        """Forget every post and token, and take the tool's key set from ``tool_jwks`` (one test's tool)."""
        self.tool_jwks = tool_jwks
        self.down = False
        self.scores: list[dict[str, Any]] = []
        self.score_paths: list[str] = []
        self.tokens: dict[str, list[str]] = {}
        self.token_requests = 0
        self.seen_jti: set[str] = set()
        self.people = {
            "ana": {"sub": "u-ana", "name": "Ana Lopez", "email": "ana@school.example", "roles": [LEARNER]},
            "ben": {"sub": "u-ben", "name": "Ben Okafor", "email": "ben@school.example", "roles": [LEARNER]},
            "mia": {"sub": "u-mia", "name": "Mia Chen", "email": "mia@school.example", "roles": [INSTRUCTOR]},
        }
        self.roster = [
            {"user_id": "u-ana", "name": "Ana Lopez", "roles": [LEARNER], "status": "Active"},
            {"user_id": "u-cai", "name": "Cai Wu", "email": "cai@school.example", "roles": ["Learner"]},
            {"user_id": "u-dee", "given_name": "Dee", "family_name": "Ross", "roles": [LEARNER]},
            {"user_id": "u-eve", "name": "Eve Left", "roles": [LEARNER], "status": "Inactive"},
            {"user_id": "u-mia", "name": "Mia Chen", "roles": [INSTRUCTOR]},
        ]
        self.links = {
            "quiz-link": {"id": "rl-quiz", "title": "Goals practice", "custom": {"quiz": "goals-practice"}, "lineitem": "7"},
            "lesson-link": {"id": "rl-lesson", "title": "Goals", "custom": {"lesson": "goals"}},
            "plain-link": {"id": "rl-plain", "title": "The module", "custom": {}},
        }

    # --- running ----------------------------------------------------------------------------

    def start(self) -> TestPlatform:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test platform did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    @property
    def registration(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "deployment_ids": (DEPLOYMENT,),
            "auth_login_url": f"{self.issuer}/auth?tenant=1",
            "token_url": f"{self.issuer}/token",
            "keyset_url": f"{self.issuer}/jwks",
        }

    def line_item_url(self, item: str) -> str:
        return f"{self.issuer}/lineitems/{item}/lineitem?type_id=3"

    # --- the OIDC authentication endpoint (called by the test as the browser would) -----------

    def authenticate(self, auth_request: str, **changes: Any) -> dict[str, str]:
        """What the platform's auth endpoint posts back to the tool for ``auth_request`` (the
        tool's redirect): ``id_token`` and ``state``. ``changes`` alter the claims (``key`` signs
        with another key, ``header`` changes the header, ``drop`` removes claims)."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(auth_request).query).items()}
        assert query["tenant"] == "1"  # the auth endpoint's own query string was kept
        assert query["scope"] == "openid" and query["response_type"] == "id_token"
        assert query["response_mode"] == "form_post" and query["prompt"] == "none"
        assert query["client_id"] == CLIENT_ID
        person = self.people[query["login_hint"]]
        link = self.links.get(query.get("lti_message_hint", ""), self.links["plain-link"])
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": person["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": query["nonce"],
            "name": person["name"],
            "email": person["email"],
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": DEPLOYMENT,
            LTI + "target_link_uri": query["redirect_uri"],
            LTI + "roles": person["roles"],
            LTI + "context": {"id": "course-1", "label": "MT101", "title": "Massage 101"},
            LTI + "resource_link": {"id": link["id"], "title": link["title"]},
            LTI + "custom": link["custom"],
            LTI + "launch_presentation": {"document_target": "iframe"},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.issuer}/memberships",
                "service_versions": ["2.0"],
            },
        }
        if "lineitem" in link:
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": [SCORE_SCOPE, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"],
                "lineitems": f"{self.issuer}/lineitems?type_id=3",
                "lineitem": self.line_item_url(link["lineitem"]),
            }
        key = changes.pop("key", self.key)
        header = {"alg": "RS256", "kid": "platform-key-1", **changes.pop("header", {})}
        for name in changes.pop("drop", ()):
            claims.pop(name, None)
        claims.update(changes)
        return {"id_token": jwt.encode(header, claims, key, algorithms=[header["alg"]]), "state": query["state"]}

    # --- services ---------------------------------------------------------------------------

    async def _jwks(self, request: Request) -> Response:
        if self.down:
            return Response(status_code=503)
        return JSONResponse({"keys": [{**self.key.as_dict(private=False), "kid": "platform-key-1", "alg": "RS256", "use": "sig"}]})

    async def _token(self, request: Request) -> Response:
        self.token_requests += 1
        if self.down:
            return Response(status_code=503)
        form = dict(await request.form())
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        tool_keys = KeySet.import_key_set(self.tool_jwks())
        try:
            claims = jwt.decode(str(form["client_assertion"]), tool_keys, algorithms=["RS256"]).claims
        except Exception:
            return JSONResponse({"error": "invalid_client", "error_description": "bad signature"}, status_code=401)
        now = time.time()
        if (
            claims.get("iss") != CLIENT_ID
            or claims.get("sub") != CLIENT_ID
            or claims.get("aud") != f"{self.issuer}/token"
            or claims.get("exp", 0) < now
            or claims.get("jti") in self.seen_jti
        ):
            return JSONResponse({"error": "invalid_client", "error_description": "bad assertion"}, status_code=401)
        self.seen_jti.add(claims["jti"])
        token = secrets.token_urlsafe(16)
        self.tokens[token] = str(form.get("scope", "")).split()
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": form.get("scope", "")})

    def _scopes(self, request: Request) -> list[str]:
        auth = request.headers.get("authorization", "")
        return self.tokens.get(auth.removeprefix("Bearer "), []) if auth.startswith("Bearer ") else []

    async def _score(self, request: Request) -> Response:
        if self.down:
            return Response(status_code=503)
        if SCORE_SCOPE not in self._scopes(request):
            return Response(status_code=401)
        if request.headers.get("content-type") != "application/vnd.ims.lis.v1.score+json":
            return Response(status_code=415)
        self.scores.append(await request.json())
        self.score_paths.append(f"{request.url.path}?{request.url.query}")
        return Response(status_code=204)

    async def _memberships(self, request: Request) -> Response:
        if self.down:
            return Response(status_code=503)
        if MEMBERSHIP_SCOPE not in self._scopes(request):
            return Response(status_code=401)
        page = int(request.query_params.get("page", "1"))
        members = self.roster[:3] if page == 1 else self.roster[3:]
        headers = {"Link": f'<{self.issuer}/memberships?page=2>; rel="next"'} if page == 1 else {}
        body = {"id": f"{self.issuer}/memberships", "context": {"id": "course-1"}, "members": members}
        return JSONResponse(body, headers=headers, media_type="application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
