"""The signed-in pages a person opens again and again (the dashboard, a lesson) served from what they
rendered, when nothing they show has changed.

A page is kept per sign-in and address, under a key of everything it shows that can change without
its address changing: the person's page version and the shared one (raised by every write that may
change a page, courseware/services/people/page_versions.py), the content version, the lesson's boxes'
versions, the bell's count, whether the person has a team, the open culture pulse, their language,
zone and role, the session's form token and the calendar days (the company's and the person's). The
key is read in one query before anything else, so that a page rendered while a write lands is kept
under the version before it and never served after it.

Served from memory, a page skips Flask altogether (courseware/kept_front.py reads the request in
front of it): one query, and the bytes compressed once. Only a plain GET with nothing else to do
qualifies: no query string, no message waiting to be shown, a session within its limits (its
last-seen moment is written back as for any page; a one-time password's session goes to the view)
and, for a lesson, the same visit (an opening to record goes through the view, which records it).
Anything else is served as before, and kept for next time.

Bounded in each process (PAGE_CACHE_MB, 0 turns it off) and in time (PAGE_CACHE_SECONDS): what a
page shows that moves with the clock alone (a follow-up check falling due at noon) is at most that
old; a form token in a kept page is never older either.
"""
from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Hashable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask.globals import request_ctx
from sqlalchemy import Select, bindparam, select

from courseware import compression, shared_pages
from courseware.extensions import db
from courseware.models import (
    LessonBoardVersion,
    LessonProgress,
    SharedPageVersion,
    SignInSession,
    User,
    raw_statements,
)
from courseware.practice.common import clock
from courseware.security import SESSION_PERSISTENT, SESSION_SEEN, SESSION_STARTED
from courseware.services.catalog import LessonOutline, content_version
from courseware.services.catalog import cache as outline_cache
from courseware.services.learning import progress
from courseware.services.notifications.inbox import unread_count_of
from courseware.services.people import assignments, page_versions, reporting
from courseware.services.pulse.answering import OPEN_AT, newest_open_pulse
from courseware.shared_pages import SharedPages
from courseware.timezones import company_zone, local_today, zone_named

EXTENSION_KEY = "page_cache"
SHARED_KEY = "page_cache_shared"
FOUND_ENVIRON = "courseware.page_found"  # the place and key read in front of Flask, for keeping
_TO_KEEP = "_page_to_keep"
# The pages kept, by endpoint; the session keys that rule a page out (set by auth.session and Flask).
PAGES = frozenset({"learn.dashboard", "learn.lesson"})
_NOT_WITH = ("_flashes", "_one_time")


@dataclass(frozen=True, slots=True)
class Kept:
    key: tuple[Hashable, ...]
    body: bytes  # raw deflate, against `reference`
    reference: bytes
    at: float


class PageStore:
    """The pages one process keeps, least recently served out first past `max_bytes`.

    Pages at one address differ little from person to person (the lesson's text, the frame), so each
    is kept compressed against a reference page of its address (zlib's preset dictionary): a
    16 KB lesson page takes about 300 bytes instead of 5 KB gzipped, and a thousand people's pages of
    every lesson fit in a few megabytes. Reading one back costs microseconds."""

    REFERENCES = 256  # addresses with a reference page (each a page's size)

    def __init__(self, max_bytes: int, seconds: float) -> None:
        self.max_bytes, self.seconds = max_bytes, seconds
        self._pages: OrderedDict[tuple[str, str], Kept] = OrderedDict()
        self._references: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.kept = 0

    def get(self, where: tuple[str, str], key: tuple[Hashable, ...]) -> bytes | None:
        """The page's HTML, if one is kept under this key and not too old."""
        page = self._pages.get(where)
        if page is None or page.key != key or time.monotonic() - page.at > self.seconds:
            return None
        with self._lock:
            if where in self._pages:
                self._pages.move_to_end(where)
            self.hits += 1
        return zlib.decompressobj(-zlib.MAX_WBITS, zdict=page.reference).decompress(page.body)

    def put(self, where: tuple[str, str], key: tuple[Hashable, ...], html: bytes) -> None:
        reference = self._references.get(where[1]) or html
        body = _deflated(html, reference)
        if len(body) > len(html) // 8:  # little in common (new content): this page is the reference now
            reference, body = html, _deflated(html, html)
        with self._lock:
            self._references[where[1]] = reference
            self._references.move_to_end(where[1])
            while len(self._references) > self.REFERENCES:
                self._references.popitem(last=False)  # kept pages hold their own reference
            old = self._pages.pop(where, None)
            if old is not None:
                self._size -= len(old.body)
            while self._pages and self._size + len(body) > self.max_bytes:
                self._size -= len(self._pages.popitem(last=False)[1].body)
            self._pages[where] = Kept(key, body, reference, time.monotonic())
            self._size += len(body)
            self.kept += 1


