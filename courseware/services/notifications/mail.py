"""E-mail over SMTP: `SMTP_URL` says where and how, `MAIL_FROM` who it is from.

    smtp://user:password@host:587   plain connection, upgraded with STARTTLS when the server offers it
    smtps://user:password@host:465  TLS from the first byte (implicit TLS)
    smtp://127.0.0.1:8025           a local relay or a test sink: no login

A password is never sent over a connection that is not encrypted, except to the machine itself. Each
mail has a plain-text part and an HTML part in the recipient's language; optional kinds of mail
carry a List-Unsubscribe header (with one-click unsubscribing, RFC 8058) to the site's signed link.
"""
from __future__ import annotations

import email.policy
import functools
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from ipaddress import ip_address
from urllib.parse import unquote, urlsplit

from courseware.services.notifications.channels import DeliveryError, Outgoing

TIMEOUT = 20  # seconds for the connection and each SMTP command


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


class _HeaderClasses(HeaderRegistry):
    """The standard library's header classes, each made once: HeaderRegistry makes a new class for
    every header of every mail (a tenth of the CPU a mail costs, bench/notifications.py)."""

    @functools.cache  # noqa: B019 - one registry for the process's life
    def __getitem__(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)


_POLICY = email.policy.default.clone(header_factory=_HeaderClasses())


def build(outgoing: Outgoing, sender: str) -> EmailMessage:
    """The mail: subject, plain text and HTML in the recipient's language, and the list headers."""
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = outgoing.title
    message["From"] = sender
    message["To"] = outgoing.to or ""
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    if outgoing.unsubscribe:
        message["List-Unsubscribe"] = f"<{outgoing.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_text(outgoing))
    message.add_alternative(_html(outgoing), subtype="html")
    # After the parts: setting the content replaces the Content-* headers.
    message["Content-Language"] = outgoing.language.replace("_", "-")
    return message


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
    (one TLS handshake and login for the batch, not one per mail: bench/notifications.py), checked
    with NOOP before each reuse and opened again when the server has dropped it; QUIT at the end."""

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

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
        message = build(outgoing, sender)
        try:
            refused = self._open(server).send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            raise DeliveryError(_reason(error)) from error
        if refused:
            raise DeliveryError(f"refused: {refused}")

    def _open(self, server: SmtpServer) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()
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
