"""The channels a message can go by, which of them the environment configures, and sending one
message on one of them.

- `app`: the site's own list of notices (the bell). Always on, for everyone.
- `email`: SMTP (`SMTP_URL`, `MAIL_FROM`) to each person's address, in their language (mail.py).
- `wecom`, `dingtalk`, `feishu`: a group robot's webhook each (robots.py): one chat for the company,
  told what concerns the company (assignments, due dates, new lessons), never about one person.
- `work`: a work notice to one person from the company's app in WeCom, DingTalk or Feishu, for people
  linked to a configured platform (work_notices.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

if TYPE_CHECKING:  # mail.py imports this module
    from courseware.services.notifications import mail


class Channel(StrEnum):
    APP = "app"
    EMAIL = "email"
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"
    WORK = "work"

    @property
    def label(self) -> str:
        if self is Channel.WORK:  # names the platforms configured
            from courseware.services.notifications import work_notices

            return work_notices.label()
        return str(_CHANNEL_LABELS[self.value])

    @property
    def is_group(self) -> bool:
        return self in GROUP_CHANNELS


_CHANNEL_LABELS = {"app": _l("In the site (the bell)"), "email": lazy_pgettext("a channel", "E-mail"),
                   "wecom": _l("WeCom robot"), "dingtalk": _l("DingTalk robot"), "feishu": _l("Feishu robot")}
GROUP_CHANNELS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)
# The environment variables that configure each channel; the first one turns it on. Secrets are
# never shown: only whether they are set.
SETTINGS: dict[Channel, tuple[str, ...]] = {
    Channel.APP: (),
    Channel.EMAIL: ("SMTP_URL", "MAIL_FROM"),
    Channel.WECOM: ("WECOM_WEBHOOK_URL",),
    Channel.DINGTALK: ("DINGTALK_WEBHOOK_URL", "DINGTALK_SECRET"),
    Channel.FEISHU: ("FEISHU_WEBHOOK_URL", "FEISHU_SECRET"),
    # On when one platform's app is configured (all its settings: people.platforms.REQUIRED).
    Channel.WORK: ("WECOM_CORP_ID", "DINGTALK_CLIENT_ID", "FEISHU_APP_ID"),
}
SECRETS = {"DINGTALK_SECRET", "FEISHU_SECRET"}


class DeliveryError(Exception):
    """A channel refused or could not take a message; the reason goes to the delivery log."""


@dataclass(frozen=True)
class Outgoing:
    """One message, rendered in its recipient's language, ready for a channel."""

    channel: Channel
    language: str
    title: str
    body: str
    link: str | None = None          # an absolute URL on the site
    link_text: str = ""
    footer: str = ""
    to: str | None = None            # an e-mail address, or the person's user id on `platform`
    platform: str | None = None      # a work notice's platform: 'wecom', 'dingtalk' or 'feishu'
    unsubscribe: str | None = None   # an absolute URL: List-Unsubscribe


def is_configured(config: Mapping, channel: Channel) -> bool:
    if channel is Channel.WORK:
        from courseware.services.people import platforms

        return bool(platforms.configured(config))
    names = SETTINGS[channel]
    return not names or bool(config.get(names[0]))


def configured(config: Mapping, group: bool | None = None) -> list[Channel]:
    """The channels in use, in order; `group` narrows to the robots (True) or the others (False)."""
    return [channel for channel in Channel if is_configured(config, channel)
            and (group is None or channel.is_group == group)]


@dataclass(frozen=True)
class ShownSetting:
    name: str
    value: str  # masked: no password, secret or webhook token is ever shown whole


def shown_settings(config: Mapping, channel: Channel) -> list[ShownSetting]:
    return [ShownSetting(name, mask(name, str(config.get(name) or ""))) for name in SETTINGS[channel]]


def mask(name: str, value: str) -> str:
    """A setting as HR may see it: the password in a URL, a webhook's token and secrets hidden."""
    if not value:
        return ""
    if name in SECRETS:
        return "••••••"
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        return value
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    if parts.username:
        host = f"{parts.username}:••••••@{host}"
    path = parts.path
    if name.endswith("WEBHOOK_URL"):  # the token is in the path (Feishu) or the query (WeCom, DingTalk)
        path = _keep_start(path, 24)
        return urlunsplit((parts.scheme, host, path, "••••••" if parts.query else "", ""))
    return urlunsplit((parts.scheme, host, path, parts.query, ""))


def _keep_start(path: str, length: int) -> str:
    return path if len(path) <= length else path[:length] + "••••••"


def send(config: Mapping, outgoing: Outgoing, smtp: mail.Connection | None = None) -> None:
    """Send one message on its channel (a mail on `smtp`, a batch's connection, when given);
    DeliveryError with the reason when it does not go."""
    from courseware.services.notifications import mail, robots, work_notices

    if outgoing.channel is Channel.EMAIL:
        if smtp is not None:
            smtp.send(outgoing)
        else:
            mail.send(config, outgoing)
    elif outgoing.channel is Channel.WECOM:
        robots.send_wecom(config["WECOM_WEBHOOK_URL"], outgoing)
    elif outgoing.channel is Channel.DINGTALK:
        robots.send_dingtalk(config["DINGTALK_WEBHOOK_URL"], config.get("DINGTALK_SECRET") or "", outgoing)
    elif outgoing.channel is Channel.FEISHU:
        robots.send_feishu(config["FEISHU_WEBHOOK_URL"], config.get("FEISHU_SECRET") or "", outgoing)
    elif outgoing.channel is Channel.WORK:
        work_notices.send(config, outgoing)
    else:
        raise DeliveryError(f"no sender for channel {outgoing.channel}")
