"""Real parts for the notification tests: an SMTP server (aiosmtpd) that keeps what it receives, a
local HTTP server standing in for the WeCom, DingTalk and Feishu robots (it checks each payload and
signature as the platforms document them), a fixed clock, and a department with an assignment."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from courseware import jobs
from courseware.extensions import db
from courseware.models import Assignment, Delivery, Department, Notification, User
from courseware.services.catalog import published
from courseware.services.learning import quizzes
from tests.conftest import read_lesson

# 10:00 in Shanghai on a Monday: outside quiet hours.
T0 = datetime(2031, 3, 3, 2, 0)
DINGTALK_SECRET = "SECdingtalk-test-secret"
FEISHU_SECRET = "feishu-test-secret"


class Mailbox:
    """An aiosmtpd handler that keeps every mail it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[tuple[str, str]] = []
        self.peers: list[tuple[str, int]] = []  # the client's address and port of each mail: its connection
        # While `hold` is set, a mail's data is kept unanswered until `release()`, then refused for
        # now (451): never accepted. As a server that a killed sender left in the middle of a mail.
        self.hold = False
        self.held: list[EmailMessage] = []
        self._released = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        if self.hold:
            self.held.append(message)  # type: ignore[arg-type]
            while not self._released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        self.messages.append(message)  # type: ignore[arg-type]
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"

    def release(self) -> None:
        self.hold = False
        self._released.set()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SinkController(Controller):
    """aiosmtpd's Controller on port 0: the system picks a free port, read back once listening."""

    def _trigger_server(self) -> None:
        if self.port == 0:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class Authenticator:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.mailbox.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        # handled=False: aiosmtpd answers the failure (535) itself.
        return AuthResult(success=auth_data.password == b"right password", handled=False)


@dataclass
class SmtpServer:
    mailbox: Mailbox
    controller: Controller
    port: int

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()

    def start(self) -> None:
        """Listen again on the same port (after stop)."""
        self.controller = SinkController(self.mailbox, hostname="127.0.0.1", port=self.port,
                                         authenticator=Authenticator(self.mailbox), auth_require_tls=False,
                                         auth_exclude_mechanism=["LOGIN"])
        self.controller.start()


@pytest.fixture
def smtp(app):
    """An SMTP server on 127.0.0.1, and the site configured to send through it."""
    mailbox = Mailbox()
    controller = SinkController(mailbox, hostname="127.0.0.1", port=0,
                                authenticator=Authenticator(mailbox), auth_require_tls=False,
                                auth_exclude_mechanism=["LOGIN"])
    controller.start()
    server = SmtpServer(mailbox, controller, controller.port)
    app.config.update(SMTP_URL=server.url, MAIL_FROM="Culture Courses <courses@example.com>",
                      SITE_URL="https://courses.example.com")
    yield server
    if server.controller._thread is not None:
        server.controller.stop()


@dataclass
class RobotCall:
    platform: str
    query: dict
    payload: dict


@dataclass
class Robots:
    """A local stand-in for the three platforms' robot webhooks."""

    url: str
    calls: list[RobotCall] = field(default_factory=list)
    # What each platform answers next (its success by default).
    answers: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def of(self, platform: str) -> list[RobotCall]:
        return [call for call in self.calls if call.platform == platform]


def check_payload(platform: str, query: dict, payload: dict) -> list[str]:
    """What the platform would refuse in this request, by its documented format."""
    problems = []
    if platform == "wecom":
        if payload.get("msgtype") != "markdown" or not payload.get("markdown", {}).get("content"):
            problems.append(f"wecom payload {payload}")
        if query.get("key") != ["wecom-key"]:
            problems.append("wecom key")
    elif platform == "dingtalk":
        markdown = payload.get("markdown", {})
        if payload.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
            problems.append(f"dingtalk payload {payload}")
        timestamp = query.get("timestamp", [""])[0]
        digest = hmac.new(DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(),
                          hashlib.sha256).digest()
        # parse_qs has decoded the url-encoding once, as DingTalk's server does.
        if query.get("sign", [""])[0] != base64.b64encode(digest).decode() or len(timestamp) != 13:
            problems.append("dingtalk signature")
    elif platform == "feishu":
        timestamp = str(payload.get("timestamp", ""))
        digest = hmac.new(f"{timestamp}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()
        if payload.get("sign") != base64.b64encode(digest).decode() or len(timestamp) != 10:
            problems.append("feishu signature")
        if payload.get("msg_type") != "text" or not payload.get("content", {}).get("text"):
            problems.append(f"feishu payload {payload}")
    return problems


SUCCESS = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"},
           "feishu": {"code": 0, "msg": "success", "data": {}}}


