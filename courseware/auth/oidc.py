"""Sign-in with the company's accounts through OpenID Connect (Authlib): /auth/oidc/login sends the
browser to the identity provider (authorization code with PKCE, state and nonce kept in the session),
/auth/oidc/callback takes the code back, exchanges it for tokens, checks the ID token
(courseware/auth/id_tokens.py) and signs the person in the way a password does (auth/views.py), after
services/people/sso.py found who they are. On when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET
are set; both routes are a 404 otherwise.

Every failure is a page that says what went wrong (400 for a stale or forged return, 401 for a refused
or untrustworthy sign-in, 403 for an identity with no account here, 503 when the provider cannot be
reached), never a 500; every sign-in, link and failure is audited with the provider.
"""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.auth.session import safe_next, start_signed_in_session
from courseware.extensions import db, limiter
from courseware.services.ops import audit
from courseware.services.people import platforms, sso

if TYPE_CHECKING:
    from authlib.integrations.base_client import OAuthError

    from courseware.auth.oidc_client import CompanyClient

log = logging.getLogger(__name__)
bp = Blueprint("oidc", __name__, url_prefix="/auth/oidc")
EXTENSION = "courseware.oidc"
NEXT = "oidc_next"  # where to go after signing in, kept in the session across the round trip


def now() -> int:
    """The clock ID tokens are checked against (tests fix it), in seconds since the epoch."""
    return int(time.time())


def init_app(app: Flask) -> None:
    """The client, when the three settings are there (discovery waits for the first sign-in)."""
    config = app.config
    if config["OIDC_ISSUER"] and config["OIDC_CLIENT_ID"] and config["OIDC_CLIENT_SECRET"]:
        # Authlib, joserfc and requests are imported only here: a site without OpenID Connect (and
        # its web workers' memory) does without them.
        from courseware.auth.oidc_client import CompanyClient

        app.extensions[EXTENSION] = CompanyClient(config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"],
                                                  config["OIDC_CLIENT_SECRET"], clock=lambda: now())
    if not config["PASSWORD_SIGNIN"] and EXTENSION not in app.extensions and not platforms.configured(config):
        log.warning("PASSWORD_SIGNIN=0 without OpenID Connect, WeCom, DingTalk or Feishu settings: only %s "
                    "can sign in",
                    config["BREAK_GLASS_USERNAME"] or "nobody")


def button_label() -> str | None:
    """The sign-in page's button, or None when sign-in with the company's accounts is not set up."""
    if EXTENSION not in current_app.extensions:
        return None
    return current_app.config["OIDC_BUTTON_LABEL"] or _("Sign in with your company account")


def _client() -> CompanyClient:
    client = current_app.extensions.get(EXTENSION)
    if client is None:
        abort(404)
    return client


@bp.get("/login")
@limiter.limit("30 per minute")
def login() -> ResponseReturnValue:
    """To the provider's sign-in page; someone signed in already is asked to sign in there again (to
    confirm who they are before a sensitive action)."""
    client = _client()
    import requests

    from courseware.auth.oidc_client import DiscoveryMismatch

    session[NEXT] = safe_next(request.args.get("next"))
    extra = {"prompt": "login"} if current_user.is_authenticated else {}
    try:
        return client.authorize_redirect(current_app.config["SITE_URL"] + url_for("oidc.callback"), **extra)
    except (requests.RequestException, ValueError, DiscoveryMismatch) as error:
        log.warning("OpenID provider unusable: %r", error)
        return _failed(503, _("The company's sign-in service cannot be reached just now. Try again in a "
                              "moment."), f"provider unreachable: {type(error).__name__}")


@bp.get("/callback")
@limiter.limit("30 per minute")
def callback() -> ResponseReturnValue:
    client = _client()
    import requests
    from authlib.integrations.base_client import OAuthError

    from courseware.auth.id_tokens import UntrustedToken
    from courseware.auth.oidc_client import DiscoveryMismatch

    identity = None
    try:
        if request.args.get("iss", client.issuer) != client.issuer:  # RFC 9207: another provider's answer
            raise OAuthError(error="issuer_mismatch")
        token = client.authorize_access_token()
        if "userinfo" not in token:
            raise UntrustedToken("claims")
        identity = _identity(client, token)
        user, how = sso.sign_in(db.session, identity,
                                create_accounts=current_app.config["SSO_CREATE_ACCOUNTS"])
    except OAuthError as error:
        return _refused_by_provider(error)
    except UntrustedToken as error:
        return _failed(401, _("The company's sign-in service sent an identity token that %(reason)s. "
                              "Nobody was signed in.", reason=error.explanation), f"token {error.reason}")
    except sso.SignInRefused as error:
        who = identity and (identity.email or identity.username or identity.subject)
        return _failed(403, str(error), error.reason, who=who or None)
    except (requests.RequestException, ValueError, DiscoveryMismatch) as error:
        log.warning("OpenID provider unusable: %r", error)
        return _failed(503, _("The company's sign-in service cannot be reached just now. Try again in a "
                              "moment."), f"provider unreachable: {type(error).__name__}")
    target = safe_next(session.get(NEXT))
    start_signed_in_session(user, remember=False)
    audit.record(db.session, "login", actor=user, target=user.username,
                 details=f"via {client.issuer}; {how}", commit=True)
    return redirect(target)


def _identity(client: CompanyClient, token: dict) -> sso.Identity:
    """Who the checked ID token says signed in; the provider's user info fills in an e-mail address or
    username the token leaves out (the same subject's, or nothing is taken from it)."""
    claims = dict(token["userinfo"])
    if not (claims.get("email") and claims.get("preferred_username")) and client.load_server_metadata().get(
            "userinfo_endpoint"):
        extra = client.userinfo(token=token)
        if extra.get("sub") == claims["sub"]:
            claims = {**extra, **claims}
    return sso.Identity(provider=client.issuer, subject=str(claims["sub"]), email=claims.get("email"),
                        email_verified=claims.get("email_verified") is True,
                        username=claims.get("preferred_username"), full_name=claims.get("name"))


def _refused_by_provider(error: OAuthError) -> ResponseReturnValue:
    if error.error in ("mismatching_state", "issuer_mismatch"):
        return _failed(400, _("This sign-in was already used, has expired, or did not start here. Start "
                              "again from the sign-in page."), error.error)
    if error.error == "access_denied":
        return _failed(401, _("The sign-in was cancelled at the company's sign-in service."), error.error)
    return _failed(401, _("The company's sign-in service refused the sign-in (%(error)s).",
                          error=error.error or "?"), str(error.error))


def _failed(status: int, message: str, reason: str, who: str | None = None) -> ResponseReturnValue:
    db.session.rollback()
    issuer = current_app.config["OIDC_ISSUER"]
    audit.record(db.session, "login.failed", actor_name=who or "-", target=who or "-",
                 details=f"via {issuer}; {reason}", commit=True)
    return render_template("auth/sign_in_failed.html", message=message, status=status), status
