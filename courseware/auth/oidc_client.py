"""The OpenID Connect client of courseware/auth/oidc.py: Authlib's, with this site's checks of the
provider's discovery document and of ID tokens (courseware/auth/id_tokens.py). A module of its own so
that Authlib, joserfc and requests are imported only where OpenID Connect is configured."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from authlib.oidc.core import UserInfo

from courseware.auth.id_tokens import UntrustedToken, validate_id_token

SCOPES = "openid email profile"


class DiscoveryMismatch(Exception):
    """The provider's discovery document names another issuer than the one configured."""


class CompanyClient(FlaskOAuth2App):
    """Authlib's OpenID Connect client, with this site's checks of discovery and of ID tokens."""

    def __init__(self, issuer: str, client_id: str, client_secret: str, clock: Callable[[], int]) -> None:
        super().__init__(FlaskIntegration("company"), name="company", client_id=client_id,
                         client_secret=client_secret,
                         server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
                         client_kwargs={"scope": SCOPES, "code_challenge_method": "S256",
                                        "default_timeout": 10})
        self.issuer = issuer
        self.clock = clock  # oidc.now: the seconds since the epoch tokens are checked against

    def load_server_metadata(self) -> dict:
        metadata = super().load_server_metadata()
        if metadata.get("issuer") != self.issuer:
            self.server_metadata.clear()  # read it again next time: it may be fixed by then
            raise DiscoveryMismatch(metadata.get("issuer"))
        return metadata

    def parse_id_token(self, token: dict, nonce: str, claims_options: Any = None, claims_cls: Any = None,
                       leeway: int = 0) -> UserInfo:
        """Authlib calls this with the token response: the checks are id_tokens.validate_id_token's."""
        def check(keys: dict) -> dict:
            return validate_id_token(token["id_token"], issuer=self.issuer, client_id=str(self.client_id),
                                     nonce=nonce, keys=keys, now=self.clock(),
                                     access_token=token.get("access_token"))
        try:
            return UserInfo(check(self.fetch_jwk_set()))
        except UntrustedToken as error:
            if error.reason != "key":
                raise
            return UserInfo(check(self.fetch_jwk_set(force=True)))  # the provider rotated its keys
