"""Kept pages served in front of Flask (courseware/page_cache.py decides what is kept and when).

A page served from what it rendered costs one query and a few hundred bytes of copying, yet going
through Flask to serve it cost twice that again: a request context, the session opened, a dozen
hooks, a response object and its headers rebuilt. This layer sits between the WSGI server and
Flask: for a plain GET of a page that may be kept, it reads the signed session cookie itself (with
Flask's own session interface), checks the sign-in as Flask-Login's "strong" protection and the
session limits would, reads the page's key and answers with the kept page and headers built once.
Anything else (another address, a form, a message waiting, a session that must end, a page not
kept) goes on to Flask untouched, carrying the key already read so that the page rendered is kept.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from hashlib import sha512
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Request, Response

from courseware import page_cache, security
from courseware.i18n import LANGUAGE_COOKIE

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)


class KeptPagesFront:
    """The WSGI layer: kept pages answered here, every other request passed to `inner` (Flask)."""

    def __init__(self, app: Flask, inner: WSGIApplication) -> None:
        self.app, self.inner = app, inner
        self.routes = app.url_map.bind("localhost")  # only the path is matched
        self.headers = [*security.security_headers(app.config),
                        ("Cache-Control", security.SIGNED_IN_CACHE_CONTROL),
                        ("Vary", "Accept-Encoding, Accept-Language, Cookie")]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and not environ.get("QUERY_STRING"):
            try:
                answer = self._kept_answer(environ)
            except Exception:  # noqa: BLE001 - Flask then serves the request and shows any error
                log.exception("serving a kept page failed; the page is rendered")
                answer = None
            if answer is not None:
                headers, body = answer
                start_response("200 OK", headers)
                return [body]
        return self.inner(environ, start_response)

    def _kept_answer(self, environ: WSGIEnvironment) -> tuple[list[tuple[str, str]], bytes] | None:
        request = Request(environ, populate_request=False)
        try:
            endpoint, view_args = self.routes.match(request.path, "GET")
        except (HTTPException, RequestRedirect):
            return None
        if endpoint not in page_cache.PAGES:
            return None
        session = self.app.session_interface.open_session(self.app, request)  # type: ignore[arg-type]
        if session is None or "_remember" in session:  # Flask-Login sets the remember cookie first
            return None
        page = page_cache.PageRequest(
            endpoint, view_args, request.path, session, session_identifier(request),
            request.cookies.get(LANGUAGE_COOKIE), request.headers.get("Accept-Language"))
        moment = security.now()
        if not page_cache.session_allows_kept_page(page, moment, self.app.config):
            return None
        with self.app.app_context():
            found = page_cache.find_kept_page(page, bool(request.accept_encodings["gzip"]))
        if found is None:
            return None
        if found.page is None:
            environ[page_cache.FOUND_ENVIRON] = found  # the view renders it, and it is kept
            return None
        return self._response(found.page, session, moment)

    def _response(self, page: page_cache.KeptBody, session: Any,
                  moment: float) -> tuple[list[tuple[str, str]], bytes]:
        """The headers a rendered page gets from Flask's hooks, built once, and the session's cookie
        when its last-seen moment moved (as enforce_session_limits writes it back)."""
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page.body))),
                   *self.headers]
        if page.gzipped:
            headers.append(("Content-Encoding", "gzip"))
        if moment - session[security.SESSION_SEEN] >= security.SEEN_RESOLUTION:
            session[security.SESSION_SEEN] = moment
            with_cookie = Response()
            self.app.session_interface.save_session(self.app, session, with_cookie)  # type: ignore[arg-type]
            headers.extend(("Set-Cookie", cookie) for cookie in with_cookie.headers.getlist("Set-Cookie"))
        return headers, page.body


def session_identifier(request: Request) -> str:
    """The browser and address a session is bound to, as Flask-Login's `_create_identifier` reads them
    from Flask's request (tests/test_kept_front.py holds the two equal)."""
    address = request.headers.get("X-Forwarded-For", request.remote_addr)
    remote = address.encode("utf-8").split(b",")[0].strip() if address is not None else None
    user_agent = request.headers.get("User-Agent")
    agent = user_agent.encode("utf-8") if user_agent is not None else None
    # Both are bytes (or None), formatted as Flask-Login formats them: "b'10.0.0.1'|b'Mozilla…'".
    return sha512(f"{remote!r}|{agent!r}".encode()).hexdigest()