@pytest.fixture
def robots(app):
    """The three robots' webhooks on a local HTTP server, configured as the site's channels."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            parts = urlsplit(self.path)
            platform = parts.path.strip("/").split("/")[0]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            payload = json.loads(body)
            query = parse_qs(parts.query)
            found.problems += check_payload(platform, query, payload)
            if "application/json" not in self.headers.get("Content-Type", ""):
                found.problems.append(f"{platform} content type")
            found.calls.append(RobotCall(platform, query, payload))
            answer = json.dumps(found.answers.pop(platform, SUCCESS[platform])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # shutdown() waits for the loop's next poll: every 10 ms rather than the default 0.5 s.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    found = Robots(base)
    app.config.update(WECOM_WEBHOOK_URL=f"{base}/wecom/cgi-bin/webhook/send?key=wecom-key",
                      DINGTALK_WEBHOOK_URL=f"{base}/dingtalk/robot/send?access_token=ding-token",
                      DINGTALK_SECRET=DINGTALK_SECRET,
                      FEISHU_WEBHOOK_URL=f"{base}/feishu/open-apis/bot/v2/hook/feishu-token",
                      FEISHU_SECRET=FEISHU_SECRET, SITE_URL="https://courses.example.com")
    yield found
    server.shutdown()
    server.server_close()
    assert found.problems == [], found.problems


def unquoted(value: str) -> str:
    return unquote_plus(value)


@pytest.fixture
def clock(monkeypatch):
    """The jobs' clock, standing at T0 until moved."""

    class Clock:
        now = T0

        def set(self, when: datetime) -> None:
            self.now = when

    fixed = Clock()
    monkeypatch.setattr(jobs, "now", lambda: fixed.now)
    return fixed


def assign(course, department: str = "International Trade", due_on: date | None = None,
           due_days: int | None = None, at: datetime = T0, user=None) -> Assignment:
    """An assignment as HR makes it, at a time of the test's choosing."""
    dept = None if user is not None else db.session.scalar(
        sa.select(Department).where(Department.name == department))
    assignment = Assignment(course=course, department=dept, user=user, due_on=due_on, due_days=due_days,
                            created_at=at)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def deliveries(**where) -> list[Delivery]:
    db.session.expire_all()
    query = sa.select(Delivery).order_by(Delivery.id)
    for name, value in where.items():
        query = query.where(getattr(Delivery, name) == value)
    return list(db.session.scalars(query))


def notices_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}


@dataclass
class Team:
    ada: User   # International Trade, English, has an e-mail address
    bo: User    # International Trade, Chinese, has an e-mail address
    cy: User    # International Trade, no e-mail address
    done: User  # International Trade, has completed the course
    di: User    # Domestic Trade: nothing assigned


def complete(user, course) -> None:
    first, second = published.lessons(db.session, course)
    read_lesson(user, first)
    attempt = quizzes.open_attempt(db.session, user, first.quiz)
    quizzes.submit_attempt(db.session, user, attempt.id, RIGHT)
    read_lesson(user, second)


@pytest.fixture
def team(course, make_user) -> Team:
    ada = make_user(full_name="Ada Lin", username="ada")
    bo = make_user(full_name="Bo Wang", username="bo")
    cy = make_user(full_name="Cy Zhou", username="cy")
    done = make_user(full_name="Dan Done", username="dan")
    di = make_user(full_name="Di Xu", username="di", department="Domestic Trade")
    for person in (ada, bo, done, di):
        person.email = f"{person.username}@example.com"
    bo.locale = "zh_CN"
    db.session.commit()
    complete(done, course)
    return Team(ada, bo, cy, done, di)
