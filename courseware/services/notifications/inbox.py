"""A person's own notices (the `app` channel): the list, the unread count the bell shows, reading.

The count is a scalar subquery that the sign-in's user query carries (courseware.auth.session), so
that the bell costs no query of its own on any page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, ScalarSelect, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from courseware.models import Notification, User
from courseware.services.errors import NotFound
from courseware.services.notifications.messages import Rendered, Titles, render_in_request

LIST_LENGTH = 100


def unread_count_of(user_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ScalarSelect[int]:
    """How many notices the person has not read: a column for a query of users."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .scalar_subquery())


@dataclass(frozen=True)
class Notice:
    id: int
    kind: str
    text: Rendered
    link: str | None
    created_at: datetime
    unread: bool


def notices(session: Session, user: User, language: str) -> list[Notice]:
    """The person's latest notices, newest first, in `language`."""
    titles = Titles(session, language)
    rows = session.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id.desc()).limit(LIST_LENGTH))
    return [Notice(n.id, n.kind, render_in_request(n.message, n.params, titles), n.link,
                   n.created_at, n.read_at is None) for n in rows]


def open_notice(session: Session, user: User, notice_id: int, now: datetime) -> str | None:
    """Mark one of the person's notices read; returns where it leads. Another's is not found."""
    notice = session.get(Notification, notice_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound(_("No such notification."))
    if notice.read_at is None:
        notice.read_at = now
        session.commit()
    return notice.link


def mark_all_read(session: Session, user: User, now: datetime) -> None:
    session.execute(update(Notification).where(Notification.user_id == user.id,
                                               Notification.read_at.is_(None)).values(read_at=now))
    session.commit()
