"""The focus check: a request or temptation is written down and either linked to one of the person's
goals or declined. The course's rule: if it serves neither a long- nor a short-term goal, turn it
down directly. Declined items make the not-to-do list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from courseware.models import FocusItem, User
from courseware.services.errors import NotFound
from courseware.services.practice.common import MAX_LINE, FieldChecks
from courseware.services.practice.goals import active_goals

LIST_LENGTH = 100  # the most recent items of each list shown; the export has them all

DECLINE = "decline"


@dataclass
class FocusLists:
    linked: list[FocusItem]
    declined: list[FocusItem]


def focus_lists(session: Session, user: User) -> FocusLists:
    def newest(declined: bool) -> list[FocusItem]:
        return list(session.scalars(
            select(FocusItem).where(FocusItem.user_id == user.id, FocusItem.declined.is_(declined))
            .options(selectinload(FocusItem.goal))
            .order_by(FocusItem.created_at.desc(), FocusItem.id.desc()).limit(LIST_LENGTH)
        ))

    return FocusLists(linked=newest(False), declined=newest(True))


def triage(session: Session, user: User, *, text: str, decision: str, reason: str,
           now: datetime) -> FocusItem:
    """`decision` is a goal id (as text) or "decline"."""
    checks = FieldChecks()
    text = checks.line("text", text, MAX_LINE, label=_("The request"),
                       required=_("Write down the request or temptation in a few words."))
    reason = checks.line("reason", reason, MAX_LINE, label=_("The note"))
    goal = None
    decision = (decision or "").strip()
    if decision == DECLINE:
        pass
    elif decision.isdigit():
        goal = next((g for g in active_goals(session, user) if g.id == int(decision)), None)
        if goal is None:
            checks.add("decision", _("Choose one of your goals in progress, or decline it."))
    else:
        checks.add("decision", _("Is it related to your goals? Link it to one of them, or decline it."))
    checks.raise_if_any()
    item = FocusItem(user_id=user.id, text=text, goal=goal, declined=goal is None, reason=reason,
                     created_at=now)
    session.add(item)
    session.commit()
    return item


def delete_item(session: Session, user: User, item_id: int) -> None:
    item = session.scalar(select(FocusItem).where(FocusItem.id == item_id, FocusItem.user_id == user.id))
    if item is None:
        raise NotFound(_("No such item."))
    session.delete(item)
    session.commit()
