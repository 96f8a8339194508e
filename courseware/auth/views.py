from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import (
    confirm_login,
    current_user,
    fresh_login_required,
    login_required,
    login_user,
    logout_user,
)

from courseware import i18n
from courseware.auth import oidc, platforms
from courseware.auth.forms import LoginForm, PasswordChangeForm, ReauthenticateForm, TimeZoneForm
from courseware.auth.session import safe_next, sign_out, start_signed_in_session
from courseware.extensions import db, limiter
from courseware.formatting import format_zone
from courseware.forms import ConfirmForm, show_errors
from courseware.language import LANGUAGES, normalize_language
from courseware.models import Role
from courseware.services.errors import ValidationError
from courseware.services.ops import audit
from courseware.services.people import accounts, sso
from courseware.timezones import company_zone, zone_key, zone_of

bp = Blueprint("auth", __name__)

LOGIN_FAILED = _l("That username and password do not match an active account.")
PASSWORD_SIGNIN_OFF = _l("Signing in with a password is turned off: sign in with your company account.")


def _username_key() -> str:
    """Rate-limit key for one account, whatever address the attempts come from."""
    return "account:" + accounts.normalize_username(request.form.get("username", ""))[:64]


def _failed(response: Response) -> bool:
    # A successful sign-in redirects; only failures count against the account.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute; 300 per hour", methods=["POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"], key_func=_username_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        if not _password_signin_for(form.username.data):
            audit.record(db.session, "login.failed", actor_name=form.username.data, target=form.username.data,
                         details="password sign-in is off", commit=True)
            form.password.errors.append(str(PASSWORD_SIGNIN_OFF))
            return _login_page(form)
        user = accounts.authenticate(db.session, form.username.data, form.password.data)
        if user is not None and (current_app.config["PASSWORD_SIGNIN"] or user.role == Role.PRESIDENT):
            start_signed_in_session(user, remember=bool(form.remember.data))
            audit.record(db.session, "login", actor=user, target=user.username, commit=True)
            return redirect(safe_next(request.args.get("next")))
        audit.record(db.session, "login.failed", actor_name=form.username.data,
                     target=form.username.data, commit=True)
        form.password.errors.append(str(LOGIN_FAILED))
    return _login_page(form)


def _login_page(form: LoginForm) -> ResponseReturnValue:
    return render_template("auth/login.html", form=form, sso_label=oidc.button_label(),
                           platform_buttons=platforms.buttons(),
                           password_signin=current_app.config["PASSWORD_SIGNIN"]), 422 if form.errors else 200


def _password_signin_for(username: str) -> bool:
    """PASSWORD_SIGNIN=0 leaves only the break-glass account (a president's) signing in with a password."""
    return sso.password_signin_allowed(username, password_signin=current_app.config["PASSWORD_SIGNIN"],
                                       break_glass=current_app.config["BREAK_GLASS_USERNAME"])


@bp.post("/logout")
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        audit.record(db.session, "logout", actor=current_user, target=current_user.username)
        sign_out()
        db.session.commit()
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/reauthenticate", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def reauthenticate():
    """Confirm the password (or sign in with the company's account again) before a sensitive action
    when the session is not fresh."""
    form = ReauthenticateForm()
    password_allowed = _password_signin_for(current_user.username) and (
        current_app.config["PASSWORD_SIGNIN"] or current_user.role == Role.PRESIDENT)
    if form.validate_on_submit() and password_allowed:
        if current_user.check_password(form.password.data):
            confirm_login()
            audit.record(db.session, "login.reauthenticated", actor=current_user, commit=True)
            return redirect(safe_next(request.args.get("next")))
        audit.record(db.session, "login.failed", actor=current_user, target=current_user.username,
                     details="re-authentication", commit=True)
        form.password.errors.append(_("That is not your password."))
    elif request.method == "POST" and not password_allowed:
        form.password.errors.append(str(PASSWORD_SIGNIN_OFF))
    return render_template("auth/reauthenticate.html", form=form, sso_label=oidc.button_label(),
                           platform_buttons=platforms.buttons(),
                           password_allowed=password_allowed), 422 if form.errors else 200


def _render_account(form: PasswordChangeForm | None = None, timezone_form: TimeZoneForm | None = None,
                    status: int = 200) -> tuple[str, int]:
    return render_template(
        "auth/account.html", form=form or PasswordChangeForm(), signout_form=ConfirmForm(),
        timezone_form=timezone_form or TimeZoneForm(formdata=None, current=current_user.timezone),
        company_zone_name=zone_key(company_zone()),
    ), status


@bp.get("/account")
@login_required
def account():
    return _render_account()


@bp.post("/account/password")
@fresh_login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(db.session, current_user, form.current_password.data,
                                     form.new_password.data)
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, default=form.new_password)
        else:
            # The token in this session changed with the password: sign in again with the new one.
            login_user(current_user._get_current_object(), remember=bool(session.get("_persistent")))
            flash(_("Your password is changed. Every other session has been signed out."), "success")
            return redirect(url_for("auth.account"))
    return _render_account(form=form, status=422)


@bp.post("/account/timezone")
@login_required
def set_timezone():
    form = TimeZoneForm(current=current_user.timezone)
    if form.validate_on_submit():
        try:
            accounts.set_timezone(db.session, current_user, form.timezone.data)
        except ValidationError as error:
            show_errors(form, error, default=form.timezone)
        else:
            flash(_("Your time zone is saved: the site shows times in %(zone)s.",
                    zone=format_zone(zone_of(current_user))), "success")
            return redirect(url_for("auth.account"))
    return _render_account(timezone_form=form, status=422)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        accounts.sign_out_everywhere(db.session, current_user)
        logout_user()
        session.clear()
        flash(_("You are signed out on every device, this one included."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def choose_language():
    """The header switcher and the account setting: the profile for a person, a cookie for a visitor.

    'auto' (people only) clears the setting, so the browser's language decides again.
    """
    if not ConfirmForm().validate_on_submit():
        abort(400)
    requested = request.form.get("language", "")
    language = normalize_language(requested) if requested in LANGUAGES else None
    if language is None and not (requested == "auto" and current_user.is_authenticated):
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = language
        db.session.commit()
    response = redirect(safe_next(request.form.get("next")))
    if language:
        response.set_cookie(i18n.LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600,
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                            samesite="Lax")
    else:
        response.delete_cookie(i18n.LANGUAGE_COOKIE)
    return response
