"""The fake work platforms' answers, one function per platform, in each platform's documented shape
(see courseware/services/people/platforms/{wecom,dingtalk,feishu}.py for the endpoints)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.fakes.work_platforms import DEPARTMENTS, IDS, SECRETS, _feishu_department

if TYPE_CHECKING:
    from tests.fakes.work_platforms import FakeWorkPlatforms, Person

Answer = tuple[int, dict, dict]


def platform_of(path: str) -> str:
    if path.startswith(("/cgi-bin/", "/wwlogin/")):
        return "wecom"
    if path.startswith("/open-apis/"):
        return "feishu"
    return "dingtalk"


def error(platform: str, code: object, message: str) -> Answer:
    if platform == "feishu":
        return 200, {}, {"code": code, "msg": message}
    if platform == "dingtalk" and isinstance(code, str):  # the new API: an HTTP error with {code, message}
        return 400, {}, {"code": code, "message": message, "requestid": "r-1"}
    return 200, {}, {"errcode": code, "errmsg": message}


def answer(fake: FakeWorkPlatforms, platform: str, method: str, path: str, query: dict, body: dict,
           headers: dict) -> Answer:
    return {"wecom": _wecom, "dingtalk": _dingtalk, "feishu": _feishu}[platform](
        fake, method, path, query, body, headers)


def _ok(**fields: object) -> Answer:
    return 200, {}, {"errcode": 0, "errmsg": "ok", **fields}


def _members(fake: FakeWorkPlatforms, department: int) -> list[Person]:
    return [each for each in fake.people if each.department == department]


def _page(items: list, start: int, size: int) -> tuple[list, bool]:
    return items[start:start + size], start + size < len(items)


# WeCom
def _wecom_user(person: Person) -> dict:
    return {"userid": person.userid, "name": person.name, "department": [person.department],
            "main_department": person.department, "position": person.title or "",
            "mobile": person.mobile or "",
            "biz_mail": person.mail or "", "email": "", "status": 5 if person.left else 1,
            "direct_leader": [person.manager] if person.manager else []}


def _wecom(fake: FakeWorkPlatforms, method: str, path: str, query: dict, body: dict, headers: dict) -> Answer:
    if path == "/cgi-bin/gettoken":
        if (query.get("corpid"), query.get("corpsecret")) != (IDS["wecom"], SECRETS["wecom"]):
            return error("wecom", 40001, "invalid credential")
        return _ok(access_token=fake._token("wecom"), expires_in=7200)
    if query.get("access_token") not in fake._tokens["wecom"]:
        return error("wecom", 42001, "access_token expired")
    if path == "/cgi-bin/auth/getuserinfo":
        userid = fake._codes.pop(query.get("code", ""), None)
        if userid is None:
            return error("wecom", 40029, "invalid code")
        return _ok(userid=userid) if fake.person(userid) else _ok(openid="o-" + userid)
    if path == "/cgi-bin/user/get":
        person = fake.person(query.get("userid", ""))
        return _ok(**_wecom_user(person)) if person else error("wecom", 60111, "userid not found")
    if path == "/cgi-bin/department/list":
        return _ok(department=[{"id": 1, "name": "Acme", "parentid": 0, "order": 1}] + [
            {"id": number, "name": name, "parentid": parent, "order": 1}
            for number, name, parent in DEPARTMENTS])
    if path == "/cgi-bin/user/list":
        return _ok(userlist=[_wecom_user(each) for each in _members(fake, int(query["department_id"]))])
    if path == "/cgi-bin/message/send":
        unknown = [each for each in body["touser"].split("|") if fake.person(each) is None]
        fake.messages.append({"platform": "wecom", "to": body["touser"], "text": body["text"]["content"]})
        return _ok(invaliduser="|".join(unknown), msgid="m-1")
    return 404, {}, {"errcode": 404, "errmsg": "no such endpoint"}


# DingTalk
def _dingtalk_user(person: Person) -> dict:
    return {"userid": person.userid, "unionid": "union-" + person.userid, "name": person.name,
            "dept_id_list": [person.department], "title": person.title or "", "mobile": person.mobile or "",
            "org_email": person.mail or "", "active": True, "manager_userid": person.manager or ""}


def _dingtalk(fake: FakeWorkPlatforms, method: str, path: str, query: dict, body: dict,
              headers: dict) -> Answer:
    if path == "/gettoken":
        if (query.get("appkey"), query.get("appsecret")) != (IDS["dingtalk"], SECRETS["dingtalk"]):
            return error("dingtalk", 40089, "invalid appkey or appsecret")
        return _ok(access_token=fake._token("dingtalk"), expires_in=7200)
    if path == "/v1.0/oauth2/userAccessToken":
        userid = fake._codes.pop(body.get("code", ""), None)
        if userid is None or body.get("clientSecret") != SECRETS["dingtalk"]:
            return error("dingtalk", "invalidParameter.authCode", "authCode is invalid")
        user_token = fake._new("dt-user")
        fake._codes[user_token] = userid
        return 200, {}, {"accessToken": user_token, "refreshToken": "r", "expireIn": 7200}
    if path == "/v1.0/contact/users/me":
        userid = fake._codes.get(headers.get("x-acs-dingtalk-access-token", ""))
        if userid is None:
            return 401, {}, {"code": "InvalidAuthentication", "message": "token invalid"}
        person = fake.person(userid)
        return 200, {}, {"nick": person.name if person else userid, "unionId": "union-" + userid,
                         "openId": "open-" + userid, "email": "", "stateCode": "86"}
    if query.get("access_token") not in fake._tokens["dingtalk"]:
        return error("dingtalk", 42001, "access_token expired")
    return _dingtalk_topapi(fake, path, body)


def _dingtalk_topapi(fake: FakeWorkPlatforms, path: str, body: dict) -> Answer:
    if path == "/topapi/user/getbyunionid":
        person = fake.person(str(body.get("unionid", "")).removeprefix("union-"))
        if person is None:
            return error("dingtalk", 60121, "user not found")
        return _ok(result={"userid": person.userid, "contact_type": 0}, request_id="r-2")
    if path == "/topapi/v2/department/listsub":
        return _ok(result=[{"dept_id": number, "name": name, "parent_id": parent}
                           for number, name, parent in DEPARTMENTS if parent == body["dept_id"]])
    if path == "/topapi/v2/user/list":
        members = [each for each in _members(fake, body["dept_id"]) if not each.left]
        items, more = _page(members, int(body.get("cursor", 0)), min(fake.page_size, body.get("size", 100)))
        page = {"list": [_dingtalk_user(each) for each in items], "has_more": more}
        return _ok(result=page | ({"next_cursor": int(body.get("cursor", 0)) + len(items)} if more else {}))
    if path == "/topapi/message/corpconversation/asyncsend_v2":
        if body.get("agent_id") != 2000003:
            return error("dingtalk", 60020, "agent_id is invalid")
        fake.messages.append({"platform": "dingtalk", "to": body["userid_list"],
                              "text": body["msg"]["text"]["content"]})
        return _ok(task_id=1)
    return 404, {}, {"errcode": 404, "errmsg": "no such endpoint"}


# Feishu
def _feishu_ok(data: dict) -> Answer:
    return 200, {}, {"code": 0, "msg": "success", "data": data}


def _feishu_user(person: Person) -> dict:
    return {"user_id": person.userid, "open_id": "ou-" + person.userid, "name": person.name,
            "department_ids": [_feishu_department(person.department)], "job_title": person.title or "",
            "mobile": person.mobile or "", "enterprise_email": person.mail or "",
            "leader_user_id": person.manager or "",
            "status": {"is_resigned": person.left, "is_activated": True}}


def _feishu_page(fake: FakeWorkPlatforms, items: list, query: dict) -> Answer:
    start = int(query.get("page_token") or 0)
    chosen, more = _page(items, start, min(fake.page_size, int(query.get("page_size", 50))))
    following = {"page_token": str(start + len(chosen))} if more else {}
    return _feishu_ok({"items": chosen, "has_more": more, **following})


def _feishu(fake: FakeWorkPlatforms, method: str, path: str, query: dict, body: dict,
            headers: dict) -> Answer:
    bearer = headers.get("Authorization", "").removeprefix("Bearer ")
    if path == "/open-apis/auth/v3/tenant_access_token/internal":
        if (body.get("app_id"), body.get("app_secret")) != (IDS["feishu"], SECRETS["feishu"]):
            return error("feishu", 10014, "app secret invalid")
        return 200, {}, {"code": 0, "msg": "ok", "tenant_access_token": fake._token("feishu"), "expire": 7200}
    if path == "/open-apis/authen/v2/oauth/token":
        userid = fake._codes.pop(body.get("code", ""), None)
        if userid is None or body.get("client_secret") != SECRETS["feishu"]:
            return 400, {}, {"code": 20003, "error": "invalid_grant", "error_description": "code is invalid"}
        user_token = fake._new("u-token")
        fake._codes[user_token] = userid
        return 200, {}, {"code": 0, "access_token": user_token, "expires_in": 7200, "token_type": "Bearer"}
    if path == "/open-apis/authen/v1/user_info":
        userid = fake._codes.get(bearer)
        person = fake.person(userid or "")
        if person is None:
            return 401, {}, {"code": 99991668, "msg": "Invalid access token"}
        return _feishu_ok({"name": person.name, "user_id": person.userid, "open_id": "ou-" + person.userid,
                           "enterprise_email": person.mail or "", "email": "", "tenant_key": "t-1"})
    if bearer not in fake._tokens["feishu"]:
        return error("feishu", 99991663, "Invalid access token for authorization")
    return _feishu_tenant(fake, path, query, body)


def _feishu_tenant(fake: FakeWorkPlatforms, path: str, query: dict, body: dict) -> Answer:
    if path == "/open-apis/contact/v3/departments/0/children":
        return _feishu_page(fake, [{"name": name, "open_department_id": _feishu_department(number),
                                    "department_id": str(number),
                                    "parent_department_id": _feishu_department(parent)}
                                   for number, name, parent in DEPARTMENTS], query)
    if path == "/open-apis/contact/v3/users/find_by_department":
        number = 1 if query["department_id"] == "0" else int(query["department_id"].removeprefix("od-"))
        return _feishu_page(fake, [_feishu_user(each) for each in _members(fake, number)], query)
    if path == "/open-apis/im/v1/messages":
        if fake.person(body.get("receive_id", "")) is None:
            return error("feishu", 230013, "Bot has NO availability to this user.")
        fake.messages.append({"platform": "feishu", "to": body["receive_id"],
                              "text": json.loads(body["content"])["text"]})
        return _feishu_ok({"message_id": "om-1", "msg_type": "text"})
    return 404, {}, {"code": 404, "msg": "no such endpoint"}
