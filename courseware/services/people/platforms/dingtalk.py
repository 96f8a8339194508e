"""DingTalk (钉钉): sign-in, the directory and work notices through an internal app, plain HTTP
(https://open.dingtalk.com/document/orgapp/tutorial-obtaining-user-personal-information and the
server API pages).

- Web sign-in (OAuth 2): the browser goes to login.dingtalk.com/oauth2/auth (client_id,
  redirect_uri, response_type=code, scope=openid, state, prompt=consent) and comes back with
  `authCode` (and `code`); POST api.dingtalk.com/v1.0/oauth2/userAccessToken {clientId,
  clientSecret, code, grantType} → {accessToken}; GET /v1.0/contact/users/me with header
  x-acs-dingtalk-access-token → {unionId, nick, email}; POST oapi.dingtalk.com/topapi/user/getbyunionid
  {unionid} → {result: {userid}} (errcode 60121: not in this company). The new API answers errors
  with an HTTP error and {code, message}.
- App access token: GET oapi.dingtalk.com/gettoken?appkey&appsecret (the client id and secret) →
  {errcode, access_token, expires_in}; fetched again on errcode 40014 or 42001.
- Directory: POST /topapi/v2/department/listsub {dept_id} (one level; walked from the top, 1),
  POST /topapi/v2/user/list {dept_id, cursor, size} → {result: {list, has_more, next_cursor}}.
- Work notice: POST /topapi/message/corpconversation/asyncsend_v2 {agent_id, userid_list, msg}.
"""
from __future__ import annotations

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
    NotAMember,
    PlatformError,
    TokenCache,
    TokenExpired,
    required,
)
from courseware.services.people.sso import Identity

if TYPE_CHECKING:
    import requests  # imported by the clients' JsonApi when one is made

OAPI = "https://oapi.dingtalk.com"
API = "https://api.dingtalk.com"
LOGIN = "https://login.dingtalk.com"
EXPIRED = {40014, 42001}
NOT_FOUND = 60121
TOP = 1  # the company itself
PAGE = 100


