"""ID tokens signed here, with keys of our own published as a fake JWKS: the good one passes, and each
kind of bad one is refused for its own reason, on a fixed clock."""
from __future__ import annotations

import base64
import json

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from courseware.auth.id_tokens import UntrustedToken, validate_id_token

ISSUER = "https://id.example.com"
CLIENT_ID = "courses"
NONCE = "n-0S6_WzA2Mj"
NOW = 1_800_000_000  # a fixed clock: 2027-01-15
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})  # the same key id, another key
JWKS = KeySet([KEY]).as_dict(private=False)


def claims(**changes) -> dict:
    good = {"iss": ISSUER, "sub": "248289761001", "aud": CLIENT_ID, "nonce": NONCE, "iat": NOW - 10,
            "exp": NOW + 300, "email": "wang.lei@example.com", "email_verified": True}
    return {name: value for name, value in {**good, **changes}.items() if value is not None}


def signed(payload: dict, key=KEY, alg: str = "RS256", kid: str | None = "k1") -> str:
    header = {"alg": alg, **({"kid": kid} if kid else {})}
    return jwt.encode(header, payload, key, algorithms=[alg])


def unsigned(payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def check(token: str, **overrides) -> dict:
    options = {"issuer": ISSUER, "client_id": CLIENT_ID, "nonce": NONCE, "keys": JWKS, "now": NOW,
               **overrides}
    return validate_id_token(token, **options)


def test_a_good_token_gives_its_claims():
    assert check(signed(claims()))["email"] == "wang.lei@example.com"
    # Signed by another algorithm of the same family, an audience list naming this site: fine too.
    assert check(signed(claims(aud=[CLIENT_ID]), alg="PS256"))["sub"] == "248289761001"


@pytest.mark.parametrize("token,reason", [
    (signed(claims(iss="https://evil.example.com")), "iss"),
    (signed(claims(aud="another-site")), "aud"),
    (signed(claims(aud=["another-site", CLIENT_ID], azp="another-site")), "azp"),
    (signed(claims(nonce="replayed-from-another-sign-in")), "nonce"),
    (signed(claims(nonce=None)), "nonce"),
    (signed(claims(exp=NOW - 3600, iat=NOW - 7200)), "expired"),
    (signed(claims(), key=OTHER_KEY), "signature"),
    (signed(claims(), kid="k2", key=RSAKey.generate_key(2048, parameters={"kid": "k2"})), "key"),
    (unsigned(claims()), "unsigned"),
    # Signed with the client secret: the site could have made it itself.
    (signed(claims(), key=OctKey.import_key("secret-shared-with-the-provider-0123456789"), alg="HS256",
            kid=None), "algorithm"),
    ("not.a.token", "malformed"),
    (signed(claims(sub=None)), "claims"),
    (signed(claims(exp=None)), "claims"),
], ids=["wrong issuer", "wrong audience", "another authorized party", "wrong nonce", "no nonce", "expired",
        "bad signature", "unknown key", "alg none", "shared-secret signature", "garbage", "no subject",
        "no expiry"])
def test_a_bad_token_is_refused_for_its_reason(token, reason):
    with pytest.raises(UntrustedToken) as refused:
        check(token)
    assert refused.value.reason == reason
    assert refused.value.explanation  # a sentence for the page


def test_the_clock_decides_expiry_with_a_minute_of_leeway():
    token = signed(claims(exp=NOW))
    assert check(token, now=NOW + 59)["sub"]
    with pytest.raises(UntrustedToken, match="expired"):
        check(token, now=NOW + 61)
