"""What every blueprint's forms share: the form with no fields, and how a service's refusal is shown
on a form.

A service reports bad input as `ValidationError` (one field) or `InvalidFields` (several at once,
courseware.services.errors). `show_errors` puts each message under its field, where the `field` macro
shows it and the `error_summary` macro (templates/_macros/forms.html) links to it; a message for no
field of the form goes to `default` when the page has a field it belongs next to, or else to the
page's flashed messages."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field

from courseware.services.errors import ValidationError


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
