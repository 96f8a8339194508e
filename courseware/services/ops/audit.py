"""Security events: one database row (for the HR page) and one log line each.

Every value is made single-line before it is written, so that a username such as "bob\\nFAKE"
cannot forge a second log line.
"""
from __future__ import annotations

import logging

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import AuditEvent, User

log = logging.getLogger("courseware.audit")

ACCOUNT_ACTIONS = (
    "account.create", "account.update", "account.role", "account.deactivate", "account.reactivate",
    "account.password_reset", "account.import", "account.password_change", "account.sign_out_everywhere",
    # Reporting lines and sign-in with the company's accounts (issue 17).
    "department.head", "account.link", "department.rename",
    # Personal data (issue 18): an erasure, and each run of the retention job.
    "account.erase", "privacy.retention", "account.data_export",
    # Directory sync: a run's counts (or why it failed), and each department it made or changed.
    "directory.sync", "directory.sync_failed", "directory.department", "account.unlink",
    # One-time passwords (issue 18): issued by HR, used, replaced by the person's own, refused as expired.
    "account.one_time_password", "login.one_time_password", "account.password_chosen",
    "login.one_time_password_expired",
    # An import's one-time passwords (issue 19): its hand-out sheets opened, its CSV downloaded.
    "account.import_handout", "account.import_csv",
)

# What each action is called on HR's page; the stored action and the log line keep the code. The
# English label is the code itself, as HR has always read it.
ACTION_LABELS = {
    "account.create": _l("account.create"),
    "account.update": _l("account.update"),
    "account.role": _l("account.role"),
    "account.deactivate": _l("account.deactivate"),
    "account.reactivate": _l("account.reactivate"),
    "account.password_reset": _l("account.password_reset"),
    "account.import": _l("account.import"),
    "account.password_change": _l("account.password_change"),
    "account.sign_out_everywhere": _l("account.sign_out_everywhere"),
    "course.certificate_policy": _l("course.certificate_policy"),
    "department.head": _l("department.head"),
    "department.rename": _l("department.rename"),
    "account.link": _l("account.link"),
    "account.erase": _l("account.erase"),
    "privacy.retention": _l("privacy.retention"),
    "account.data_export": _l("account.data_export"),
    "account.unlink": _l("account.unlink"),
    "directory.sync": _l("directory.sync"),
    "directory.sync_failed": _l("directory.sync_failed"),
    "directory.department": _l("directory.department"),
    "account.one_time_password": _l("account.one_time_password"),
    "login.one_time_password": _l("login.one_time_password"),
    "account.password_chosen": _l("account.password_chosen"),
    "login.one_time_password_expired": _l("login.one_time_password_expired"),
    "account.import_handout": _l("account.import_handout"),
    "account.import_csv": _l("account.import_csv"),
}


def action_label(action: str) -> str:
    """The action in the reader's language; an action without a label shows its code."""
    return str(ACTION_LABELS.get(action, action))


def one_line(value: object, limit: int = 500) -> str:
    text = str(value if value is not None else "")
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return text[:limit]


def _address() -> str:
    return one_line(request.remote_addr or "", 64) if has_request_context() else "cli"


def record(session: Session, action: str, *, actor: User | None = None, actor_name: str | None = None,
           target: str = "", details: str = "", commit: bool = False) -> AuditEvent:
    """Add the event to the session (the caller's transaction commits it) and log it."""
    name = one_line(actor.username if actor is not None else (actor_name or ""), 64)
    event = AuditEvent(actor_id=actor.id if actor is not None else None, actor=name,
                       action=action, target=one_line(target, 200), address=_address(),
                       details=one_line(details, 2000))
    session.add(event)
    log.info("%s actor=%s target=%s from=%s %s", action, name or "-", event.target or "-",
             event.address or "-", event.details)
    if commit:
        session.commit()
    return event


def account_events(session: Session, limit: int = 200) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(ACCOUNT_ACTIONS))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ))


def recent_events(session: Session, limit: int = 200) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))


def events_of(session: Session, action: str, target: str, limit: int = 10) -> list[AuditEvent]:
    """The latest events of one action about one target, newest first."""
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.target == target)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ))
