from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation

from courseware.formatting import format_zone
from courseware.timezones import COMMON_ZONES, company_zone, is_zone_name, zone_key, zone_named


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(message=_l("Enter your username.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Choose a new password.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(message=_l("Type the new password again.")),
                    EqualTo("new_password", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChoosePasswordForm(FlaskForm):
    """The person's own password, after signing in with a one-time one (which they just typed)."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Choose a new password.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(message=_l("Type the new password again.")),
                    EqualTo("new_password", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ReauthenticateForm(FlaskForm):
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


def _chosen(form: FlaskForm, field: Field) -> None:
    # "" is a choice (the company's zone); a form without the field at all is not.
    if not field.raw_data:
        raise StopValidation(_("Choose a time zone."))


class TimeZoneForm(FlaskForm):
    """The zone a person reads and types times in: the company's (first), or one of the common zones.
    Whether a name is a zone is the service's to say (people.accounts.set_timezone)."""

    timezone = SelectField(_l("Time zone"), validators=[_chosen], validate_choice=False)

    def __init__(self, *args: Any, current: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [*COMMON_ZONES, *([current] if current and current not in COMMON_ZONES else [])]
        self.timezone.choices = [
            ("", _("Company default (%(zone)s)", zone=zone_key(company_zone()))),
            *((name, format_zone(zone_named(name))) for name in names if is_zone_name(name)),
        ]
        if self.timezone.data is None:
            self.timezone.data = current or ""
