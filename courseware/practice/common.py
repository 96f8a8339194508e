"""What the practice views share: the clock and the company's calendar day, and field errors."""
from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, flash

from courseware.models._time import utcnow
from courseware.services.practice_common import InvalidFields, local_today, timezone_named


def clock() -> datetime:
    """Now, naive UTC as stored (tests replace it to move the calendar)."""
    return utcnow()


def zone():
    return timezone_named(current_app.config.get("PRACTICE_TIMEZONE"))


def today() -> date:
    return local_today(zone(), clock())


def local_hour() -> int:
    return clock().replace(tzinfo=UTC).astimezone(zone()).hour


def attach_errors(form, error: InvalidFields) -> None:
    """Each service message next to its field; one without a field of the form as a flash."""
    for name, message in error.errors.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        else:
            flash(message, "error")
