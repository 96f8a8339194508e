from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from courseware.auth.forms import ConfirmForm, LoginForm
from courseware.extensions import db
from courseware.services import accounts

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "That username and password do not match an active account."


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.username.data, form.password.data)
        if user is not None:
            # A fresh session at sign-in: nothing planted before login survives it.
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(LOGIN_FAILED)
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


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
