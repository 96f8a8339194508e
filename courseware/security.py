"""Security that every request passes through: response headers, session lifetimes, proxies."""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from courseware.extensions import db
from courseware.services.people import accounts

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SIGNED_IN_CACHE_CONTROL = "no-store"  # a signed-in page is the person's own
SESSION_STARTED = "_started"
SESSION_SEEN = "_seen"
SESSION_PERSISTENT = "_persistent"
# The last-seen moment is written back only once it has moved by this many seconds: the idle limit
# is counted in minutes (SESSION_IDLE_TIMEOUT), and a session changed on every request would be
# serialized, signed and sent back as a new cookie with every page.
SEEN_RESOLUTION = 60


def now() -> float:
    """The clock the session limits read (tests move it)."""
    return time.time()


def add_security_headers(response: Response) -> Response:
    for name, value in security_headers(current_app.config):
        response.headers.setdefault(name, value)
    if current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = SIGNED_IN_CACHE_CONTROL
    return response


def security_headers(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The headers every response carries (a kept page's too: courseware/kept_front.py)."""
    headers = [("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Content-Type-Options", "nosniff"),
               ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY")]
    if config.get("HSTS"):
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def start_session(persistent: bool) -> None:
    """Called at sign-in, after the session was cleared."""
    session[SESSION_STARTED] = session[SESSION_SEEN] = now()
    session[SESSION_PERSISTENT] = persistent


def enforce_session_limits():
    """Sign out a session idle for too long, or older than the absolute lifetime.

    "Keep me signed in" sessions are bounded by the remember cookie's lifetime instead.
    """
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    moment = now()
    started = session.get(SESSION_STARTED)
    seen = session.get(SESSION_SEEN)
    if started is None or seen is None:
        # Restored from the remember cookie: a new, non-fresh session begins here.
        start_session(persistent=True)
        return None
    if not session.get(SESSION_PERSISTENT):
        idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
        lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
        if moment - seen > idle or moment - started > lifetime:
            accounts.close_sign_in(db.session, current_user)
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("You were signed out after a period of inactivity. Please sign in again."), "info")
            back = request.full_path if request.method == "GET" else None
            return redirect(url_for("auth.login", next=back))
    if moment - seen >= SEEN_RESOLUTION:
        session[SESSION_SEEN] = moment
    return None


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per key rather than
    twice a request (making one serializes a test value; it was a tenth of a kept page's time)."""

    def __init__(self) -> None:
        self._made: tuple[object, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]


def init_security(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.after_request(add_security_headers)
    app.before_request(enforce_session_limits)


def trust_proxies(app: Flask) -> None:
    """Last, around every other layer (the kept pages' front reads the client's address too)."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Only then is X-Forwarded-For believed, and only as many hops as there are proxies.
        # Flask documents wrapping wsgi_app in middleware this way; its type is a method, which mypy won't
        # let be assigned.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
