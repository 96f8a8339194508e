"""Who is signed in: read from the database on every request, so changes apply at once."""
from __future__ import annotations

from flask import Flask, g, session
from sqlalchemy import select

from courseware.extensions import db, login_manager
from courseware.models import User
from courseware.services.notifications.inbox import unread_count_of


def load_user(session_token: str) -> User | None:
    """The signed-in person, with their unread notifications counted in the same query (the bell in
    every page's header, templating.unread_notifications)."""
    row = db.session.execute(
        select(User, unread_count_of(User.id))
        .where(User.session_token == session_token, User.active.is_(True))
    ).first()
    if row is None:
        return None
    g.unread_notifications = row[1]
    return row[0]


def bind_restored_session(_app: Flask, user: User) -> None:
    """Give a session restored from the remember cookie the browser fingerprint that sign-in gives.

    Flask-Login 0.6.3 leaves it out there, and its "strong" protection then drops the restored
    session on the very next request.
    """
    session["_id"] = login_manager._session_identifier_generator()
