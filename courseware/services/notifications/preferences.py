"""What a person turned off: a kind of optional message on one channel, e.g. e-mails about new
lessons, from the signed link at the foot of such a mail (`/unsubscribe/<token>`).

Reminders of an assigned course are not optional: they cannot be turned off (a later preferences
page may move them to another channel). A token names the person and the kind, signed with the
site's secret key (itsdangerous, as Flask signs its sessions); it does not expire, since a mail may
be read months later, and it can only ever turn one kind of mail off.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.models import NotificationOptOut, User
from courseware.services.errors import NotFound, ValidationError
from courseware.services.notifications.channels import Channel
from courseware.services.notifications.messages import Kind

_SALT = "courseware.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=_SALT)


def unsubscribe_token(user_id: int, kind: Kind, channel: Channel = Channel.EMAIL) -> str:
    return _serializer().dumps([user_id, kind.value, channel.value])


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kind: Kind
    channel: Channel
    already: bool


def read_token(session: Session, token: str) -> Unsubscribe:
    """What a token turns off; NotFound for a forged or damaged one, or an unknown person."""
    try:
        user_id, kind, channel = _serializer().loads(token)
        found = (session.get(User, int(user_id)), Kind(kind), Channel(channel))
    except (BadSignature, ValueError, TypeError) as error:
        raise NotFound(_("This unsubscribe link is not valid. Copy the whole link from the e-mail.")
                       ) from error
    user, kind_, channel_ = found
    if user is None:
        raise NotFound(_("This unsubscribe link is not valid. Copy the whole link from the e-mail."))
    return Unsubscribe(user, kind_, channel_, is_opted_out(session, user.id, kind_, channel_))


def is_opted_out(session: Session, user_id: int, kind: Kind, channel: Channel) -> bool:
    return session.scalar(select(NotificationOptOut.id).where(
        NotificationOptOut.user_id == user_id, NotificationOptOut.kind == kind.value,
        NotificationOptOut.channel == channel.value)) is not None


def opt_out(session: Session, user_id: int, kind: Kind, channel: Channel) -> None:
    """Turn `kind` off on `channel` for the person (again: nothing changes)."""
    if kind.mandatory:
        raise ValidationError(_("Reminders of courses assigned to you cannot be turned off."))
    if is_opted_out(session, user_id, kind, channel):
        return
    session.add(NotificationOptOut(user_id=user_id, kind=kind.value, channel=channel.value))
    try:
        session.commit()
    except IntegrityError:  # the same link followed twice at once
        session.rollback()


def opted_out(session: Session) -> set[tuple[int, str, str]]:
    """Every (person, kind, channel) turned off, in one query."""
    rows = session.execute(select(NotificationOptOut.user_id, NotificationOptOut.kind,
                                  NotificationOptOut.channel))
    return {(user_id, kind, channel) for user_id, kind, channel in rows}
