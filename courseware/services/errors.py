"""Domain errors that views turn into form messages or 4xx pages.

A service that refuses input names the field at fault: `ValidationError(message, field=...)` for one,
`InvalidFields({field: message, ...})` for every problem of a form at once. The views show either
with `courseware.forms.show_errors`."""
from __future__ import annotations

from typing import TypeVar

from flask_babel import gettext as _

Found = TypeVar("Found")


class DomainError(Exception):
    """A request the rules refuse; the message is shown to the person."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class ValidationError(DomainError):
    """Bad input for a field: `field` names it so the form can show it there."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field

    @property
    def field_errors(self) -> dict[str | None, str]:
        """{field name: message}; None for a message that belongs to no field."""
        return {self.field: str(self)}


class InvalidFields(ValidationError):
    """Several fields refused at once: `errors` is {field name: message}, one message a field.

    The general message (the exception's text) is what a page without those fields shows; by default
    "Please correct the marked fields."."""

    def __init__(self, errors: dict[str, str], message: str | None = None):
        super().__init__(message or _("Please correct the marked fields."), field=next(iter(errors)))
        self.errors = errors

    @property
    def field_errors(self) -> dict[str | None, str]:
        return {name: message for name, message in self.errors.items()}


def found(item: Found | None, message: str) -> Found:
    """The row or object looked up, or NotFound (a 404 page) with the message when there is none."""
    if item is None:
        raise NotFound(message)
    return item
