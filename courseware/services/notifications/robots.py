"""The messengers' group robots: a webhook each, posted a JSON message in the platform's own format.

- WeCom (企业微信): `WECOM_WEBHOOK_URL` (…/cgi-bin/webhook/send?key=…),
  `{"msgtype": "markdown", "markdown": {"content": …}}`; answers `{"errcode": 0, "errmsg": "ok"}`.
- DingTalk (钉钉): `DINGTALK_WEBHOOK_URL` (…/robot/send?access_token=…), signed with `DINGTALK_SECRET`:
  `timestamp` (milliseconds) and `sign` = url-encoded base64 of HMAC-SHA256(key=secret,
  msg="timestamp\\nsecret") added to the URL; `{"msgtype": "markdown", "markdown": {"title", "text"}}`;
  answers `{"errcode": 0, …}`.
- Feishu (飞书): `FEISHU_WEBHOOK_URL` (…/open-apis/bot/v2/hook/…), signed with `FEISHU_SECRET`:
  `timestamp` (seconds) and `sign` = base64 of HMAC-SHA256(key="timestamp\\nsecret", msg="") in the
  body; `{"timestamp", "sign", "msg_type": "text", "content": {"text": …}}`; answers `{"code": 0, …}`.

An answer that is not JSON, an HTTP error, or a non-zero `errcode` / `code` is a failure, with the
platform's reason kept for the delivery log.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus

from courseware.services.notifications.channels import DeliveryError, Outgoing

TIMEOUT = 10  # seconds


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def markdown(outgoing: Outgoing) -> str:
    lines = [f"**{outgoing.title}**", "", outgoing.body]
    if outgoing.link:
        lines += ["", f"[{outgoing.link_text}]({outgoing.link})"]
    return "\n".join(lines)


def plain(outgoing: Outgoing) -> str:
    lines = [outgoing.title, outgoing.body]
    if outgoing.link:
        lines.append(f"{outgoing.link_text}: {outgoing.link}")
    return "\n".join(lines)


def send_wecom(url: str, outgoing: Outgoing) -> None:
    answer = post_json(url, {"msgtype": "markdown", "markdown": {"content": markdown(outgoing)}})
    _check(answer, "errcode", "errmsg")


def send_dingtalk(url: str, secret: str, outgoing: Outgoing) -> None:
    if secret:
        timestamp = int(time.time() * 1000)
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    answer = post_json(url, {"msgtype": "markdown",
                             "markdown": {"title": outgoing.title, "text": markdown(outgoing)}})
    _check(answer, "errcode", "errmsg")


def send_feishu(url: str, secret: str, outgoing: Outgoing) -> None:
    payload: dict[str, object] = {}
    if secret:
        timestamp = int(time.time())
        payload = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
    payload |= {"msg_type": "text", "content": {"text": plain(outgoing)}}
    answer = post_json(url, payload)
    # Older Feishu robots answer {"StatusCode": 0, "StatusMessage": "success"}.
    if "code" in answer:
        _check(answer, "code", "msg")
    else:
        _check(answer, "StatusCode", "StatusMessage")


def post_json(url: str, payload: dict) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - an admin's URL
            text = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}: {error.read().decode('utf-8', 'replace')[:300]}") from error
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"cannot reach the webhook: {getattr(error, 'reason', error)}") from error
    try:
        answer = json.loads(text)
    except ValueError as error:
        raise DeliveryError(f"the webhook answered something other than JSON: {text[:200]}") from error
    if not isinstance(answer, dict):
        raise DeliveryError(f"unexpected answer: {text[:200]}")
    return answer


def _check(answer: dict, code_field: str, message_field: str) -> None:
    code = answer.get(code_field)
    if code not in (0, "0"):
        raise DeliveryError(f"{code_field} {code}: {answer.get(message_field, '')}")
