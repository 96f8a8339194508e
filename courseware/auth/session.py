"""Who is signed in: read from the database on every request, so changes apply at once."""
from __future__ import annotations

from flask import Flask, g, session
from flask_login import current_user
from sqlalchemy import select

from courseware.extensions import db, login_manager
from courseware.models import User
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
