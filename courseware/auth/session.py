"""Who is signed in: read from the database on every request, so changes apply at once."""
from __future__ import annotations

from flask import Flask, g, session
from flask_login import current_user, login_user, logout_user

from courseware.extensions import db, login_manager
from courseware.models import User
from courseware.security import start_session
from courseware.services.notifications.inbox import unread_count_of
from courseware.services.people import accounts


def load_user(cookie_id: str) -> User | None:
    """The signed-in person, with their unread notifications counted in the same query (the bell in
    every page's header, templating.unread_notifications)."""
    found = accounts.user_of_sign_in(db.session, cookie_id, unread_count_of(User.id))
    if found is None:
        return None
    user, (unread,) = found
    g.unread_notifications = unread
    return user


def sign_in(user: User, *, remember: bool) -> None:
    """A fresh session for the person: nothing planted before sign-in survives it, and the sign-in is
    recorded on the server (so that signing out revokes it wherever its cookies are)."""
    session.clear()
    accounts.open_sign_in(db.session, user)
    login_user(user, remember=remember)
    start_session(persistent=remember)


def sign_out() -> None:
    """Revoke this browser's sign-in on the server, then forget the session; the caller commits."""
    if current_user.is_authenticated:
        accounts.close_sign_in(db.session, current_user)
    logout_user()
    session.clear()


def bind_restored_session(_app: Flask, user: User) -> None:
    """Give a session restored from the remember cookie the browser fingerprint that sign-in gives.

    Flask-Login 0.6.3 leaves it out there, and its "strong" protection then drops the restored
    session on the very next request.
    """
    session["_id"] = login_manager._session_identifier_generator()
