"""What HR's notification settings page shows and does: each channel, whether the environment
configures it (secrets masked), and "send me a test" on one channel, sent at once and its outcome
returned (sent, or the reason it failed)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from courseware.models import Delivery, DeliveryState, Notification, User
from courseware.services.errors import ValidationError
from courseware.services.notifications import channels, deliveries, work_notices
from courseware.services.notifications.channels import Channel, ShownSetting
from courseware.services.notifications.messages import Kind


@dataclass(frozen=True)
class ChannelStatus:
    channel: Channel
    configured: bool
    settings: list[ShownSetting]


def overview(config: Mapping) -> list[ChannelStatus]:
    return [ChannelStatus(channel, channels.is_configured(config, channel),
                          channels.shown_settings(config, channel)) for channel in Channel]


def send_test(session: Session, sender: User, channel: Channel, now: datetime, config: Mapping) -> Delivery:
    """A test message to the sender (e-mail, the bell) or to the group chat (a robot), sent now,
    whatever the hour; the delivery comes back with its outcome and is in the log."""
    if not channels.is_configured(config, channel):
        raise ValidationError(_("%(channel)s is not configured.", channel=channel.label))
    if channel is Channel.EMAIL and not sender.email:
        raise ValidationError(_("Your account has no e-mail address: add one under Accounts first."))
    if channel is Channel.WORK and work_notices.link_of(session, config, sender.id) is None:
        raise ValidationError(_("Your account is not linked to %(platforms)s: sign in with it once first.",
                                platforms=work_notices.platform_names(config)))
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    group = channel.is_group
    delivery = Delivery(
        key=f"{'group' if group else sender.id}:test.{stamp}.by-{sender.id}:-:{channel.value}",
        user_id=None if group else sender.id, channel=channel.value, kind=Kind.TEST.value,
        reason=f"test.by-{sender.id}", message=Kind.TEST.value, params={"sender": sender.full_name},
        link="/notifications" if channel is Channel.APP else None, state=DeliveryState.QUEUED.value,
        attempts=0, created_at=now)
    if channel is Channel.APP:
        delivery.state, delivery.attempts, delivery.sent_at = DeliveryState.SENT.value, 1, now
        session.add(Notification(user_id=sender.id, kind=Kind.TEST.value, message=Kind.TEST.value,
                                 params=delivery.params, link=None, created_at=now))
    session.add(delivery)
    session.commit()
    if channel is not Channel.APP:
        deliveries.deliver_one(session, delivery.id, now, config)
        sent = session.get(Delivery, delivery.id)  # as the sender left it
        assert sent is not None
        return sent
    return delivery
