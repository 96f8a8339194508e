"""Who is signed in: read from the database on every request, so changes apply at once; signing in on
a fresh session, and where to go afterwards."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, g, session, url_for
from flask_login import current_user, login_user
from sqlalchemy import select

from courseware.extensions import db, login_manager
from courseware.models import User
from courseware.security import start_session
from courseware.services.people import reporting


def load_user(session_token: str) -> User | None:
    """The signed-in person, and (in the same query) whether anyone reports to them."""
    row = db.session.execute(
        select(User, reporting.reports_exist(User.id))
        .where(User.session_token == session_token, User.active.is_(True))
    ).first()
    if row is None:
        return None
    g._has_reports = bool(row[1])
    return row[0]


def has_team() -> bool:
    """Whether the signed-in person has people reporting to them: the header shows "My team"."""
    if not current_user.is_authenticated:
        return False
    if "_has_reports" not in g:
        g._has_reports = reporting.has_reports(db.session, current_user.id)
    return bool(g._has_reports)


def bind_restored_session(_app: Flask, user: User) -> None:
    """Give a session restored from the remember cookie the browser fingerprint that sign-in gives.

    Flask-Login 0.6.3 leaves it out there, and its "strong" protection then drops the restored
    session on the very next request.
    """
    session["_id"] = login_manager._session_identifier_generator()


def start_signed_in_session(user: User, remember: bool) -> None:
    """Sign the person in on a fresh session, with a password or the company's account: nothing planted
    in the session before survives it, and its lifetime starts now."""
    session.clear()
    login_user(user, remember=remember)
    start_session(persistent=remember)


def safe_next(target: str | None) -> str:
    """Only a path on this site; anything with a scheme or host goes to the dashboard."""
    default = url_for("learn.dashboard")
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    return target
