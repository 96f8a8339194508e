"""The daily directory sync (the `directory-sync` job of courseware/jobs.py).

Configured by DIRECTORY_SYNC_SOURCE (wecom, dingtalk, feishu or csv; empty: no daily sync),
DIRECTORY_SYNC_FILE (for csv) and DIRECTORY_SYNC_AT (the company's local time of day from which it
runs, default 02:00). Every tick asks; once the time has come it runs once that day: its result (the
counts, or why it failed, with nothing changed) is one audit event `directory.sync` or
`directory.sync_failed`, targeted "<source> daily <day>", which is also how a later tick knows that
day's run is done. A failed day is not retried before the next (run `flask directory sync` by hand).
Two machines ticking at the same minute may both run it: the second run changes nothing.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import AuditEvent
from courseware.services.ops import audit
from courseware.services.people import directory_sync
from courseware.services.people.directory_people import DirectoryError
from courseware.services.people.directory_types import DirectoryUnavailable
from courseware.timezones import company_zone, to_local

log = logging.getLogger(__name__)

JOB_ACTOR = "directory-sync job"
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class DailyOutcome:
    ran: bool
    succeeded: bool = False
    details: str = ""


def sync_time(config: Any) -> time:
    """DIRECTORY_SYNC_AT as a time of day; ValueError when it is not HH:MM."""
    match = TIME_RE.match(config.get("DIRECTORY_SYNC_AT") or "02:00")
    if match is None:
        raise ValueError(f"DIRECTORY_SYNC_AT must be a time of day such as 02:00, not "
                         f"{config.get('DIRECTORY_SYNC_AT')!r}")
    return time(int(match[1]), int(match[2]))


def run_daily(session: Session, config: Any, at: datetime) -> DailyOutcome:
    """The day's sync, if configured, due at `at` (naive UTC) and not run yet that day."""
    source = config.get("DIRECTORY_SYNC_SOURCE") or ""
    if not source:
        return DailyOutcome(False)
    local = to_local(at, company_zone())
    try:
        due = local.time() >= sync_time(config)
    except ValueError as error:
        log.error("%s", error)
        return DailyOutcome(False, details=str(error))
    target = f"{source} daily {local.date().isoformat()}"
    if not due or session.scalar(select(AuditEvent.id).where(
            AuditEvent.action.in_(("directory.sync", "directory.sync_failed")), AuditEvent.target == target)):
        return DailyOutcome(False)
    try:
        report = directory_sync.run(session, directory_sync.open_source(source, config,
                                                                        config.get("DIRECTORY_SYNC_FILE")),
                                    actor_name=JOB_ACTOR, record_run=False,
                                    protected_username=config.get("BREAK_GLASS_USERNAME", ""))
    except (DirectoryUnavailable, DirectoryError) as error:
        return _failed(session, target, str(error))
    except Exception as error:  # recorded, then the job fails visibly in the log
        _failed(session, target, f"{type(error).__name__}: {error}")
        raise
    details = directory_sync.summary(report.counts)
    audit.record(session, "directory.sync", actor_name=JOB_ACTOR, target=target, details=details, commit=True)
    return DailyOutcome(True, True, details)


def _failed(session: Session, target: str, reason: str) -> DailyOutcome:
    session.rollback()
    audit.record(session, "directory.sync_failed", actor_name=JOB_ACTOR, target=target,
                 details=reason + " (nothing was changed)", commit=True)
    return DailyOutcome(True, False, reason)
