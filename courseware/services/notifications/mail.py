"""E-mail over SMTP: `SMTP_URL` says where and how, `MAIL_FROM` who it is from.

    smtp://user:password@host:587   plain connection, upgraded with STARTTLS when the server offers it
    smtps://user:password@host:465  TLS from the first byte (implicit TLS)
    smtp://127.0.0.1:8025           a local relay or a test sink: no login

A password is never sent over a connection that is not encrypted, except to the machine itself. Each
mail has a plain-text part and an HTML part in the recipient's language; optional kinds of mail
carry a List-Unsubscribe header (with one-click unsubscribing, RFC 8058) to the site's signed link.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
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


def build(outgoing: Outgoing, sender: str) -> EmailMessage:
    """The mail: subject, plain text and HTML in the recipient's language, and the list headers."""
    message = EmailMessage()
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
    if not outgoing.to:
        raise DeliveryError("the person has no e-mail address")
    sender = config.get("MAIL_FROM") or ""
    if not sender:
        raise DeliveryError("MAIL_FROM is not set")
    server = parse_smtp_url(config.get("SMTP_URL") or "")
    message = build(outgoing, sender)
    try:
        with _connect(server) as smtp:
            refused = smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(_reason(error)) from error
    if refused:
        raise DeliveryError(f"refused: {refused}")


def _connect(server: SmtpServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
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
