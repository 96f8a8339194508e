"""The company's work platforms, WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书): one API client each
(`wecom.py`, `dingtalk.py`, `feishu.py`, plain HTTP over `requests`, the shared parts in
`common.py`) for the web sign-in (courseware/auth/platforms.py), the directory (a DirectorySource
for the directory sync) and work notices to one person.

Configured from the application's settings (courseware/config.py): a platform is on when its
credentials are all set; `*_BASE_URL` replaces the platform's hosts (tests point it at a local fake).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from courseware.services.people.directory_types import (
    DirectorySnapshot,
    DirectorySource,
    DirectoryUnavailable,
)
from courseware.services.people.platforms.common import (
    NotAMember,
    PlatformError,
    PlatformUnreachable,
    display_name,
)
from courseware.services.people.platforms.dingtalk import DingTalk
from courseware.services.people.platforms.feishu import Feishu
from courseware.services.people.platforms.wecom import WeCom

__all__ = ["PROVIDERS", "DingTalk", "Feishu", "NotAMember", "PlatformError", "PlatformUnreachable", "WeCom",
           "client", "configured", "directory_source",
           "display_name"]

Client = WeCom | DingTalk | Feishu
PROVIDERS = ("wecom", "dingtalk", "feishu")
# The settings each platform needs, all set for it to be on.
REQUIRED = {"wecom": ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET"),
            "dingtalk": ("DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET"),
            "feishu": ("FEISHU_APP_ID", "FEISHU_APP_SECRET")}


def configured(config: Mapping[str, Any]) -> list[str]:
    """The platforms whose settings are all there, in the order the sign-in page shows them."""
    return [name for name in PROVIDERS if all(config.get(key) for key in REQUIRED[name])]


def client(provider: str, config: Mapping[str, Any]) -> Client:
    """The API client of a configured platform; ValueError naming what is missing otherwise."""
    if provider not in REQUIRED:
        raise ValueError(f"unknown platform {provider!r}: one of {', '.join(PROVIDERS)}")
    missing = [key for key in REQUIRED[provider] if not config.get(key)]
    if missing:
        raise ValueError(f"{provider} is not configured: set {', '.join(missing)}")
    if provider == "wecom":
        return WeCom(config["WECOM_CORP_ID"], str(config["WECOM_AGENT_ID"]), config["WECOM_SECRET"],
                     base_url=config.get("WECOM_BASE_URL", ""))
    if provider == "dingtalk":
        return DingTalk(config["DINGTALK_CLIENT_ID"], config["DINGTALK_CLIENT_SECRET"],
                        agent_id=str(config.get("DINGTALK_AGENT_ID") or ""),
                        base_url=config.get("DINGTALK_BASE_URL", ""))
    return Feishu(config["FEISHU_APP_ID"], config["FEISHU_APP_SECRET"],
                  base_url=config.get("FEISHU_BASE_URL", ""))


class PlatformDirectory:
    """A platform's directory as the sync reads it: all of it, or DirectoryUnavailable saying why."""

    def __init__(self, api: Client) -> None:
        self.api = api
        self.provider = api.provider

    def snapshot(self) -> DirectorySnapshot:
        try:
            return self.api.snapshot()
        except PlatformError as error:
            raise DirectoryUnavailable(str(error)) from error
        except (KeyError, TypeError, ValueError) as error:  # an answer not in the documented shape
            raise DirectoryUnavailable(f"{self.provider}: unexpected answer ({type(error).__name__}: "
                                       f"{error})") from error


def directory_source(provider: str, config: Mapping[str, Any]) -> DirectorySource:
    """The directory of 'wecom', 'dingtalk' or 'feishu' from the settings (the app's config);
    DirectoryUnavailable naming the missing settings when the platform is not configured."""
    try:
        return PlatformDirectory(client(provider, config))
    except ValueError as error:
        raise DirectoryUnavailable(str(error)) from error
