"""A local stand-in for WeCom, DingTalk and Feishu: one threaded HTTP server on 127.0.0.1 that answers
the endpoints courseware/services/people/platforms uses, with the shapes their documentation gives, for
one small company (below). Point a platform at it with its *_BASE_URL (the `work_platforms` fixture's
`settings()`).

Switches: `signed_in_as` (who "signs in" at the authorize pages, which redirect back with a code),
`expire_tokens(platform)` (the app token in use is answered as expired, a new one then works),
`fail(platform, path, code, message, times)` (error answers), `page_size` (pages of the paged lists).
What it received: `token_requests`, `authorize_requests`, `messages` (work notices: platform, to, text)
and `calls` (platform, path).
"""
from __future__ import annotations

import itertools
import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

SECRETS = {"wecom": "wecom-secret", "dingtalk": "dingtalk-secret", "feishu": "feishu-secret"}
IDS = {"wecom": "ww-corp", "dingtalk": "ding-client", "feishu": "cli_feishu"}


@dataclass
class Person:
    userid: str
    name: str
    department: int  # 1: the company itself
    manager: str | None = None
    mail: str | None = None
    mobile: str | None = None
    title: str | None = None
    left: bool = False


DEPARTMENTS = [(2, "Marketing Center", 1), (3, "International Trade", 2), (4, "Finance", 1)]
PEOPLE = [
    Person("zhou.min", "Zhou Min", 1, title="President"),
    Person("chen.yong", "Chen Yong", 2, manager="zhou.min", mail="chen.yong@example.com",
           title="General manager"),
    Person("wang.lei", "Wang Lei", 3, manager="chen.yong", mail="wang.lei@example.com", mobile="13800000001"),
    Person("li.na", "Li Na", 3, manager="wang.lei"),
    Person("sun.hao", "Sun Hao", 3, manager="wang.lei"),
    Person("zhao.jing", "Zhao Jing", 4, manager="zhou.min"),
    Person("stranger", "Stranger Member", 4),  # in the company there, with no account here
    Person("gone.away", "Gone Away", 4, left=True),
]


def _feishu_department(number: int) -> str:
    return "0" if number == 1 else f"od-{number}"


@dataclass
class FakeWorkPlatforms:
    base_url: str = ""
    page_size: int = 2
    signed_in_as: str = "wang.lei"
    people: list[Person] = field(default_factory=lambda: list(PEOPLE))
    token_requests: Counter = field(default_factory=Counter)
    authorize_requests: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    _tokens: dict[str, set[str]] = field(default_factory=lambda: {name: set() for name in SECRETS})
    _codes: dict[str, str] = field(default_factory=dict)  # a code or user token -> the userid
    _failures: dict[tuple[str, str], list] = field(default_factory=dict)
    _serial: Iterator[int] = field(default_factory=itertools.count)

    def settings(self, *platforms: str) -> dict:
        """The app's settings that turn these platforms (all three by default) on, against this server."""
        chosen = platforms or tuple(SECRETS)
        values = {
            "wecom": {"WECOM_CORP_ID": IDS["wecom"], "WECOM_AGENT_ID": "1000002",
                      "WECOM_SECRET": SECRETS["wecom"]},
            "dingtalk": {"DINGTALK_CLIENT_ID": IDS["dingtalk"], "DINGTALK_CLIENT_SECRET": SECRETS["dingtalk"],
                         "DINGTALK_AGENT_ID": "2000003"},
            "feishu": {"FEISHU_APP_ID": IDS["feishu"], "FEISHU_APP_SECRET": SECRETS["feishu"]}}
        settings: dict = {}
        for name in chosen:
            settings |= values[name] | {f"{name.upper()}_BASE_URL": self.base_url}
        return settings

    def expire_tokens(self, platform: str) -> None:
        self._tokens[platform].clear()

    def fail(self, platform: str, path: str, code: object, message: str = "error", times: int = 1000) -> None:
        self._failures[(platform, path)] = [code, message, times]

    def person(self, userid: str) -> Person | None:
        return next((each for each in self.people if each.userid == userid), None)

    # Plumbing
    def _new(self, prefix: str) -> str:
        return f"{prefix}-{next(self._serial)}"

    def _token(self, platform: str) -> str:
        self.token_requests[platform] += 1
        token = self._new(f"{platform}-token")
        self._tokens[platform].add(token)
        return token

    def _failure(self, platform: str, path: str) -> tuple[object, str] | None:
        failure = self._failures.get((platform, path))
        if not failure or failure[2] <= 0:
            return None
        failure[2] -= 1
        return failure[0], failure[1]

    def _login(self, query: dict, code_name: str = "code") -> tuple[int, dict, dict]:
        self.authorize_requests.append(query)
        code = self._new("code")
        self._codes[code] = self.signed_in_as
        target = query["redirect_uri"] + "?" + urlencode({code_name: code, "state": query.get("state", "")})
        return 302, {"Location": target}, {}

    def handle(self, method: str, path: str, query: dict, body: dict,
               headers: dict) -> tuple[int, dict, dict]:
        from tests.fakes import work_platform_routes as routes

        platform = routes.platform_of(path)
        self.calls.append((platform, path))
        if path in ("/wwlogin/sso/login", "/oauth2/auth", "/open-apis/authen/v1/authorize"):
            return self._login(query, "authCode" if platform == "dingtalk" else "code")
        failure = self._failure(platform, path)
        if failure is not None:
            return routes.error(platform, *failure)
        return routes.answer(self, platform, method, path, query, body, headers)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else {}
        with self.server.lock:
            status, headers, answer = self.server.fake.handle(method, parts.path, query, body,
                                                              dict(self.headers))
        data = json.dumps(answer).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeWorkPlatforms, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.fake, self.lock = fake, threading.Lock()


@pytest.fixture
def work_platforms() -> Iterator[FakeWorkPlatforms]:
    """The fake platforms, serving on a free port of 127.0.0.1 for the test."""
    fake = FakeWorkPlatforms()
    server = _Server(fake)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    # shutdown() waits for the loop's next poll: every 10 ms rather than the default 0.5 s.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(5)


def main(argv: list[str]) -> None:
    """`python -m tests.fakes.work_platforms [PORT] [USERID]`: the fake platforms for `make run`, where
    whoever signs in at any of them is USERID (default chen.yong, the demo's general manager)."""
    fake = FakeWorkPlatforms(signed_in_as=argv[2] if len(argv) > 2 else "chen.yong")
    server = _Server(fake, int(argv[1]) if len(argv) > 1 else 5591)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Fake WeCom, DingTalk and Feishu on {fake.base_url}; sign-ins are {fake.signed_in_as}. Settings:")
    print(" ".join(f"{key}={value}" for key, value in fake.settings().items()))
    server.serve_forever()


if __name__ == "__main__":
    import sys

    main(sys.argv)
