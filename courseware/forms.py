"""What every blueprint's forms share: the form with no fields, and how a service's refusal is shown
on a form.

A service reports bad input as `ValidationError` (one field) or `InvalidFields` (several at once,
courseware.services.errors). `show_errors` puts each message under its field, where the `field` macro
shows it and the `error_summary` macro (templates/_macros/forms.html) links to it; a message for no
field of the form goes to `default` when the page has a field it belongs next to, or else to the
page's flashed messages."""
from __future__ import annotations

from datetime import date

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field

from courseware.services.errors import ValidationError


class DayField(DateField):
    """A day typed or picked (YYYY-MM-DD); anything else is refused with `invalid_message`, in words
    the reader can act on (a form may name the day it asks for in its own subclass)."""

    invalid_message = _l("Enter a date as YYYY-MM-DD, for example 2026-12-31.")
    data: date | None

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(self.invalid_message)) from None


class ConfirmForm(FlaskForm):
    """A form with no fields: a button that POSTs with a CSRF token."""


def show_errors(form: FlaskForm, error: ValidationError, default: Field | None = None) -> None:
    """Each of the error's messages under the form's field of that name; the others under `default`,
    or, without one, flashed as errors."""
    for name, message in error.field_errors.items():
        target = form[name] if name is not None and name in form else default
        if target is None:
            flash(message, "error")
        else:
            target.errors = [*target.errors, message]
