"""One-time passwords: what HR gives a person for their first sign-in or after a reset.

HR never holds a working password for long: a one-time password signs in only within
`LIFETIME` (72 hours) of being issued, and a session signed in with it can do nothing but choose the
person's own password (`courseware/auth/session.py` keeps it to that page). Once the person has
chosen, the one-time password is gone (the hash is replaced). Every step is audited: issued (by
whom), used, changed, refused as expired. Signing in with the company's accounts (OIDC) is not
affected.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from courseware.models import User
from courseware.models._time import utcnow
from courseware.services.errors import ValidationError
from courseware.services.ops import audit
from courseware.services.people.passwords import check_new_password

LIFETIME = timedelta(hours=72)


class OneTimePasswordExpired(ValidationError):
    """The right one-time password, past its lifetime: only someone who knows it learns this."""

    def __init__(self) -> None:
        super().__init__(_("This one-time password has expired; ask HR for a new one."), field="password")


def issue(session: Session, actor: User | None, user: User, password: str, audited: bool = True) -> datetime:
    """Give the person `password` as a one-time password until the returned moment (UTC); audited as
    issued by `actor` (None: from the command line) unless the caller audits it (an import's one
    event names everyone). The caller commits."""
    expires = utcnow() + LIFETIME
    user.set_password(password)  # rotates the session token: the person's sessions end
    user.password_is_temporary = True
    user.password_expires_at = expires
    if audited:
        audit.record(session, "account.one_time_password", actor=actor, actor_name=None if actor else "cli",
                     target=user.username, details=f"expires {expires:%Y-%m-%d %H:%M} UTC")
    return expires


def must_choose(user: User) -> bool:
    """Whether the person's password is a one-time one (their own is still to be chosen)."""
    return bool(user.password_is_temporary)


def expired(user: User) -> bool:
    return bool(user.password_is_temporary) and (
        user.password_expires_at is None or user.password_expires_at <= utcnow())


def refuse_if_expired(session: Session, user: User) -> None:
    """Called once the password matched: an expired one-time password is refused (and audited)."""
    if expired(user):
        audit.record(session, "login.one_time_password_expired", actor=user, target=user.username,
                     commit=True)
        raise OneTimePasswordExpired()


def record_use(session: Session, user: User) -> None:
    """The person signed in with their one-time password; the caller commits."""
    audit.record(session, "login.one_time_password", actor=user, target=user.username,
                 details=f"expires {user.password_expires_at:%Y-%m-%d %H:%M} UTC")


def cleared(user: User) -> None:
    """The password is the person's own now (they chose it); the caller audits and commits."""
    user.password_is_temporary = False
    user.password_expires_at = None


def choose_own(session: Session, user: User, new: str) -> None:
    """The person, signed in with a one-time password, sets their own: never the one-time password
    again, by the site's rules. Their other sessions end; one commit."""
    if expired(user):
        raise OneTimePasswordExpired()
    try:
        check_new_password(new, user.username)
    except ValidationError as error:
        raise ValidationError(str(error), field="new_password") from error
    if user.check_password(new):
        raise ValidationError(_("Choose a password different from the one-time password."),
                              field="new_password")
    user.set_password(new)
    cleared(user)
    audit.record(session, "account.password_chosen", actor=user, target=user.username)
    session.commit()
