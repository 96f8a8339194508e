"""Who is signed in: read from the database on every request, so changes apply at once; signing in on
a fresh session (recorded on the server, so that signing out revokes it), and where to go afterwards."""
from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import ColumnElement

from courseware.errors import render_error
from courseware.extensions import db, login_manager
from courseware.models import User
from courseware.practice.common import clock
from courseware.security import start_session
from courseware.services.catalog import content_version
from courseware.services.notifications.inbox import unread_count_of
from courseware.services.people import accounts, one_time_passwords, page_versions, reporting
from courseware.services.pulse.answering import OPEN_AT, newest_open_pulse

# Set in a session signed in with a one-time password (never a remembered one): until the person has
# chosen their own password, that session reaches nothing else.
ONE_TIME_SIGN_IN = "_one_time"
# What such a session may still do: choose the password, sign out, switch the language, static files.
ONE_TIME_ENDPOINTS = frozenset({"auth.choose_password", "auth.logout", "auth.choose_language", "static"})


@cache
def _signed_in_columns() -> tuple[ColumnElement[Any], ...]:
    """What every request reads with the person: built once, so that the query is built once too."""
    return (unread_count_of(User.id), reporting.reports_exist(User.id), content_version.version_column(),
            newest_open_pulse())


def load_user(cookie_id: str) -> User | None:
    """The signed-in person of a sign-in not revoked, with (in the same query) their unread
    notifications (the bell in every page's header), whether anyone reports to them, the newest
    culture pulse still open (the dashboard's banner: courseware/practice/panels.py) and the content
    version (which the outline of the page is checked against). Flask-Login calls it once a request,
    at the first look at `current_user`."""
    found = accounts.user_of_sign_in(db.session, cookie_id, *_signed_in_columns(),
                                     params={OPEN_AT: clock()})
    if found is None:
        return None
    user, (unread, reports, version, newest_pulse) = found
    page_versions.act_as(user.id, user.role)
    g.unread_notifications = unread
    g.newest_open_pulse = newest_pulse
    g._has_reports = bool(reports)
    content_version.remember(version)  # the page's outline needs no query of its own
    return user


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
    in the session before survives it, its lifetime starts now, and the sign-in is recorded on the
    server (so that signing out revokes it wherever its cookies are)."""
    session.clear()
    page_versions.act_as(user.id, user.role)
    accounts.open_sign_in(db.session, user)
    login_user(user, remember=remember)
    start_session(persistent=remember)


def sign_out() -> None:
    """Revoke this browser's sign-in on the server, then forget the session; the caller commits."""
    if current_user.is_authenticated:
        accounts.close_sign_in(db.session, current_user)
    logout_user()
    session.clear()


def keep_to_choosing_password() -> ResponseReturnValue | None:
    """Before every request: a session signed in with a one-time password goes to "choose your
    password" (pages) or is refused (anything else) until the person has; past the one-time
    password's lifetime it is signed out. Sign-ins with the company's account are not concerned."""
    if not session.get(ONE_TIME_SIGN_IN) or not current_user.is_authenticated:
        return None
    if not one_time_passwords.must_choose(current_user):
        session.pop(ONE_TIME_SIGN_IN, None)
        return None
    if one_time_passwords.expired(current_user):
        sign_out()
        db.session.commit()
        flash(_("This one-time password has expired; ask HR for a new one."), "error")
        return redirect(url_for("auth.login"))
    if request.endpoint in ONE_TIME_ENDPOINTS or request.endpoint is None:
        return None
    if request.method in ("GET", "HEAD"):
        return redirect(url_for("auth.choose_password"))
    return render_error(403, _("Choose your own password first: until then, this session can do "
                               "nothing else."))


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
