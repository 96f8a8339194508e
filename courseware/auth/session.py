"""Who is signed in: read from the database on every request, so changes apply at once."""
from __future__ import annotations

from flask import Flask, session
from sqlalchemy import select

from courseware.extensions import db, login_manager
from courseware.models import User


def load_user(session_token: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.session_token == session_token, User.active.is_(True))
    )


def bind_restored_session(_app: Flask, user: User) -> None:
    """Give a session restored from the remember cookie the browser fingerprint that sign-in gives.

    Flask-Login 0.6.3 leaves it out there, and its "strong" protection then drops the restored
    session on the very next request.
    """
    session["_id"] = login_manager._session_identifier_generator()
