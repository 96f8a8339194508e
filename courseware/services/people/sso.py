"""Signing in with the company's accounts: which person an identity at the company's identity provider
signs in as (the protocol itself is courseware/auth/oidc.py's).

An identity is found by its stored link (`ExternalIdentity`: provider and subject). The first time,
it is linked to the active account with its verified e-mail address, else to the account with its
username; once only: an account already linked to another identity of the same provider is not
linked again. Without a match, an account is made only when the site allows it (SSO_CREATE_ACCOUNTS).
Every link and every account made this way is audited with its provider.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.models import ExternalIdentity, Role, User
from courseware.models._time import utcnow
from courseware.services.errors import Forbidden
from courseware.services.ops import audit
from courseware.services.people.accounts import USERNAME_RE, create_user, normalize_username


@dataclass(frozen=True)
class Identity:
    """What the identity provider says about the person signing in, after its token was checked."""

    provider: str  # OpenID Connect: the issuer
    subject: str
    email: str | None = None
    email_verified: bool = False
    username: str | None = None  # preferred_username
    full_name: str | None = None


class SignInRefused(Forbidden):
    """The identity is genuine but signs in as nobody here; `reason` is for the audit trail."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def sign_in(session: Session, identity: Identity, *, create_accounts: bool = False) -> tuple[User, str]:
    """The person the identity signs in as, and how they were found: 'identity' (linked before),
    'e-mail' or 'username' (linked now), 'created'. Commits the link and the time of sign-in."""
    link = session.scalar(select(ExternalIdentity).where(ExternalIdentity.provider == identity.provider,
                                                         ExternalIdentity.subject == identity.subject))
    if link is not None:
        user, how = link.user, "identity"
    else:
        found, how = _match(session, identity)
        if found is None and create_accounts:
            found, how = _create(session, identity), "created"
        if found is None:
            raise SignInRefused(_("No account here belongs to the company account you signed in with. "
                                  "Ask HR to create yours, or to add your e-mail address to it."),
                                "no account")
        user, link = found, _link(session, identity, found, how)
    if not user.active:
        raise SignInRefused(_("Your account here is deactivated. If you think it should not be, ask HR."),
                            "deactivated")
    link.last_login_at = user.last_login_at = utcnow()
    session.commit()
    return user, how


def _match(session: Session, identity: Identity) -> tuple[User | None, str]:
    """The account the identity is linked to the first time: by verified e-mail, else by username."""
    if identity.email and identity.email_verified:
        matches = list(session.scalars(select(User).where(
            func.lower(User.email) == identity.email.strip().lower()).limit(2)))
        if len(matches) > 1:
            raise SignInRefused(_("Several accounts here have the e-mail address %(email)s, so none was "
                                  "chosen. Ask HR to give the address to one account only.",
                                  email=identity.email), "e-mail not unique")
        if matches:
            return matches[0], "e-mail"
    username = normalize_username(identity.username or "")
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            return user, "username"
    return None, ""


def _link(session: Session, identity: Identity, user: User, how: str) -> ExternalIdentity:
    linked = session.scalar(select(ExternalIdentity).where(ExternalIdentity.provider == identity.provider,
                                                           ExternalIdentity.user_id == user.id))
    if linked is not None:
        raise SignInRefused(_("Your account here is linked to another company account already. Ask HR "
                              "to check which one is yours."), "account linked to another identity")
    link = ExternalIdentity(provider=identity.provider, subject=identity.subject, user=user)
    session.add(link)
    audit.record(session, "account.link", actor=user, target=user.username,
                 details=f"provider={identity.provider}; subject={identity.subject}; matched by {how}")
    return link


def _create(session: Session, identity: Identity) -> User:
    """A manager's account for the identity (SSO_CREATE_ACCOUNTS): its username from the identity's
    username or e-mail address; a random password nobody knows (they sign in with the company's)."""
    email = identity.email if identity.email and identity.email_verified else None
    username = normalize_username(identity.username or (email or "").split("@")[0])
    if not USERNAME_RE.match(username) or session.scalar(select(User.id).where(User.username == username)):
        raise SignInRefused(_("No account here belongs to the company account you signed in with, and "
                              "none could be made for it. Ask HR to create yours."), "no usable username")
    user = create_user(session, username=username, full_name=(identity.full_name or username)[:120],
                       password=secrets.token_urlsafe(32), role=Role.MANAGER.value, email=email, commit=False)
    session.flush()
    audit.record(session, "account.create", actor=user, target=user.username,
                 details=f"role={Role.MANAGER.value}; at sign-in via {identity.provider}")
    return user


def password_signin_allowed(username: str, *, password_signin: bool, break_glass: str) -> bool:
    """Whether this username may sign in with a password: everyone's may, unless PASSWORD_SIGNIN is
    off; then only the break-glass account's (which must be a president's, checked at sign-in)."""
    return password_signin or bool(break_glass) and normalize_username(username) == normalize_username(
        break_glass)