class DingTalk(JsonApi):
    platform = provider = "dingtalk"

    def __init__(self, client_id: str, client_secret: str, agent_id: str = "", base_url: str = "",
                 http: requests.Session | None = None, clock: Callable[[], float] | None = None) -> None:
        super().__init__(http)
        self.client_id, self.client_secret, self.agent_id = client_id, client_secret, agent_id
        self.oapi, self.api, self.login = ((base_url or host).rstrip("/") for host in (OAPI, API, LOGIN))
        self.tokens = TokenCache(self._fetch_token, *([clock] if clock else []))

    def _fetch_token(self) -> tuple[str, int]:
        body = self._checked("GET", "/gettoken",
                             params={"appkey": self.client_id, "appsecret": self.client_secret})
        return required(body, "access_token", self.platform, "/gettoken"), int(body.get("expires_in") or 7200)

    def _checked(self, method: str, endpoint: str, **kwargs: Any) -> dict:
        _status, body = self.request(method, self.oapi + endpoint, endpoint, **kwargs)
        code = body.get("errcode", 0)
        if code in EXPIRED:
            raise TokenExpired(self.platform, endpoint, code, str(body.get("errmsg", "")))
        if code == NOT_FOUND and endpoint == "/topapi/user/getbyunionid":
            raise NotAMember(self.platform, endpoint, code, str(body.get("errmsg", "")))
        if code != 0:
            raise PlatformError(self.platform, endpoint, code, str(body.get("errmsg", "")))
        return body

    def _call(self, endpoint: str, json: dict) -> dict:
        return self.tokens.call(lambda token: self._checked(
            "POST", endpoint, params={"access_token": token}, json=json))

    def _new_api(self, method: str, endpoint: str, **kwargs: Any) -> dict:
        status, body = self.request(method, self.api + endpoint, endpoint, **kwargs)
        if status >= 400 or "code" in body and "message" in body:
            raise PlatformError(self.platform, endpoint, body.get("code", status),
                                str(body.get("message", "")))
        return body

    # Sign-in
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return f"{self.login}/oauth2/auth?" + urlencode({
            "client_id": self.client_id, "redirect_uri": redirect_uri, "response_type": "code",
            "scope": "openid", "state": state, "prompt": "consent"})

    def identity(self, code: str, _redirect_uri: str = "") -> Identity:
        token = self._new_api("POST", "/v1.0/oauth2/userAccessToken", json={
            "clientId": self.client_id, "clientSecret": self.client_secret, "code": code,
            "grantType": "authorization_code"})
        access = required(token, "accessToken", self.platform, "/v1.0/oauth2/userAccessToken")
        me = self._new_api("GET", "/v1.0/contact/users/me", headers={"x-acs-dingtalk-access-token": access})
        union_id = required(me, "unionId", self.platform, "/v1.0/contact/users/me")
        result = self._call("/topapi/user/getbyunionid", {"unionid": union_id}).get("result") or {}
        userid = required(result, "userid", self.platform, "/topapi/user/getbyunionid")
        return Identity(provider=self.provider, subject=str(userid), email=me.get("email") or None,
                        email_verified=False, username=str(userid), full_name=me.get("nick"))

    # Directory
    def subdepartments(self, dept_id: int) -> list[dict]:
        return list(self._call("/topapi/v2/department/listsub", {"dept_id": dept_id}).get("result") or [])

    def users_of(self, dept_id: int) -> list[dict]:
        """Every page of the department's members, following `next_cursor` while `has_more`."""
        users: list[dict] = []
        cursor = 0
        while True:
            result = self._call("/topapi/v2/user/list",
                                {"dept_id": dept_id, "cursor": cursor, "size": PAGE}).get("result") or {}
            users += result.get("list") or []
            if not result.get("has_more"):
                return users
            cursor = required(result, "next_cursor", self.platform, "/topapi/v2/user/list")

    def snapshot(self) -> DirectorySnapshot:
        """Every department below the company (walked level by level) and every member of each."""
        departments: list[DirectoryDepartment] = []
        queue, seen = [TOP], {TOP}
        while queue:
            parent = queue.pop(0)
            for each in self.subdepartments(parent):
                dept_id = int(each["dept_id"])
                if dept_id in seen:
                    continue
                seen.add(dept_id)
                queue.append(dept_id)
                departments.append(DirectoryDepartment(
                    external_id=str(dept_id), name=str(each.get("name", "")),
                    parent_external_id=None if parent == TOP else str(parent)))
        people: dict[str, DirectoryPerson] = {}
        for dept_id in [TOP, *(int(each.external_id) for each in departments)]:
            for user in self.users_of(dept_id):
                people.setdefault(str(user["userid"]), _person(user))
        return DirectorySnapshot(provider=self.provider, departments=departments,
                                 people=list(people.values()))

    # Work notices
    def send_text(self, userids: list[str], text: str) -> dict:
        """A text work notice from the app (DINGTALK_AGENT_ID) to these people; answers its task_id."""
        return self._call("/topapi/message/corpconversation/asyncsend_v2", {
            "agent_id": int(self.agent_id or 0), "userid_list": ",".join(userids),
            "msg": {"msgtype": "text", "text": {"content": text}}})


def _person(user: dict) -> DirectoryPerson:
    departments = [str(each) for each in user.get("dept_id_list") or [] if int(each) != TOP]
    return DirectoryPerson(
        external_id=str(user["userid"]), full_name=str(user.get("name") or user["userid"]),
        username=str(user["userid"]), email=user.get("org_email") or user.get("email") or None,
        mobile=user.get("mobile") or None, title=user.get("title") or None,
        department_external_id=departments[0] if departments else None,
        manager_external_id=user.get("manager_userid") or None)
