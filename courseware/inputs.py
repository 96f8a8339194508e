"""Request input bounded in one place, so that no route or form can forget it.

- Numbers: every `<int:…>` in a URL accepts only 0 … 2^31 − 1 (a larger id is simply not found, a
  404), and query and form numbers go through `bounded_int` (`request.args.get(name, type=bounded_int)`
  gives the default for anything else) or `BoundedIntegerField` / `coerce=bounded_int` in forms. Both
  databases' integer columns then hold every value a request can carry: PostgreSQL's `integer` stops
  at 2^31 − 1, SQLite's at 2^63 − 1.
- Control characters: a control character in the path or the query is refused with a 400 before any
  view runs. In a form, NUL characters (which PostgreSQL cannot store in text, and which nobody types)
  are removed before any view reads it, so that a long text is never lost for one; the other control
  characters are each field's to refuse (names and titles do; lesson text keeps tabs and line breaks).
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, Map
from wtforms import IntegerField

from courseware.services.errors import DomainError

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Every C0 control character but tab, line feed and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TOO_LARGE = _l("Enter a number between %(low)s and %(high)s.")


def bounded_int(value: object) -> int:
    """An integer the databases can hold; ValueError otherwise (Werkzeug's `type=` then gives the
    default, WTForms reports the field's error)."""
    number = int(str(value).strip())
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError(str(TOO_LARGE % {"low": INT_MIN, "high": INT_MAX}))
    return number


class BoundedIdConverter(IntegerConverter):
    """`<int:…>` for ids: 0 … 2^31 − 1; a larger number matches no route (404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(url_map, *args, **kwargs)


class BoundedIntegerField(IntegerField):
    """An IntegerField whose value the databases can hold: a larger one is the field's error."""

    data: int | None

    def process_formdata(self, valuelist: list) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not INT_MIN <= self.data <= INT_MAX:
            self.data = None
            raise ValueError(str(TOO_LARGE % {"low": INT_MIN, "high": INT_MAX}))


def _has_control(values: list[str], *, allow_line_breaks: bool) -> bool:
    for value in values:
        if "\x00" in value or (not allow_line_breaks and _CONTROL.search(value)):
            return True
    return False


def refuse_control_characters() -> None:
    """Before every request: a control character in the path or the query is a 400 with a clear page
    (nothing is read or written); NUL characters are taken out of a posted form."""
    if _CONTROL.search(request.path) or _has_control(
            [*request.args.keys(), *request.args.values()], allow_line_breaks=False):
        raise DomainError(str(_l("The address contains characters that cannot be used.")))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        form = request.form
        if _has_control([*form.keys(), *form.values()], allow_line_breaks=True):
            # Werkzeug's `form` is a cached property: the cleaned copy is what every view reads.
            cleaned = [(key.replace("\x00", ""), value.replace("\x00", ""))
                       for key, value in form.items(multi=True)]
            request.form = ImmutableMultiDict(cleaned)


def init_app(app: Flask) -> None:
    """Before any blueprint adds its routes: the converter is chosen when a rule is added."""
    app.url_map.converters["int"] = BoundedIdConverter
    app.before_request(refuse_control_characters)
