"""The recipient's time zone, their day, and quiet hours.

Nothing is pushed to a person (mail, a messenger) between 21:00 and 08:00 in their time zone: what
falls due then is held until 08:00. Notices in the site's own list are not pushed and are never held.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app

from courseware.models import User

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
DEFAULT_ZONE = "Asia/Shanghai"


def company_zone() -> tzinfo:
    return ZoneInfo(current_app.config.get("COMPANY_TIMEZONE", DEFAULT_ZONE))


@cache
def _zone_of() -> Callable[[User], tzinfo] | None:
    """courseware.timezones.zone_of, where the site has it (looked for once per process)."""
    try:
        timezones = importlib.import_module("courseware.timezones")
    except ImportError:
        return None
    zone_of: Callable[[User], tzinfo] | None = getattr(timezones, "zone_of", None)
    return zone_of


def recipient_zone(user: User | None) -> tzinfo:
    """The person's time zone (courseware.timezones.zone_of when the site has it), else the
    company's (COMPANY_TIMEZONE, Asia/Shanghai). A group robot's chat (no user) is the company's."""
    zone_of = _zone_of()
    if user is not None and zone_of is not None:
        return zone_of(user)
    return company_zone()


def local(now: datetime, zone: tzinfo) -> datetime:
    """A stored (naive UTC) time as the clock reads in `zone`."""
    return now.replace(tzinfo=UTC).astimezone(zone)


def local_day(now: datetime, zone: tzinfo) -> date:
    return local(now, zone).date()


def quiet_until(now: datetime, zone: tzinfo) -> datetime | None:
    """When quiet hours end (naive UTC), if `now` falls in them in `zone`; else None."""
    here = local(now, zone)
    if QUIET_UNTIL <= here.time() < QUIET_FROM:
        return None
    day = here.date() if here.time() < QUIET_UNTIL else here.date() + timedelta(days=1)
    end = datetime.combine(day, QUIET_UNTIL, tzinfo=zone)
    return end.astimezone(UTC).replace(tzinfo=None)
