"""Checking an OpenID Connect ID token before anyone is signed in with it (OpenID Connect Core 1.0,
3.1.3.7): signed with one of the provider's published keys by an asymmetric algorithm (never `none`,
never a shared secret), issued by the configured issuer, for this site's client id, for this sign-in
(the nonce), and not expired. Anything else is an `UntrustedToken` that says, in words, which check
failed; nothing about the token is trusted before all of them pass.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from authlib.oidc.core import CodeIDToken
from flask_babel import lazy_gettext as _l
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry, extract_compact

# Signatures made with the provider's private key. HS256 and its kin would be checked with the client
# secret, which this site shares with the provider: a token it could forge itself proves nothing.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
              "Ed25519")
LEEWAY_SECONDS = 60  # clock difference allowed with the provider

# Why a token was refused, by the claim or check that failed; each completes the sentence "The
# company's sign-in service sent an identity token that …".
REASONS = {
    "unsigned": _l("is not signed"),
    "algorithm": _l("is signed in a way this site does not accept"),
    "signature": _l("does not carry a valid signature of the company's sign-in service"),
    "key": _l("is signed with a key the company's sign-in service does not publish"),
    "malformed": _l("cannot be read"),
    "iss": _l("was issued by another service than the one this site trusts"),
    "aud": _l("is meant for another site"),
    "azp": _l("is meant for another site"),
    "nonce": _l("belongs to another sign-in (it may have been replayed)"),
    "expired": _l("has expired"),
    "claims": _l("lacks what an identity token must say"),
}


class UntrustedToken(Exception):
    """The ID token failed a check; `reason` is a key of REASONS."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason if reason in REASONS else "claims"

    @property
    def explanation(self) -> str:
        return str(REASONS[self.reason])


def validate_id_token(raw: str, *, issuer: str, client_id: str, nonce: str, keys: Mapping[str, Any],
                      now: int, access_token: str | None = None) -> dict[str, Any]:
    """The token's claims once every check passed, else UntrustedToken. `keys` is the provider's JWKS;
    `now` the time in seconds since the epoch."""
    try:
        algorithm = str(extract_compact(raw.encode()).headers().get("alg", ""))
    except (JoseError, ValueError, UnicodeError):
        raise UntrustedToken("malformed") from None
    if algorithm.lower() == "none":
        raise UntrustedToken("unsigned")
    if algorithm not in ALGORITHMS:
        raise UntrustedToken("algorithm")
    try:
        token = jwt.decode(raw, KeySet.import_key_set(cast(Any, dict(keys))),
                           registry=JWSRegistry(algorithms=ALGORITHMS))
    except InvalidKeyIdError:
        raise UntrustedToken("key") from None
    except BadSignatureError:
        raise UntrustedToken("signature") from None
    except (JoseError, ValueError):
        raise UntrustedToken("malformed") from None
    claims = CodeIDToken(token.claims, token.header,
                         {"iss": {"essential": True, "value": issuer},
                          "aud": {"essential": True, "value": client_id}},
                         {"nonce": nonce, "client_id": client_id, "access_token": access_token})
    try:
        claims.validate(now=now, leeway=LEEWAY_SECONDS)
    except ExpiredTokenError:
        raise UntrustedToken("expired") from None
    except ClaimError as error:
        raise UntrustedToken(error.claim if error.claim in REASONS else "claims") from None
    return dict(claims)
