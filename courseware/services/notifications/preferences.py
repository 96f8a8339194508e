"""What a person turned off: a kind of message on one channel (a `NotificationOptOut` row each).

- The preferences page (`/account/notifications`: `choices`, `save`): every kind on every channel
  that reaches one person (the bell, e-mail, a work notice). Reminders of an assigned course
  (`Kind.mandatory`) may move from one channel to another but never stop: at least one channel
  that reaches the person stays on, and the bell records them all the same (as read when its
  channel is off). Optional kinds (new lessons) may be turned off everywhere.
- The signed link at the foot of an optional mail (`/unsubscribe/<token>`) turns one optional kind
  off on e-mail; the page shows it as such. A token names the person and the kind, signed with the
  site's secret key (itsdangerous, as Flask signs its sessions); it does not expire, since a mail may
  be read months later, and it can only ever turn one kind of mail off.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.models import NotificationOptOut, User
from courseware.services.errors import Conflict, InvalidFields, NotFound, ValidationError
from courseware.services.notifications import channels, work_notices
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


def opted_out(session: Session, user_ids: Collection[int] | None = None) -> set[tuple[int, str, str]]:
    """Every (person, kind, channel) turned off (of these people), in one query."""
    query = select(NotificationOptOut.user_id, NotificationOptOut.kind, NotificationOptOut.channel)
    if user_ids is not None:
        query = query.where(NotificationOptOut.user_id.in_(list(user_ids)))
    return {(user_id, kind, channel) for user_id, kind, channel in session.execute(query)}


def person_channels() -> list[Channel]:
    """The channels that reach one person (the group robots never do)."""
    return [channel for channel in Channel if not channel.is_group]


def person_kinds() -> list[Kind]:
    """The kinds a person chooses channels for (HR's test message is no kind of theirs, and a request
    to feature a reflection only ever waits in the bell)."""
    return [kind for kind in Kind if kind not in (Kind.TEST, Kind.FEATURE_REQUEST)]


def field_name(kind: Kind, channel: Channel) -> str:
    """The preferences form's field for `kind` on `channel` (errors name it)."""
    return f"{kind.value}-{channel.value}"


def reaches(user: User, channel: Channel, config: Mapping, linked: bool = False) -> bool:
    """Whether the channel can reach the person: the bell always; e-mail with an address and SMTP;
    a work notice when a platform is configured and the person is `linked` to it (work_notices.links)."""
    if channel is Channel.WORK:
        return linked and channels.is_configured(config, channel)
    if channel is Channel.EMAIL:
        return bool(user.email) and channels.is_configured(config, channel)
    return channel is Channel.APP or channels.is_configured(config, channel)


def reaching(session: Session, user: User, config: Mapping) -> dict[Channel, bool]:
    """Each of the person's channels and whether it reaches them now (the preferences page)."""
    linked = work_notices.link_of(session, config, user.id) is not None
    return {channel: reaches(user, channel, config, linked) for channel in person_channels()}


def choices(session: Session, user: User) -> dict[tuple[Kind, Channel], bool]:
    """Each (kind, channel) of the person's and whether it is on."""
    off = opted_out(session, [user.id])
    return {(kind, channel): (user.id, kind.value, channel.value) not in off
            for kind in person_kinds() for channel in person_channels()}


def save(session: Session, user: User, wanted: Mapping[tuple[Kind, Channel], bool], config: Mapping) -> int:
    """Store the person's choices (a pair not named stays as it is); InvalidFields, naming each kind's
    first field, when a reminder of an assigned course would reach them on no channel. Returns how
    many pairs changed. One commit."""
    now_on = {**choices(session, user), **wanted}
    linked = work_notices.link_of(session, config, user.id) is not None
    errors = {}
    for kind in person_kinds():
        if kind.mandatory and not any(now_on[(kind, channel)] and reaches(user, channel, config, linked)
                                      for channel in person_channels()):
            errors[field_name(kind, person_channels()[0])] = _(
                "%(kind)s: keep at least one channel that reaches you on. Reminders of courses assigned "
                "to you can move to another channel, not stop.", kind=kind.label)
    if errors:
        raise InvalidFields(errors)
    before = choices(session, user)
    changed = [pair for pair, on in now_on.items() if before[pair] != on]
    for kind, channel in changed:
        if now_on[(kind, channel)]:
            session.execute(delete(NotificationOptOut).where(
                NotificationOptOut.user_id == user.id, NotificationOptOut.kind == kind.value,
                NotificationOptOut.channel == channel.value))
        else:
            session.add(NotificationOptOut(user_id=user.id, kind=kind.value, channel=channel.value))
    try:
        session.commit()
    except IntegrityError as error:  # the same form saved twice at once: the other save stands
        session.rollback()
        raise Conflict(_("Your preferences were saved in another window at the same moment. Please "
                         "check them and save again.")) from error
    return len(changed)
