"""WeCom (企业微信): sign-in, the directory and work notices through a self-built app's API, plain HTTP
(https://developer.work.weixin.qq.com/document/path/90664 and the pages it links).

- Access token: GET /cgi-bin/gettoken?corpid&corpsecret → {errcode, access_token, expires_in}; kept
  until shortly before it expires, fetched again on errcode 40014 (invalid) or 42001 (expired).
- Web sign-in: the browser goes to login.work.weixin.qq.com/wwlogin/sso/login (login_type=CorpApp,
  appid = corp id, agentid, redirect_uri, state) and comes back with `code`; GET
  /cgi-bin/auth/getuserinfo?code → {userid} (an `openid` instead: not a member), then
  /cgi-bin/user/get?userid for the name and company mailbox (`biz_mail`).
- Directory: /cgi-bin/department/list (every department), /cgi-bin/user/list?department_id (its
  direct members; `direct_leader` is the line manager, `status` 1 active, 4 not yet activated).
- Work notice: POST /cgi-bin/message/send {touser, msgtype: text, agentid, text: {content}}.
Every answer carries `errcode` (0: success) and `errmsg`.
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
    PlatformUnreachable,
    TokenCache,
    TokenExpired,
    required,
)
from courseware.services.people.sso import Identity

if TYPE_CHECKING:
    import requests  # imported by the clients' JsonApi when one is made

API = "https://qyapi.weixin.qq.com"
LOGIN = "https://login.work.weixin.qq.com"
EXPIRED = {40014, 42001}
STAYING = {1, 4}  # active, not yet activated; 2 (disabled) and 5 (left) are not listed


class WeCom(JsonApi):
    platform = provider = "wecom"

    def __init__(self, corp_id: str, agent_id: str, secret: str, base_url: str = "",
                 http: requests.Session | None = None, clock: Callable[[], float] | None = None) -> None:
        super().__init__(http)
        self.corp_id, self.agent_id, self.secret = corp_id, agent_id, secret
        self.api = (base_url or API).rstrip("/")
        self.login = (base_url or LOGIN).rstrip("/")
        self.tokens = TokenCache(self._fetch_token, *([clock] if clock else []))

    def _fetch_token(self) -> tuple[str, int]:
        body = self._checked("GET", "/cgi-bin/gettoken",
                             params={"corpid": self.corp_id, "corpsecret": self.secret})
        return required(body, "access_token", self.platform, "/cgi-bin/gettoken"), int(
            body.get("expires_in") or 7200)

    def _checked(self, method: str, endpoint: str, **kwargs: Any) -> dict:
        _status, body = self.request(method, self.api + endpoint, endpoint, **kwargs)
        code = body.get("errcode", 0)
        if code in EXPIRED:
            raise TokenExpired(self.platform, endpoint, code, str(body.get("errmsg", "")))
        if code != 0:
            raise PlatformError(self.platform, endpoint, code, str(body.get("errmsg", "")))
        return body

    def _call(self, method: str, endpoint: str, params: dict | None = None, json: dict | None = None) -> dict:
        return self.tokens.call(lambda token: self._checked(
            method, endpoint, params={"access_token": token, **(params or {})}, json=json))

    # Sign-in
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return f"{self.login}/wwlogin/sso/login?" + urlencode({
            "login_type": "CorpApp", "appid": self.corp_id, "agentid": self.agent_id,
            "redirect_uri": redirect_uri, "state": state})

    def identity(self, code: str, _redirect_uri: str = "") -> Identity:
        answer = self._call("GET", "/cgi-bin/auth/getuserinfo", {"code": code})
        userid = answer.get("userid") or answer.get("UserId")
        if not userid:
            raise NotAMember(self.platform, "/cgi-bin/auth/getuserinfo", "-", "not a member of the company")
        try:
            user = self.user(userid)
        except PlatformUnreachable:
            raise
        except PlatformError:  # no permission to read members (since 2022 a new app's default): the id
            user = {}
        mailbox = user.get("biz_mail") or None  # the company's mailbox: given by the company
        return Identity(provider=self.provider, subject=str(userid), email=mailbox,
                        email_verified=bool(mailbox), username=str(userid), full_name=user.get("name"))

    def user(self, userid: str) -> dict:
        return self._call("GET", "/cgi-bin/user/get", {"userid": userid})

    # Directory
    def departments(self) -> list[dict]:
        return list(self._call("GET", "/cgi-bin/department/list").get("department") or [])

    def users_of(self, department_id: str) -> list[dict]:
        return list(self._call("GET", "/cgi-bin/user/list", {"department_id": department_id})
                    .get("userlist") or [])

    def snapshot(self) -> DirectorySnapshot:
        """Every department but the top one (the company itself) and everyone active in them."""
        listed = self.departments()
        roots = {str(each["id"]) for each in listed if not each.get("parentid")}
        departments = [DirectoryDepartment(external_id=str(each["id"]), name=str(each.get("name", "")),
                                           parent_external_id=_parent(each.get("parentid"), roots))
                       for each in listed if str(each["id"]) not in roots]
        people: dict[str, DirectoryPerson] = {}
        for department in listed:
            for each in self.users_of(str(department["id"])):
                if each.get("status", 1) in STAYING and str(each["userid"]) not in people:
                    people[str(each["userid"])] = _person(each, roots)
        return DirectorySnapshot(provider=self.provider, departments=departments,
                                 people=list(people.values()))

    # Work notices
    def send_text(self, userids: list[str], text: str) -> dict:
        """A text work notice from the app to these people; PlatformError when WeCom names any of them
        as unknown (`invaliduser`: it answers errcode 0 and leaves them out)."""
        answer = self._call("POST", "/cgi-bin/message/send", json={
            "touser": "|".join(userids), "msgtype": "text", "agentid": int(self.agent_id or 0),
            "text": {"content": text}})
        if answer.get("invaliduser"):
            raise PlatformError(self.platform, "/cgi-bin/message/send", "invaliduser",
                                str(answer["invaliduser"]))
        return answer


def _parent(parent: object, roots: set[str]) -> str | None:
    return None if not parent or str(parent) in roots else str(parent)


def _person(user: dict, roots: set[str]) -> DirectoryPerson:
    department = user.get("main_department") or next(iter(user.get("department") or []), None)
    leaders = user.get("direct_leader") or []
    return DirectoryPerson(
        external_id=str(user["userid"]), full_name=str(user.get("name") or user["userid"]),
        username=str(user["userid"]), email=user.get("biz_mail") or user.get("email") or None,
        mobile=user.get("mobile") or None, title=user.get("position") or None,
        department_external_id=_parent(department, roots),
        manager_external_id=str(leaders[0]) if leaders else None)
