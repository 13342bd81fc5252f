"""The tool's own RSA key: made once, kept outside the repository, published as a JWKS.

The private key is a PEM file (``LEARNING_LTI_KEY_PATH``, by default ``lti-tool-key.pem`` in the
app's data folder) written with mode 0600 on first use; every server of one deployment must
share the same file. Its public half is served at ``/lti/jwks`` so platforms can check what the
tool signs: the client assertions that obtain access tokens, and deep linking responses. The
key id is the key's RFC 7638 thumbprint, so it changes only with the key.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from filelock import FileLock
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from learning.errors import LtiError

ALGORITHM = "RS256"
KEY_BITS = 2048


class ToolKey:
    """The tool's signing key: sign JWTs with it, publish its public half."""

    def __init__(self, key: RSAKey) -> None:
        self._key = key
        self.kid = key.thumbprint()

    @classmethod
    def load_or_create(cls, path: Path) -> ToolKey:
        """The key in ``path``, made there (mode 0600) if the file does not exist yet.

        Raises:
            LtiError: the file exists but holds no RSA private key, or cannot be read or written.
        """
        try:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                with FileLock(str(path) + ".lock", timeout=30):  # two servers starting at once make one key
                    if not path.exists():
                        _write_private(path, RSAKey.generate_key(KEY_BITS, private=True).as_pem(private=True))
            pem = path.read_bytes()
        except OSError as error:
            raise LtiError(f"the LTI tool key {path} cannot be read or made ({error})") from error
        try:
            key = RSAKey.import_key(pem)
        except Exception as error:  # joserfc raises several kinds for a file that is not a key
            raise LtiError(f"the LTI tool key {path} is not an RSA private key in PEM form") from error
        if not key.is_private:
            raise LtiError(f"the LTI tool key {path} holds only a public key; it needs the private key")
        return cls(key)

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK, with its key id, algorithm and use."""
        return {**self._key.as_dict(private=False), "kid": self.kid, "alg": ALGORITHM, "use": "sig"}

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set the tool publishes: its one public key."""
        return {"keys": [self.public_jwk()]}

    def sign(self, claims: dict[str, Any]) -> str:
        """A compact JWT of ``claims`` signed with RS256, its header naming the key id."""
        return jwt.encode({"alg": ALGORITHM, "kid": self.kid, "typ": "JWT"}, claims, self._key, algorithms=[ALGORITHM])

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a JWT this key signed (a ticket the tool gave itself), checked for
        signature and expiry.

        Raises:
            LtiError: not signed by this key, or expired.
        """
        try:
            claims = dict(jwt.decode(token, self._key, algorithms=[ALGORITHM]).claims)
        except (JoseError, ValueError) as error:
            raise LtiError("this form was not made by this app (its signature does not match)") from error
        if not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
            raise LtiError("this form has expired; open the link in the LMS again")
        return claims

    def client_assertion(self, *, client_id: str, audience: str, now: float | None = None) -> str:
        """The JWT a tool presents to a platform's token endpoint (RFC 7523): issued by and about
        the client id, for the token URL, valid five minutes, with a unique ``jti``."""
        issued = int(now if now is not None else time.time())
        claims = {"iss": client_id, "sub": client_id, "aud": audience, "iat": issued, "exp": issued + 300, "jti": secrets.token_urlsafe(24)}
        return self.sign(claims)


def _write_private(path: Path, pem: bytes) -> None:
    """Write ``pem`` so that only the app's user can read it: created with mode 0600 (never
    world-readable, not even for a moment), then moved into place."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


__all__ = ["ALGORITHM", "ToolKey"]
