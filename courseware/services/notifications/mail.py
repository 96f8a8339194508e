"""E-mail over SMTP: `SMTP_URL` says where and how, `MAIL_FROM` who it is from.

    smtp://user:password@host:587   plain connection, upgraded with STARTTLS when the server offers it
    smtps://user:password@host:465  TLS from the first byte (implicit TLS)
    smtp://127.0.0.1:8025           a local relay or a test sink: no login

A password is never sent over a connection that is not encrypted, except to the machine itself. Each
mail has a plain-text part and an HTML part in the recipient's language; optional kinds of mail
carry a List-Unsubscribe header (with one-click unsubscribing, RFC 8058) to the site's signed link.
"""
from __future__ import annotations

import functools
import smtplib
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from html import escape
from ipaddress import ip_address
from typing import Any
from urllib.parse import unquote, urlsplit

from courseware.services.notifications.channels import DeliveryError, Outgoing

TIMEOUT = 20  # seconds for the connection and each SMTP command


class _Wire(Compat32):
    """The classic policy as a mail goes out: SMTP's line ends (a bare LF is refused by careful
    servers), headers folded only past the 998-character limit (never a URL at its start), and a
    header that is short plain ASCII written as it is (the standard library parses every header
    again to fold it, a third of the CPU a mail costs: bench/notifications.py)."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        if (isinstance(value, str) and value.isascii() and "\n" not in value and "\r" not in value
                and len(name) + len(value) + 2 <= (self.max_line_length or 998)):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_WIRE = _Wire(linesep="\r\n", max_line_length=998)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise DeliveryError(f"SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465, "
                            f"not {parts.scheme or '(no scheme)'}://…")
    implicit_tls = parts.scheme == "smtps"
    return SmtpServer(parts.hostname, parts.port or (465 if implicit_tls else 25), implicit_tls,
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None)


def build(outgoing: Outgoing, sender: str) -> Message:
    """The mail: subject, plain text and HTML in the recipient's language, and the list headers.

    Built with the standard library's classic MIME classes, whose headers are written as given
    (encoded here): the modern policy parses every header it is handed back into objects, which
    cost more than the rest of the mail (bench/notifications.py)."""
    message = MIMEMultipart("alternative")
    title = outgoing.title
    message["Subject"] = title if title.isascii() and "\n" not in title else Header(title, "utf-8").encode()
    message["From"] = _address(sender)
    message["To"] = outgoing.to or ""
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = outgoing.language.replace("_", "-")
    if outgoing.unsubscribe:
        message["List-Unsubscribe"] = f"<{outgoing.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.attach(MIMEText(_text(outgoing), "plain", "utf-8"))
    message.attach(MIMEText(_html(outgoing), "html", "utf-8"))
    return message


def _address(value: str) -> str:
    """An address with its display name encoded when it is not ASCII ("文化课程 <courses@…>")."""
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if address else value


def _text(outgoing: Outgoing) -> str:
    lines = [outgoing.title, "", outgoing.body]
    if outgoing.link:
        lines += ["", f"{outgoing.link_text}: {outgoing.link}"]
    if outgoing.footer:
        lines += ["", "-- ", outgoing.footer]
    return "\n".join(lines) + "\n"


def _html(outgoing: Outgoing) -> str:
    """The HTML part: every value escaped here (html.escape), nothing taken as markup."""
    link = (f'<p><a href="{escape(outgoing.link)}">{escape(outgoing.link_text)}</a></p>'
            if outgoing.link else "")
    footer = f'<p style="color:#666;font-size:13px">{escape(outgoing.footer)}</p>' if outgoing.footer else ""
    title = escape(outgoing.title)
    body = escape(outgoing.body).replace("\n", "<br>\n")  # a digest's lines stay lines
    return (f'<!doctype html><html lang="{escape(outgoing.language.replace("_", "-"))}"><head>'
            f'<meta charset="utf-8"><title>{title}</title></head>'
            '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222">'
            f'<h1 style="font-size:20px">{title}</h1><p>{body}</p>{link}{footer}'
            '</body></html>')


def send(config: Mapping, outgoing: Outgoing) -> None:
    """One mail on a connection of its own."""
    with Connection(config) as connection:
        connection.send(outgoing)


class Connection:
    """One SMTP connection for a batch of mails: opened with the first, reused for the next ones
    (one TLS handshake and login for the batch, not one per mail: bench/notifications.py); QUIT at
    the end. A connection idle for IDLE_CHECK is checked with NOOP before its next mail; one the
    server has dropped meanwhile fails at MAIL FROM, before any of the mail is sent, and that mail
    goes on a new connection (never twice: nothing of it had been accepted)."""

    IDLE_CHECK = 5.0  # seconds

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None
        self._used = 0.0

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, outgoing: Outgoing) -> None:
        if not outgoing.to:
            raise DeliveryError("the person has no e-mail address")
        sender = self.config.get("MAIL_FROM") or ""
        if not sender:
            raise DeliveryError("MAIL_FROM is not set")
        server = parse_smtp_url(self.config.get("SMTP_URL") or "")
        payload = build(outgoing, sender).as_bytes(policy=_WIRE)
        try:
            self._transmit(server, parseaddr(sender)[1], outgoing.to, payload)
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            raise DeliveryError(_reason(error)) from error

    def _transmit(self, server: SmtpServer, sender: str, to: str, payload: bytes) -> None:
        reused = self._smtp is not None
        smtp = self._open(server)
        try:
            code, reply = smtp.mail(sender)
        except (OSError, smtplib.SMTPServerDisconnected):
            if not reused:
                raise
            self._drop()
            smtp = self._open(server)
            code, reply = smtp.mail(sender)
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = smtp.rcpt(to)
        if code not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
        code, reply = smtp.data(payload)
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPDataError(code, reply)
        self._used = time.monotonic()

    def _open(self, server: SmtpServer) -> smtplib.SMTP:
        if self._smtp is not None and time.monotonic() - self._used > self.IDLE_CHECK:
            try:
                if self._smtp.noop()[0] != 250:
                    self._drop()
            except (OSError, smtplib.SMTPException):
                self._drop()
        if self._smtp is None:
            self._smtp = _connect(server)
        return self._smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The system's certificate authorities, loaded once per process (loading them costs more than
    sending a mail)."""
    return ssl.create_default_context()


def _connect(server: SmtpServer) -> smtplib.SMTP:
    context = _tls_context()
    smtp: smtplib.SMTP
    if server.implicit_tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    try:
        smtp.ehlo()
        encrypted = server.implicit_tls
        if not encrypted and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
            encrypted = True
        if server.username:
            if not encrypted and not _is_loopback(server.host):
                raise DeliveryError(f"{server.host} offers no STARTTLS: the password is not sent in clear "
                                    "(use smtps:// or a server with STARTTLS)")
            smtp.login(server.username, server.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(
            error.smtp_error)
        return f"SMTP {error.smtp_code}: {text}"
    if isinstance(error, socket.timeout | TimeoutError):
        return "the SMTP server did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "the SMTP server refused the connection (is it running?)"
    return f"{type(error).__name__}: {error}"