def _deflated(html: bytes, reference: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=reference)
    return compressor.compress(html) + compressor.flush()


@cache
def _key_query() -> Select[Any]:
    """Everything a kept page's key holds, with the sign-in's check (as auth.session's query)."""
    return (select(User.id, User.page_version, User.locale, User.timezone, User.role,
                   select(SharedPageVersion.version).where(SharedPageVersion.id == 1).scalar_subquery(),
                   content_version.version_column(), unread_count_of(User.id),
                   reporting.reports_exist(User.id), newest_open_pulse(),
                   *_of_lesson(LessonBoardVersion.questions, LessonBoardVersion.featured))
            .add_columns(select(LessonProgress.last_opened_at)
                         .where(LessonProgress.user_id == User.id,
                                LessonProgress.lesson_id == bindparam("lesson_id")).scalar_subquery())
            .join(SignInSession, SignInSession.user_id == User.id)
            .where(User.session_token == bindparam("account_token"), User.active.is_(True),
                   SignInSession.token == bindparam("sign_in_token"), SignInSession.revoked_at.is_(None)))


def _of_lesson(*columns: Any) -> list[Any]:
    return [select(column).where(LessonBoardVersion.lesson_id == bindparam("lesson_id")).scalar_subquery()
            for column in columns]


@dataclass(slots=True)
class PageRequest:
    """What decides whether a request gets a kept page, read off the request before Flask handles it
    (courseware/kept_front.py)."""
    endpoint: str
    view_args: Mapping[str, Any]
    path: str
    session: MutableMapping[str, Any]  # the signed session (a session's last-seen moment may move)
    identifier: str  # the browser and address the session is bound to (Flask-Login's "strong" mode)
    language_cookie: str | None
    accept_language: str | None


def session_allows_kept_page(page: PageRequest, moment: float, config: Mapping[str, Any]) -> bool:
    """What enforce_session_limits, keep_to_choosing_password and Flask-Login's session protection
    would let through (the caller writes the last-seen moment back as they would)."""
    session = page.session
    if any(name in session for name in _NOT_WITH) or "_user_id" not in session:
        return False
    started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
    if started is None or seen is None:
        return False
    if not session.get(SESSION_PERSISTENT) and (
            moment - seen > config["SESSION_IDLE_TIMEOUT"].total_seconds()
            or moment - started > config["PERMANENT_SESSION_LIFETIME"].total_seconds()):
        return False
    return bool(session.get("_id") == page.identifier)


@dataclass(frozen=True, slots=True)
class PageKey:
    key: tuple[Hashable, ...]
    user_id: int
    opened_at: datetime | None  # the lesson's last opening
    content_version: int | None


def _page_key(page: PageRequest, lesson_id: int) -> PageKey | None:
    """Everything the page shows that can change under its address, read at once; None for a sign-in
    that is not valid (the view then says so)."""
    account_token, _dot, sign_in_token = str(page.session["_user_id"]).partition(".")
    moment = clock()
    row = raw_statements.first_row(db.engine, _key_query(), {
        "account_token": account_token, "sign_in_token": sign_in_token, "lesson_id": lesson_id,
        OPEN_AT: moment})
    if row is None:
        return None
    user_id, locale, timezone = row[0], row[2], row[3]
    zone = zone_named(timezone) if timezone else company_zone()
    language = locale or (page.language_cookie, page.accept_language)
    key = (*row[1:-1], language, page.session.get("csrf_token"), assignments.company_today(),
           local_today(zone, moment))
    opened_at = raw_statements.compiled(_key_query(), db.engine.dialect).moment(row[-1])
    return PageKey(key, user_id, opened_at, row[6])


def _opening_recorded(page: PageKey, known: tuple[int, LessonOutline]) -> bool:
    """Whether the lesson page may be served as kept, its opening written here when the view would
    write only its moment: within the same visit nothing is written; an opening after it only moves
    the moment, unless the lesson was never opened or something was published since (the view)."""
    version, lesson = known
    if page.opened_at is None:
        return False
    if progress.reopening_is_same_visit(page.opened_at):
        return True
    published = lesson.source.published_at
    if version != page.content_version or (published is not None and published > page.opened_at):
        return False
    progress.record_reopening(db.engine, page.user_id, lesson.id)
    return True


