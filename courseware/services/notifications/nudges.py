"""HR's nudge: a reminder, now, to selected people of the assigned courses they have not completed.

`preview` says what each person will get (the message in their language, on which channels) and
who is skipped and why: deactivated, nudged within the last NUDGE_EVERY, or nothing open (nothing
assigned, or all of it done). `send` does the same reckoning again and claims the deliveries through
deliveries.claim, on each person's channels with their preferences and quiet hours (planning.for_people);
each nudge is audited ("notification.nudge": who nudged whom). One commit.

At most one nudge per person per NUDGE_EVERY: `send` refuses a person nudged within it, and the
delivery key makes a race impossible: a nudge's reason names the person's previous nudge
("nudge.after-<its delivery id>", or "after-0"), so two senders at once, having read the same previous
nudge, compete for the same unique keys and only one inserts them.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.language import normalize_language, site_language
from courseware.models import Delivery, DeliveryState, User
from courseware.services.catalog import published
from courseware.services.errors import NotFound, ValidationError
from courseware.services.notifications import deliveries, messages, planning, work_notices, zones
from courseware.services.notifications.channels import Channel
from courseware.services.notifications.messages import Kind, Rendered
from courseware.services.notifications.preferences import opted_out, person_channels, reaches
from courseware.services.ops import audit
from courseware.services.people.assignments import DueState
from courseware.services.reports.completion import Filters, person_rows

NUDGE_EVERY = timedelta(hours=24)
MAX_PEOPLE = 200
NOTE_LENGTH = 300
OPEN_STATES = (DueState.ON_TIME, DueState.DUE_SOON, DueState.OVERDUE)


class SkipReason(StrEnum):
    INACTIVE = "inactive"
    RECENT = "recent"
    NOTHING_OPEN = "nothing_open"

    @property
    def label(self) -> str:
        return str(_SKIP_LABELS[self.value])


_SKIP_LABELS = {
    "inactive": _l("The account is deactivated."),
    "recent": _l("Already nudged in the last 24 hours: one nudge per person per 24 hours."),
    "nothing_open": _l("Nothing to remind of: no course is assigned, or all of it is done."),
}


@dataclass(frozen=True)
class Recipient:
    user: User
    message: Rendered        # in the recipient's language
    channels: list[Channel]  # where it will reach them
    params: dict = field(hash=False)
    held_until: datetime | None = None  # quiet hours where they are: the mail waits until then


@dataclass(frozen=True)
class Skipped:
    user: User
    reason: SkipReason
    last_nudged_at: datetime | None = None


@dataclass(frozen=True)
class NudgePreview:
    recipients: list[Recipient]
    skipped: list[Skipped]
    note: str


@dataclass(frozen=True)
class NudgeResult:
    sent: list[User]
    skipped: list[Skipped]
    delivery_ids: list[int]


def clean_note(note: str) -> str:
    """HR's note: plain text on one paragraph, at most NOTE_LENGTH characters (ValidationError)."""
    text = " ".join("".join(c if c.isprintable() else " " for c in note).split())
    if len(text) > NOTE_LENGTH:
        raise ValidationError(_("The note is %(length)d characters long; at most %(limit)d, please.",
                                length=len(text), limit=NOTE_LENGTH), field="note")
    return text


def chosen_people(session: Session, user_ids: Collection[int]) -> list[User]:
    """The people selected, by name; a ValidationError for none or too many, NotFound for an unknown id."""
    ids = sorted(set(user_ids))
    if not ids:
        raise ValidationError(_("Select at least one person to nudge."))
    if len(ids) > MAX_PEOPLE:
        raise ValidationError(_("At most %(limit)d people at once, please.", limit=MAX_PEOPLE))
    people = list(session.scalars(select(User).where(User.id.in_(ids))))
    if len(people) != len(ids):
        raise NotFound(_("Someone selected no longer has an account."))
    return sorted(people, key=lambda user: (user.full_name.lower(), user.id))


