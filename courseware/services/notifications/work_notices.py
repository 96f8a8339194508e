"""Work notices: a message to one person in WeCom (企业微信), DingTalk (钉钉) or Feishu (飞书), sent by the
company's app there (the API clients of courseware/services/people/platforms), for people whose account
is linked to the platform: an `ExternalIdentity` with provider 'wecom', 'dingtalk' or 'feishu' whose
subject is the platform's user id (made by signing in there or by the directory sync).

The channel (`Channel.WORK`) is on when at least one platform's app is configured; it reaches a person
linked to one of the configured platforms (the first of wecom, dingtalk, feishu they are linked to).
The notice is the message's plain text in the person's language with the link (as the robots say it);
a platform's refusal (its error code and message) is a DeliveryError, kept in the delivery log and
retried like any other failure.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import ExternalIdentity
from courseware.services.notifications.channels import DeliveryError, Outgoing
from courseware.services.people import platforms


@dataclass(frozen=True)
class Link:
    """Where a person gets work notices: the platform and their user id there."""

    platform: str
    userid: str


def platform_names(config: Mapping | None = None) -> str:
    """The configured platforms in the reader's language ("WeCom", "WeCom/Feishu"); all three if none."""
    if config is None:
        config = current_app.config if has_app_context() else {}
    names = platforms.configured(config) or list(platforms.PROVIDERS)
    return "/".join(platforms.display_name(name) for name in names)


def label(config: Mapping | None = None) -> str:
    """The channel's name, naming the configured platforms ("WeCom work notice")."""
    return _("%(platforms)s work notice", platforms=platform_names(config))


def links(session: Session, config: Mapping, user_ids: Collection[int] | None = None) -> dict[int, Link]:
    """Each person (of these) linked to a configured platform, in one query (none when none is on)."""
    on = platforms.configured(config)
    if not on:
        return {}
    query = select(ExternalIdentity.user_id, ExternalIdentity.provider, ExternalIdentity.subject).where(
        ExternalIdentity.provider.in_(on))
    if user_ids is not None:
        query = query.where(ExternalIdentity.user_id.in_(list(user_ids)))
    found: dict[int, Link] = {}
    for user_id, provider, subject in sorted(session.execute(query), key=lambda row: on.index(row[1])):
        found.setdefault(user_id, Link(provider, subject))
    return found


def link_of(session: Session, config: Mapping, user_id: int) -> Link | None:
    return links(session, config, [user_id]).get(user_id)


def text(outgoing: Outgoing) -> str:
    """The notice as the person reads it: title, body, and the link."""
    lines = [outgoing.title, outgoing.body]
    if outgoing.link:
        lines.append(f"{outgoing.link_text}: {outgoing.link}")
    return "\n".join(lines)


def send(config: Mapping, outgoing: Outgoing) -> None:
    """Send the notice to `outgoing.to` on `outgoing.platform`; DeliveryError with the platform's reason."""
    if not outgoing.platform or not outgoing.to:
        raise DeliveryError(_("The person is not linked to WeCom, DingTalk or Feishu (any more)."))
    try:
        platforms.client(outgoing.platform, config).send_text([outgoing.to], text(outgoing))
    except platforms.PlatformError as error:
        raise DeliveryError(str(error)) from error
    except ValueError as error:  # the platform is no longer configured
        raise DeliveryError(str(error)) from error
