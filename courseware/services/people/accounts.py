"""Signing in and creating accounts."""
from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from functools import cache, lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, bindparam, delete, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from courseware.models import ROLES, Department, SignInSession, User
from courseware.models._time import utcnow
from courseware.models.accounts import new_session_token
from courseware.services.errors import ValidationError
from courseware.services.ops import audit
from courseware.services.people import one_time_passwords
from courseware.services.people.passwords import check_new_password
from courseware.timezones import is_zone_name

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@cache
def _dummy_hash() -> str:
    """A hash to check against when the username is unknown, so both failures take as long."""
    return generate_password_hash(secrets.token_hex(16))


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, else None (whichever part was wrong).
    A one-time password past its lifetime raises `OneTimePasswordExpired` (audited)."""
    user = session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not user.check_password(password or ""):
        return None
    one_time_passwords.refuse_if_expired(session, user)
    user.last_login_at = utcnow()
    session.commit()
    return user


def generate_password() -> str:
    """A random password that is easy to type from a printed line: 4 groups of 4 characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def validate_password(password: str, username: str = "") -> None:
    check_new_password(password, username)


def get_or_create_department(session: Session, name: str, parent: Department | None = None) -> Department:
    department = session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name, parent=parent)
        session.add(department)
        session.flush()
    return department


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str,
    role: str = "manager",
    department: Department | None = None,
    email: str | None = None,
    commit: bool = True,
) -> User:
    username = normalize_username(username)
    if not USERNAME_RE.match(username):
        raise ValidationError(
            _("Usernames are 2 to 64 characters: lowercase letters, digits, '.', '_' or '-'."),
            field="username",
        )
    if role not in ROLES:
        raise ValidationError(_("Role must be one of: %(roles)s.", roles=", ".join(ROLES)), field="role")
    if not (full_name or "").strip():
        raise ValidationError(_("A full name is required."), field="full_name")
    validate_password(password, username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationError(_("The username '%(username)s' is taken.", username=username), field="username")
    user = User(
        username=username,
        full_name=full_name.strip(),
        role=role,
        department=department,
        email=(email or None),
    )
    user.set_password(password)
    session.add(user)
    if commit:
        session.commit()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The person's own change: the current password first; every other session ends."""
    if not user.check_password(current or ""):
        raise ValidationError(_("That is not your current password."), field="current_password")
    if new == current:
        raise ValidationError(_("Choose a password different from the current one."), field="new_password")
    try:
        validate_password(new, user.username)
    except ValidationError as error:
        raise ValidationError(str(error), field="new_password") from error
    user.set_password(new)  # rotates the session token: copied cookies stop working
    one_time_passwords.cleared(user)
    audit.record(session, "account.password_change", actor=user, target=user.username)
    session.commit()


def set_timezone(session: Session, user: User, name: str | None) -> None:
    """The zone the person reads and types times in: an IANA name, or "" for the company's."""
    name = (name or "").strip()
    if name and not is_zone_name(name):
        raise ValidationError(_("Choose a time zone from the list."), field="timezone")
    user.timezone = name or None
    session.commit()


def sign_out_everywhere(session: Session, user: User) -> None:
    user.session_token = new_session_token()
    audit.record(session, "account.sign_out_everywhere", actor=user, target=user.username)
    session.commit()


# A sign-in record outlives the longest a session can last (the remember cookie's 14 days).
SIGN_IN_KEPT = timedelta(days=30)


def open_sign_in(session: Session, user: User) -> str:
    """Record a new sign-in of the person (one browser); its token goes into their cookies through
    `user.sign_in_token`. Old and revoked records of the person are cleared at the same time."""
    now = utcnow()
    stale = or_(SignInSession.created_at < now - SIGN_IN_KEPT,
                SignInSession.revoked_at < now - timedelta(days=1))
    session.execute(delete(SignInSession).where(SignInSession.user_id == user.id, stale))
    record = SignInSession(user_id=user.id, token=new_session_token(), created_at=now)
    session.add(record)
    session.flush()
    user.sign_in_token = record.token
    return record.token


def close_sign_in(session: Session, user: User) -> None:
    """Sign-out: this browser's sign-in is revoked on the server; the caller commits."""
    if user.sign_in_token is not None:
        session.execute(update(SignInSession).where(SignInSession.token == user.sign_in_token,
                                                    SignInSession.revoked_at.is_(None))
                        .values(revoked_at=utcnow()))


@lru_cache(maxsize=16)
def _sign_in_statement(extra: tuple[ColumnElement[Any], ...]) -> Select[Any]:
    """The signed-in person's query, built once per set of extra columns (every request runs it:
    building a select with subqueries costs more than running it). The caller passes the same
    column objects each time (courseware.auth.session keeps them)."""
    return (select(User, *extra).join(SignInSession, SignInSession.user_id == User.id)
            .where(User.session_token == bindparam("account_token"), User.active.is_(True),
                   SignInSession.token == bindparam("sign_in_token"), SignInSession.revoked_at.is_(None)))


def user_of_sign_in(session: Session, cookie_id: str, *extra: ColumnElement[Any],
                    params: Mapping[str, Any] | None = None) -> tuple[User, tuple[Any, ...]] | None:
    """The active person whose cookie says `<account token>.<sign-in token>`, if that sign-in was
    not revoked (nor the account token rotated), with the `extra` columns read in the same query
    (e.g. the unread notifications; `params`, the values of their bound parameters); None otherwise."""
    account_token, _dot, sign_in_token = cookie_id.partition(".")
    if not sign_in_token:
        return None
    row = session.execute(_sign_in_statement(extra), {**(params or {}), "account_token": account_token,
                                                      "sign_in_token": sign_in_token}).first()
    if row is None:
        return None
    user = row[0]
    user.sign_in_token = sign_in_token
    return user, tuple(row[1:])
