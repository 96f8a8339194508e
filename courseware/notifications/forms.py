"""The preferences form: a box per kind and channel (services/notifications/preferences.py names
each field), built for the kinds and channels of the day."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField

from courseware.services.notifications.channels import Channel
from courseware.services.notifications.messages import Kind
from courseware.services.notifications.preferences import field_name


class PreferencesForm(FlaskForm):
    """Its fields are added by `preferences_form`."""


def preferences_form(now_on: dict[tuple[Kind, Channel], bool]) -> PreferencesForm:
    """The form with one box for each (kind, channel), ticked as stored (a posted form reads the
    request: an unticked box is off)."""

    class Form(PreferencesForm):
        pass

    for (kind, channel), on in now_on.items():
        setattr(Form, field_name(kind, channel), BooleanField(channel.label, default=on))
    return Form()