def preview(session: Session, sender: User, user_ids: Collection[int], now: datetime, config: Mapping,
            note: str = "") -> NudgePreview:
    """Who will get what, and who is skipped and why (nothing is written)."""
    people = chosen_people(session, user_ids)
    note = clean_note(note)
    last = _last_nudges(session, [user.id for user in people])
    open_courses = _open_courses(session, [user.id for user in people if user.active], now)
    off = opted_out(session, [user.id for user in people])
    linked = work_notices.links(session, config, [user.id for user in people])
    recipients, skipped = [], []
    for user in people:
        reason = _skip_reason(user, last.get(user.id), open_courses.get(user.id), now)
        if reason is not None:
            skipped.append(Skipped(user, reason, last.get(user.id, (None, None))[1]))
            continue
        params = {"sender": sender.full_name, "courses": open_courses[user.id], "note": note}
        language = normalize_language(user.locale) or site_language()
        on = [channel for channel in person_channels() if reaches(user, channel, config, user.id in linked)
              and (user.id, Kind.NUDGE.value, channel.value) not in off]
        recipients.append(Recipient(user, messages.render(session, Kind.NUDGE.value, params, language),
                                    on or [Channel.APP], params,
                                    zones.quiet_until(now, zones.recipient_zone(user))))
    return NudgePreview(recipients, skipped, note)


def send(session: Session, sender: User, user_ids: Collection[int], now: datetime, config: Mapping,
         note: str = "") -> NudgeResult:
    """Nudge each person the preview would: claim the deliveries, audit, commit once."""
    shown = preview(session, sender, user_ids, now, config, note)
    last = _last_nudges(session, [r.user.id for r in shown.recipients])
    events = [planning.Event(r.user.id, Kind.NUDGE, f"nudge.after-{last.get(r.user.id, (0, None))[0]}",
                             None, Kind.NUDGE.value, r.params, "/")
              for r in shown.recipients]
    won = deliveries.claim(session, planning.for_people(session, events, now, config), now)
    nudged = {p.event.user_id for p in won}
    sent = [r.user for r in shown.recipients if r.user.id in nudged]
    skipped = shown.skipped + [Skipped(r.user, SkipReason.RECENT, now) for r in shown.recipients
                               if r.user.id not in nudged]
    for user in sent:
        audit.record(session, "notification.nudge", actor=sender, target=user.username,
                     details=f"note={shown.note!r}" if shown.note else "")
    session.commit()
    return NudgeResult(sent, skipped, [delivery_id for p, delivery_id in won.items()
                                       if p.state is DeliveryState.QUEUED])


def _skip_reason(user: User, last: tuple[int, datetime] | None, open_courses: list | None,
                 now: datetime) -> SkipReason | None:
    if not user.active:
        return SkipReason.INACTIVE
    if last is not None and now - last[1] < NUDGE_EVERY:
        return SkipReason.RECENT
    if not open_courses:
        return SkipReason.NOTHING_OPEN
    return None


def _last_nudges(session: Session, user_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """Each person's latest nudge: its (highest) delivery id and when it was made."""
    rows = session.execute(
        select(Delivery.user_id, func.max(Delivery.id), func.max(Delivery.created_at))
        .where(Delivery.kind == Kind.NUDGE.value, Delivery.user_id.in_(user_ids))
        .group_by(Delivery.user_id))
    return {user_id: (delivery_id, created_at) for user_id, delivery_id, created_at in rows}


def _open_courses(session: Session, user_ids: list[int], now: datetime) -> dict[int, list[dict]]:
    """Each person's assigned courses not done yet, by due date: one query a published course."""
    found: dict[int, list[dict]] = {}
    if not user_ids:
        return found
    for course in published.courses(session, published_only=True):
        for row in person_rows(session, course, Filters(within=user_ids), with_activity=False, now=now):
            if row.due_state in OPEN_STATES and row.due_on is not None:
                found.setdefault(row.user_id, []).append(
                    {"course_id": course.id, "course_title": course.title, "due_on": row.due_on.isoformat()})
    for courses in found.values():
        courses.sort(key=lambda c: c["due_on"])
    return found
