from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
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
from courseware.auth.forms import (
    ChoosePasswordForm,
    LoginForm,
    PasswordChangeForm,
    ReauthenticateForm,
    TimeZoneForm,
)
from courseware.auth.session import (
    ONE_TIME_SIGN_IN,
    keep_to_choosing_password,
    safe_next,
    sign_out,
    start_signed_in_session,
)
from courseware.errors import render_error
from courseware.extensions import db
from courseware.formatting import format_zone
from courseware.forms import ConfirmForm, show_errors
from courseware.language import LANGUAGES, normalize_language
from courseware.models import Role
from courseware.services.errors import ValidationError
from courseware.services.ops import audit
from courseware.services.people import accounts, one_time_passwords, sign_in_limits, sso
from courseware.timezones import company_zone, zone_key, zone_of

bp = Blueprint("auth", __name__)
bp.before_app_request(keep_to_choosing_password)

LOGIN_FAILED = _l("That username and password do not match an active account.")
PASSWORD_SIGNIN_OFF = _l("Signing in with a password is turned off: sign in with your company account.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Failed sign-ins are limited per account and per address in the database
    (services/people/sign_in_limits.py), whatever the number of workers."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        if not _password_signin_for(form.username.data):
            audit.record(db.session, "login.failed", actor_name=form.username.data, target=form.username.data,
                         details="password sign-in is off", commit=True)
            form.password.errors.append(str(PASSWORD_SIGNIN_OFF))
            return _login_page(form)
        return _sign_in(form)
    return _login_page(form)


@bp.errorhandler(sign_in_limits.TooManyAttempts)
def too_many_attempts(refused: sign_in_limits.TooManyAttempts) -> ResponseReturnValue:
    body, status = render_error(429)
    return body, status, {"Retry-After": str(refused.retry_after)}


def _count_attempt(username: str) -> sign_in_limits.Attempt | None:
    """Count a password check before it is made (raises TooManyAttempts over a limit)."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None
    return sign_in_limits.begin(db.session, username, request.remote_addr)


def _sign_in(form: LoginForm) -> ResponseReturnValue:
    """Count the attempt, then check the password: a success starts the session (only to choose a
    password, with a one-time one), a failure stays counted."""
    attempt = _count_attempt(form.username.data)
    try:
        user = accounts.authenticate(db.session, form.username.data, form.password.data)
    except one_time_passwords.OneTimePasswordExpired as error:
        form.password.errors.append(str(error))
        return _login_page(form)
    if user is not None and (current_app.config["PASSWORD_SIGNIN"] or user.role == Role.PRESIDENT):
        if attempt is not None:
            sign_in_limits.succeeded(db.session, attempt)
        one_time = one_time_passwords.must_choose(user)
        start_signed_in_session(user, remember=bool(form.remember.data) and not one_time)
        audit.record(db.session, "login", actor=user, target=user.username)
        if one_time:
            one_time_passwords.record_use(db.session, user)
            session[ONE_TIME_SIGN_IN] = True
        db.session.commit()
        return redirect(url_for("auth.choose_password") if one_time else safe_next(request.args.get("next")))
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
def reauthenticate():
    """Confirm the password (or sign in with the company's account again) before a sensitive action
    when the session is not fresh. Failures count against the account as sign-ins' do."""
    form = ReauthenticateForm()
    password_allowed = _password_signin_for(current_user.username) and (
        current_app.config["PASSWORD_SIGNIN"] or current_user.role == Role.PRESIDENT)
    if form.validate_on_submit() and password_allowed:
        # A one-time password confirms nothing: it only lets its holder choose their own.
        own_password = not one_time_passwords.must_choose(current_user)
        attempt = _count_attempt(current_user.username)
        if own_password and current_user.check_password(form.password.data):
            if attempt is not None:
                sign_in_limits.succeeded(db.session, attempt)
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


@bp.route("/account/choose-password", methods=["GET", "POST"])
@login_required
def choose_password():
    """After signing in with a one-time password: the person's own, before anything else."""
    if not one_time_passwords.must_choose(current_user):
        return redirect(url_for("auth.account"))
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            one_time_passwords.choose_own(db.session, current_user, form.new_password.data)
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error, default=form.new_password)
        else:
            session.pop(ONE_TIME_SIGN_IN, None)
            # The account's token changed with the password: this session goes on with the new one.
            login_user(current_user._get_current_object())
            flash(_("Your password is saved. From now on, sign in with it."), "success")
            return redirect(url_for("learn.dashboard"))
    return render_template("auth/choose_password.html", form=form), 422 if form.errors else 200


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
