"""The delivery log HR reads: every message on every channel, newest first, filtered by state and
kind, 50 a page (kept KEEP_DAYS, deliveries.purge)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from courseware.models import Delivery, DeliveryState, User
from courseware.services.errors import NotFound, ValidationError
from courseware.services.notifications.messages import Kind

PAGE_SIZE = 50


class LogFilter(StrEnum):
    """The log's state filter: the states, and two histories (held by quiet hours, retried)."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
    RETRIED = "retried"
    SUPPRESSED = "suppressed"

    @property
    def label(self) -> str:
        return str(_FILTER_LABELS[self.value])


_FILTER_LABELS = {
    "queued": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed"),
    "held": _l("Held by quiet hours"), "retried": _l("Retried"),
    "suppressed": _l("Suppressed by a preference"),
}


def state_label(state: str) -> str:
    """A delivery's state as HR reads it."""
    return LogFilter(state).label if state in _FILTER_LABELS else state


@dataclass(frozen=True)
class LogRow:
    delivery: Delivery
    recipient: str | None  # None: the group chat


@dataclass(frozen=True)
class LogPage:
    rows: list[LogRow]
    total: int
    page: int
    pages: int


def _condition(state: str | None, kind: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if state:
        if state not in _FILTER_LABELS:
            raise ValidationError(_("No such state."))
        if state == LogFilter.HELD:
            conditions.append(Delivery.held_until.is_not(None))
        elif state == LogFilter.RETRIED:
            conditions.append(Delivery.attempts > 1)
        else:
            conditions.append(Delivery.state == DeliveryState(state).value)
    if kind:
        if kind not in {k.value for k in Kind}:
            raise ValidationError(_("No such kind."))
        conditions.append(Delivery.kind == kind)
    return conditions


def delivery_log(session: Session, state: str | None = None, kind: str | None = None,
                 page: int = 1) -> LogPage:
    conditions = _condition(state, kind)
    total = session.scalar(select(func.count(Delivery.id)).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    if not 1 <= page <= pages:
        raise NotFound(_("No such page."))
    query: Select[Any] = (select(Delivery, User.full_name).outerjoin(User, User.id == Delivery.user_id)
                          .where(*conditions).order_by(Delivery.created_at.desc(), Delivery.id.desc())
                          .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    rows = [LogRow(delivery, name) for delivery, name in session.execute(query)]
    return LogPage(rows, total, page, pages)
