"""Sign-in with WeCom (企业微信), DingTalk (钉钉) or Feishu (飞书): /login/<platform> sends the browser to
the platform's sign-in page with a state bound to this session (single use), /login/<platform>/callback
takes the code back, the platform's API (services/people/platforms) says who signed in, and
services/people/sso.py says which person here that is (provider: the platform; subject: the person's
user id there, the same id the directory sync links). The session is then started as for a password.

A platform is on when its settings are set (services/people/platforms.REQUIRED); both routes are a
404 otherwise. Every failure is a page that says what went wrong (400 for a stale or forged return,
401 for a refused or cancelled sign-in, 403 for someone with no account here or not in the company,
503 when the platform cannot be reached), never a 500; every sign-in, link and failure is audited
with the platform.
"""
from __future__ import annotations

import hmac
import logging
import secrets

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from courseware.auth.session import safe_next, start_signed_in_session
from courseware.extensions import db, limiter
from courseware.models import User
from courseware.services.ops import audit
from courseware.services.people import platforms, sso

log = logging.getLogger(__name__)
bp = Blueprint("platforms", __name__, url_prefix="/login")
EXTENSION = "courseware.platforms"
PENDING = "platform_signin"  # {platform, state, next}: the sign-in under way, kept in the session


def buttons() -> list[tuple[str, str]]:
    """The sign-in page's buttons: (platform, label) for each configured platform."""
    return [(name, _("Sign in with %(platform)s", platform=platforms.display_name(name)))
            for name in platforms.configured(current_app.config)]


def _client(platform: str) -> platforms.Client:
    """The platform's client, kept per process so that its app access token is reused; 404 when the
    platform is unknown or not configured."""
    if platform not in platforms.configured(current_app.config):
        abort(404)
    settings = tuple(str(current_app.config.get(key, "")) for key in sorted(current_app.config)
                     if key.startswith(platform.upper() + "_"))
    clients = current_app.extensions.setdefault(EXTENSION, {})
    if clients.get(platform, (None,))[0] != settings:
        clients[platform] = (settings, platforms.client(platform, current_app.config))
    return clients[platform][1]


def _callback_url(platform: str) -> str:
    return current_app.config["SITE_URL"] + url_for("platforms.callback", platform=platform)


@bp.get("/<platform>")
@limiter.limit("30 per minute")
def login(platform: str) -> ResponseReturnValue:
    api = _client(platform)
    state = secrets.token_urlsafe(32)
    session[PENDING] = {"platform": platform, "state": state, "next": safe_next(request.args.get("next"))}
    return redirect(api.authorize_url(_callback_url(platform), state))


@bp.get("/<platform>/callback")
@limiter.limit("30 per minute")
def callback(platform: str) -> ResponseReturnValue:
    api = _client(platform)
    pending = session.pop(PENDING, None) or {}
    state = request.args.get("state", "")
    if pending.get("platform") != platform or not hmac.compare_digest(str(pending.get("state", "")).encode(),
                                                                      state.encode()):
        return _failed(platform, 400, _("This sign-in was already used, has expired, or did not start here. "
                                        "Start again from the sign-in page."), "state mismatch")
    code = request.args.get("code") or request.args.get("authCode")
    if not code:
        return _failed(platform, 401, _("The sign-in was cancelled at %(platform)s.",
                                        platform=platforms.display_name(platform)),
                       f"no code: {request.args.get('error', '-')[:60]}")
    try:
        user, how = _sign_in(api, code, _callback_url(platform))
    except _Failed as failure:
        return _failed(platform, failure.status, failure.message, failure.reason, failure.who)
    target = safe_next(pending.get("next"))
    start_signed_in_session(user, remember=False)
    audit.record(db.session, "login", actor=user, target=user.username, details=f"via {platform}; {how}",
                 commit=True)
    return redirect(target)


class _Failed(Exception):
    def __init__(self, status: int, message: str, reason: str, who: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.reason, self.who = status, message, reason, who


def _sign_in(api: platforms.Client, code: str, redirect_uri: str) -> tuple[User, str]:
    """Who the code says signed in at the platform, and the person here they sign in as; _Failed with
    the page's status and message otherwise."""
    name = platforms.display_name(api.provider)
    identity = None
    try:
        identity = api.identity(code, redirect_uri)
        return sso.sign_in(db.session, identity, create_accounts=current_app.config["SSO_CREATE_ACCOUNTS"])
    except platforms.NotAMember as error:
        raise _Failed(403, _("You signed in at %(platform)s with an account that is not a member of the "
                             "company's organization there.", platform=name),
                      f"not a member: {error.code}") from error
    except platforms.PlatformUnreachable as error:
        log.warning("%s unreachable: %s", api.provider, error)
        raise _Failed(503, _("%(platform)s cannot be reached just now. Try again in a moment.",
                             platform=name),
                      f"unreachable: {error.detail}") from error
    except platforms.PlatformError as error:
        log.warning("%s refused the sign-in: %s", api.provider, error)
        raise _Failed(401, _("%(platform)s refused the sign-in (error %(code)s: %(detail)s). Start again "
                             "from the sign-in page.", platform=name, code=error.code,
                             detail=error.detail or "-"),
                      f"error {error.code} at {error.endpoint}") from error
    except (AttributeError, KeyError, TypeError, ValueError) as error:  # not the documented shape
        log.exception("%s answered in an unexpected shape", api.provider)
        raise _Failed(503, _("%(platform)s cannot be reached just now. Try again in a moment.",
                             platform=name), f"unexpected answer: {type(error).__name__}") from error
    except sso.SignInRefused as error:
        who = identity and (identity.username or identity.subject)
        raise _Failed(403, str(error), error.reason, who or None) from error


def _failed(platform: str, status: int, message: str, reason: str,
            who: str | None = None) -> ResponseReturnValue:
    db.session.rollback()
    audit.record(db.session, "login.failed", actor_name=who or "-", target=who or "-",
                 details=f"via {platform}; {reason}"[:500], commit=True)
    return render_template("auth/sign_in_failed.html", message=message, status=status,
                           retry_url=url_for("platforms.login", platform=platform)), status
