"""What the practice services share: the limits on what people write, field errors, reading a day.

Every practice service takes the day (`today`) or the moment (`now`) it works on as an argument,
so that tests run on a fixed clock; views pass the reader's calendar day (courseware.practice.common,
from courseware.timezones: the person's zone, else the company's).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from courseware.formatting import format_number
from courseware.services.errors import InvalidFields

# Limits, in characters (documented in the README's Practice section).
MAX_TITLE = 200          # a goal's title
MAX_MEASURE = 500        # a goal's measure of done
MAX_NOTE = 500           # a progress note
MAX_LINE = 300           # a focus item, its reason, the morning plan's two lines
MAX_SUMMARY_FIELD = 2000  # each of done, learned, tomorrow
MAX_REFLECTION = 3000    # a reflection, and the president's reply


class FieldChecks:
    """Collects field errors, so that a form shows every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def line(self, name: str, value: str | None, limit: int, *, required: str | None = None,
             label: str | None = None) -> str:
        """Text on one line: runs of spaces and line breaks become one space."""
        text = " ".join((value or "").split())
        return self._check(name, text, limit, required, label)

    def text(self, name: str, value: str | None, limit: int, *, required: str | None = None,
             label: str | None = None) -> str:
        """Text that may have paragraphs: line ends normalized, surrounding space removed."""
        text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        return self._check(name, text, limit, required, label)

    def _check(self, name: str, text: str, limit: int, required: str | None, label: str | None) -> str:
        """`label` and `required` come translated (the callers wrap them when they raise)."""
        if not text and required:
            self.add(name, required)
        elif len(text) > limit:
            self.add(name, _("%(label)s is too long: at most %(limit)s characters (it has %(count)s).",
                             label=label or _("This"), limit=format_number(limit),
                             count=format_number(len(text))))
        return text

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def raise_if_any(self) -> None:
        """InvalidFields naming every problem; its general message is the first problem's."""
        if self.errors:
            raise InvalidFields(self.errors, message=next(iter(self.errors.values())))


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
