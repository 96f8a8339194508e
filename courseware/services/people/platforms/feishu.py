"""Feishu (飞书): sign-in, the directory and work notices through a custom (self-built) app, plain
HTTP (https://open.feishu.cn/document/server-docs), on open.feishu.cn but for the sign-in page.

- Web sign-in: the browser goes to accounts.feishu.cn/open-apis/authen/v1/authorize (client_id = app id,
  redirect_uri, response_type=code, state) and comes back with `code`; POST
  /open-apis/authen/v2/oauth/token {grant_type: authorization_code, client_id, client_secret, code,
  redirect_uri} → {code: 0, access_token}; GET /open-apis/authen/v1/user_info (Bearer the user's
  token) → {data: {user_id, name, enterprise_email, …}}. `user_id` needs the app's permission to
  read employee ids.
- App access token: POST /open-apis/auth/v3/tenant_access_token/internal {app_id, app_secret} →
  {code, tenant_access_token, expire}; fetched again on code 99991663 or 99991664 (invalid).
- Directory: GET /open-apis/contact/v3/departments/0/children?fetch_child=true (every department
  below the top, 0) and /open-apis/contact/v3/users/find_by_department?department_id, both paged with
  `page_token` while `has_more`; ids as user_id and open_department_id.
- Work notice: POST /open-apis/im/v1/messages?receive_id_type=user_id {receive_id, msg_type: text,
  content: '{"text": …}'}.
Every answer carries `code` (0: success) and `msg`.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from courseware.services.people.directory_types import (
    DirectoryDepartment,
    DirectoryPerson,
    DirectorySnapshot,
)
from courseware.services.people.platforms.common import (
    JsonApi,
    PlatformError,
    TokenCache,
    TokenExpired,
    required,
)
from courseware.services.people.sso import Identity

if TYPE_CHECKING:
    import requests  # imported by the clients' JsonApi when one is made

BASE = "https://open.feishu.cn"
ACCOUNTS = "https://accounts.feishu.cn"  # the sign-in page
EXPIRED = {99991663, 99991664}
TOP = "0"
PAGE = 50
IDS = {"user_id_type": "user_id", "department_id_type": "open_department_id"}


class Feishu(JsonApi):
    platform = provider = "feishu"

    def __init__(self, app_id: str, app_secret: str, base_url: str = "",
                 http: requests.Session | None = None, clock: Callable[[], float] | None = None) -> None:
        super().__init__(http)
        self.app_id, self.app_secret = app_id, app_secret
        self.base = (base_url or BASE).rstrip("/")
        self.accounts = (base_url or ACCOUNTS).rstrip("/")
        self.tokens = TokenCache(self._fetch_token, *([clock] if clock else []))

    def _fetch_token(self) -> tuple[str, int]:
        endpoint = "/open-apis/auth/v3/tenant_access_token/internal"
        body = self._checked("POST", endpoint, json={"app_id": self.app_id, "app_secret": self.app_secret})
        return required(body, "tenant_access_token", self.platform, endpoint), int(body.get("expire") or 7200)

    def _checked(self, method: str, endpoint: str, **kwargs: Any) -> dict:
        status, body = self.request(method, self.base + endpoint, endpoint, **kwargs)
        code = body.get("code", status if status >= 400 else 0)
        detail = str(body.get("msg") or body.get("error_description") or body.get("error") or "")
        if code in EXPIRED:
            raise TokenExpired(self.platform, endpoint, code, detail)
        if code != 0:
            raise PlatformError(self.platform, endpoint, code, detail)
        return body

    def _call(self, method: str, endpoint: str, params: dict | None = None, json: dict | None = None) -> dict:
        return self.tokens.call(lambda token: self._checked(
            method, endpoint, params=params, json=json, headers={"Authorization": f"Bearer {token}"}))

    def _pages(self, endpoint: str, params: dict) -> list[dict]:
        """Every item of a paged list, following `page_token` while `has_more`."""
        items: list[dict] = []
        token = ""
        while True:
            data = self._call("GET", endpoint, {**params, "page_size": PAGE, **(
                {"page_token": token} if token else {})}).get("data") or {}
            items += data.get("items") or []
            if not data.get("has_more"):
                return items
            token = required(data, "page_token", self.platform, endpoint)

    # Sign-in
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return f"{self.accounts}/open-apis/authen/v1/authorize?" + urlencode({
            "client_id": self.app_id, "redirect_uri": redirect_uri, "response_type": "code", "state": state})

    def identity(self, code: str, redirect_uri: str = "") -> Identity:
        token = self._checked("POST", "/open-apis/authen/v2/oauth/token", json={
            "grant_type": "authorization_code", "client_id": self.app_id, "client_secret": self.app_secret,
            "code": code, "redirect_uri": redirect_uri})
        access = required(token, "access_token", self.platform, "/open-apis/authen/v2/oauth/token")
        data = self._checked("GET", "/open-apis/authen/v1/user_info",
                             headers={"Authorization": f"Bearer {access}"}).get("data") or {}
        userid = required(data, "user_id", self.platform, "/open-apis/authen/v1/user_info")
        mailbox = data.get("enterprise_email") or None  # the company's mailbox: given by the company
        return Identity(provider=self.provider, subject=str(userid), email=mailbox,
                        email_verified=bool(mailbox), username=str(userid), full_name=data.get("name"))

    # Directory
    def departments(self) -> list[dict]:
        return self._pages(f"/open-apis/contact/v3/departments/{TOP}/children",
                           {**IDS, "fetch_child": "true"})

    def users_of(self, department_id: str) -> list[dict]:
        return self._pages("/open-apis/contact/v3/users/find_by_department",
                           {**IDS, "department_id": department_id})

    def snapshot(self) -> DirectorySnapshot:
        """Every department below the company and everyone in them who has not resigned."""
        listed = self.departments()
        departments = [DirectoryDepartment(
            external_id=str(each["open_department_id"]), name=str(each.get("name", "")),
            parent_external_id=_department(each.get("parent_department_id"))) for each in listed]
        people: dict[str, DirectoryPerson] = {}
        for department_id in [TOP, *(each.external_id for each in departments)]:
            for user in self.users_of(department_id):
                if not (user.get("status") or {}).get("is_resigned"):
                    people.setdefault(str(user["user_id"]), _person(user))
        return DirectorySnapshot(provider=self.provider, departments=departments,
                                 people=list(people.values()))

    # Work notices
    def send_text(self, userids: list[str], text: str) -> list[dict]:
        """A text message from the app to each of these people (one call each)."""
        return [self._call("POST", "/open-apis/im/v1/messages", {"receive_id_type": "user_id"}, {
            "receive_id": userid, "msg_type": "text", "content": json.dumps({"text": text})})
            for userid in userids]


def _department(department_id: object) -> str | None:
    return None if not department_id or str(department_id) == TOP else str(department_id)


def _person(user: dict) -> DirectoryPerson:
    departments = [str(each) for each in user.get("department_ids") or [] if str(each) != TOP]
    return DirectoryPerson(
        external_id=str(user["user_id"]), full_name=str(user.get("name") or user["user_id"]),
        username=str(user["user_id"]), email=user.get("enterprise_email") or user.get("email") or None,
        mobile=user.get("mobile") or None, title=user.get("job_title") or None,
        department_external_id=departments[0] if departments else None,
        manager_external_id=user.get("leader_user_id") or None)
