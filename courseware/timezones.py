"""Time zones: the one module that owns which zone a time is shown, typed and counted in.

- The company's zone, `company_zone()`: COMPANY_TIMEZONE (default Asia/Shanghai; PRACTICE_TIMEZONE is
  its deprecated old name). Commands, CSV exports, due dates and anyone without a zone of their own
  use it.
- A person's zone, `zone_of(user)`: the one they chose on /account (`User.timezone`), else the
  company's. `reader_zone()` is the signed-in person's in a request, else the company's.
- Storage stays naive UTC everywhere (courseware.models._time.utcnow): convert only at the edges,
  `to_local` for what is shown and `to_utc` for what is typed, and count calendar days with
  `local_today`.

Like courseware.language, this module imports no model and no view, so that models, services and
views may all import it.
"""
from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, has_app_context, has_request_context

if TYPE_CHECKING:
    from courseware.models import User

log = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "Asia/Shanghai"
# The zones the account page offers (after "Company default"), roughly east to west.
COMMON_ZONES: tuple[str, ...] = (
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul",
    "Australia/Sydney", "Asia/Bangkok", "Asia/Kolkata", "Asia/Dubai", "Europe/Moscow", "Europe/Berlin",
    "Europe/Paris", "Europe/London", "UTC", "America/Sao_Paulo", "America/New_York", "America/Chicago",
    "America/Los_Angeles",
)
# Without a time zone database (some Windows installations), the default still works: China has
# had no daylight saving time since 1991, so a fixed UTC+8 is exact.
_FALLBACK = {DEFAULT_TIMEZONE: timezone(timedelta(hours=8), "UTC+08")}


class UnknownTimeZone(ValueError):
    """A name that is not an IANA time zone such as Asia/Shanghai."""


def zone_named(name: str | None) -> tzinfo:
    """The named IANA time zone (the default for None or ""); UnknownTimeZone for anything else."""
    name = name or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        if name in _FALLBACK:
            return _FALLBACK[name]
        raise UnknownTimeZone(name) from error


def is_zone_name(name: str | None) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        zone_named(name)
    except UnknownTimeZone:
        return False
    return True


def zone_key(zone: tzinfo) -> str:
    """The zone's IANA name (Asia/Shanghai), as pages and CSV headers name it."""
    return getattr(zone, "key", None) or str(zone)


def company_zone() -> tzinfo:
    """COMPANY_TIMEZONE: the app's setting in an app context, else the environment's."""
    if has_app_context():
        return zone_named(current_app.config.get("COMPANY_TIMEZONE"))
    return zone_named(os.environ.get("COMPANY_TIMEZONE") or os.environ.get("PRACTICE_TIMEZONE"))


def zone_of(user: User | None) -> tzinfo:
    """The person's own zone, else the company's (also for None, or a stored name that no longer
    exists in the time zone database)."""
    name = getattr(user, "timezone", None)
    if name:
        try:
            return zone_named(name)
        except UnknownTimeZone:
            log.warning("user %s has an unknown time zone %r; using the company's", user, name)
    return company_zone()


def reader_zone() -> tzinfo:
    """The zone of whoever reads: the signed-in person's in a request, else the company's (visitors,
    commands, jobs)."""
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return zone_of(current_user)
    return company_zone()


def to_local(value: datetime, zone: tzinfo) -> datetime:
    """A stored time (naive UTC; an aware time is taken as it is) in `zone`, aware."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


def to_utc(local: datetime, zone: tzinfo) -> datetime:
    """A time typed in `zone` (naive), as stored: naive UTC.

    Deterministic around daylight-saving changes: a time the clocks skip (01:30 on the morning they
    go forward) is read with the offset before the change, so it lands as far past the gap as it was
    into it (02:30 summer time); a time that happens twice (when the clocks go back) is the first.
    """
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone, fold=0)
    return local.astimezone(UTC).replace(tzinfo=None)


def local_today(zone: tzinfo, now: datetime | None = None) -> date:
    """The calendar day in `zone` at `now` (naive UTC, as stored; the current time by default)."""
    return to_local(now or datetime.now(UTC), zone).date()


def _configured_name(app: Flask) -> tuple[str, str]:
    """(the variable that set the company's zone, its value)."""
    if not os.environ.get("COMPANY_TIMEZONE") and os.environ.get("PRACTICE_TIMEZONE"):
        log.warning("PRACTICE_TIMEZONE is deprecated: set COMPANY_TIMEZONE instead.")
        return "PRACTICE_TIMEZONE", app.config["COMPANY_TIMEZONE"]
    return "COMPANY_TIMEZONE", app.config.get("COMPANY_TIMEZONE") or DEFAULT_TIMEZONE


def init_app(app: Flask) -> None:
    """Refuse to start with a zone that does not exist: every page would show wrong times."""
    variable, name = _configured_name(app)
    if not is_zone_name(name):
        raise RuntimeError(f"{variable}={name!r} is not a time zone name such as {DEFAULT_TIMEZONE}.")
    app.config["COMPANY_TIMEZONE"] = name
