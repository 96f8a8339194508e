"""What the site tells people, and every attempt to tell them (services/notifications).

- `Notification`: a notice in a person's own list (the bell in the header): a message key and its
  parameters, rendered in the reader's language when shown, so that it follows their language.
- `Delivery`: one message to one recipient (a person, or a group robot's chat) on one channel. Its
  unique `key` ("person:reason:due-date:channel") is claimed by inserting the row before anything is
  sent, then the row itself by a conditional UPDATE (state `sending`) before each attempt: a message
  is never sent twice, however many runs and workers race.
- `NotificationOptOut`: a kind of optional message a person turned off on one channel.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model
from courseware.models._time import utcnow


class DeliveryState(StrEnum):
    QUEUED = "queued"          # claimed, waiting for a sender
    SENDING = "sending"        # a sender has it (a stale one is taken over: its sender died)
    SENT = "sent"
    FAILED = "failed"          # the last attempt failed; retried at `not_before` until attempts run out
    HELD = "held"              # quiet hours in the recipient's time zone: goes out at `not_before`
    SUPPRESSED = "suppressed"  # the person turned this kind off on this channel: never sent


class Notification(Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_inbox", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON)
    # A path on the site ("/courses/<c>"), or None.
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class Delivery(Model):
    __tablename__ = "delivery"
    __table_args__ = (
        Index("ix_delivery_state_not_before", "state", "not_before"),
        Index("ix_delivery_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # None for a group robot's chat (WeCom, DingTalk, Feishu): the company, not one person.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[date | None]
    message: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON)
    link: Mapped[str | None] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Not to be attempted before: the end of quiet hours, or the next retry.
    not_before: Mapped[datetime | None]
    # Until when quiet hours held it (kept once sent, for the log).
    held_until: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class NotificationOptOut(Model):
    __tablename__ = "notification_opt_out"
    __table_args__ = (UniqueConstraint("user_id", "kind", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