@dataclass(frozen=True, slots=True)
class Found:
    """A page's place and key as read before it is served or rendered; the kept page when current."""
    where: tuple[str, str]
    key: tuple[Hashable, ...]
    page: KeptBody | None


def find_kept_page(page: PageRequest, accepts_gzip: bool) -> Found | None:
    """Inside the app's context: the page kept for this request when one is current (its key read
    first), or None when it may not be kept at all (the view decides everything)."""
    store: PageStore | None = current_app.extensions.get(EXTENSION_KEY)
    if store is None or page.endpoint not in PAGES:
        return None
    known = None
    if page.endpoint == "learn.lesson":
        known = outline_cache.known_lesson(page.view_args.get("course_slug", ""),
                                           page.view_args.get("lesson_slug", ""))
        if known is None:
            return None
    page_key = _page_key(page, known[1].id if known is not None else 0)
    if page_key is None:
        return None
    where = (str(page.session["_user_id"]), page.path)
    body = _kept_body(store, where, page_key.key, accepts_gzip)
    if body is not None and known is not None and not _opening_recorded(page_key, known):
        body = None
    return Found(where, page_key.key, body)


@dataclass(frozen=True, slots=True)
class KeptBody:
    body: bytes
    gzipped: bool


def _kept_body(store: PageStore, where: tuple[str, str], key: tuple[Hashable, ...],
               accepts_gzip: bool) -> KeptBody | None:
    """The kept page's bytes: for a browser that takes gzip, from the processes' shared file first,
    whose page is compressed already (this process's memory holds it plain, and compressing costs
    more than reading the file); else from memory first."""
    shared: SharedPages | None = current_app.extensions.get(SHARED_KEY)
    if accepts_gzip:
        gzipped = shared.get(where, key) if shared is not None else None
        if gzipped is not None:
            return KeptBody(compression.named_gzip(gzipped), True)
        html = store.get(where, key)
        return KeptBody(compression.compress(html), True) if html is not None else None
    html = store.get(where, key)
    if html is None and shared is not None:
        gzipped = shared.get(where, key)
        html = gzip.decompress(gzipped) if gzipped is not None else None
    return KeptBody(html, False) if html is not None else None


def take_page_to_keep() -> None:
    """Before the view: the place and key read in front of Flask (kept_front), for keep_page."""
    found = request.environ.pop(FOUND_ENVIRON, None)
    if found is not None:
        setattr(g, _TO_KEEP, (found.where, found.key))


def keep_page(response: Response) -> Response:
    """After a page the key was read for: keep it, when it is the plain page (not an error, no
    message shown)."""
    to_keep = g.pop(_TO_KEEP, None)
    if (to_keep is None or response.status_code != 200 or response.mimetype != "text/html"
            or response.direct_passthrough or response.is_streamed or _shows_messages()):
        return response
    store: PageStore = current_app.extensions[EXTENSION_KEY]
    where, key = to_keep
    html = response.get_data()
    store.put(where, key, html)
    shared: SharedPages | None = current_app.extensions.get(SHARED_KEY)
    if shared is not None:
        shared.put(where, key, html)
    return response


def _shows_messages() -> bool:
    """Whether the page shows flashed messages (shown once: never kept), or leaves some for the next."""
    return bool(getattr(request_ctx, "flashes", None)) or "_flashes" in session


def init_app(app: Flask) -> None:
    """After the other request hooks are registered: runs after those that only check the request
    (the form token, control characters) and before those that load the signed-in person."""
    page_versions.register_hooks()
    megabytes = int(app.config.get("PAGE_CACHE_MB", 24))
    if megabytes <= 0:
        return
    seconds = float(app.config.get("PAGE_CACHE_SECONDS", 300))
    app.extensions[EXTENSION_KEY] = PageStore(megabytes * 1024 * 1024, seconds)
    shared_megabytes = int(app.config.get("PAGE_CACHE_SHARED_MB", 256))
    if shared_megabytes > 0:
        app.extensions[SHARED_KEY] = SharedPages(Path(app.instance_path) / shared_pages.FILE_NAME,
                                                 shared_megabytes * 1024 * 1024, seconds)
    app.before_request(take_page_to_keep)
    app.after_request(keep_page)  # runs before compression's (Flask runs them last registered first)
    from courseware.kept_front import KeptPagesFront

    app.wsgi_app = KeptPagesFront(app, app.wsgi_app)  # type: ignore[method-assign]
