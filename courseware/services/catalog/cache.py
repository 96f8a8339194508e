"""The published outline, kept in memory by each process.

Every page a learner opens needs the outline (courseware.services.catalog.outline). It changes only
when content is published, unpublished, imported or moved, so each process loads it once and keeps
it, as plain immutable objects that threads share, one per content language, all of one version.

Invalidation works across processes and machines without a timer: `content_version` holds one
number, raised in the same transaction as every change to published content
(courseware.services.catalog.content_version). Each request reads that number (one primary-key
lookup) and reloads the outline only when it differs from the one it has.
"""
from __future__ import annotations

import threading

from flask import Flask, current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from courseware.language import SOURCE_LANGUAGE, content_language
from courseware.models import LessonRevision
from courseware.services.catalog import content_version
from courseware.services.catalog.outline import LessonOutline, Outline, RevisionOutline, load_outline

EXTENSION_KEY = "outline_cache"
_HTML = select(LessonRevision.html).where(LessonRevision.id == bindparam("revision_id"))


class OutlineCache:
    """One per app (per process): the last outline loaded, and the version it was loaded at."""

    # Published lessons' HTML, read on first view: bounded, and emptied with every new outline.
    HTML_BUDGET = 8 * 1024 * 1024

    def __init__(self) -> None:
        # One outline per language, all of one content version.
        self._outlines: dict[str, Outline] = {}
        self._lock = threading.Lock()
        self.loads = 0
        self._html: dict[tuple[int, str], str] = {}
        self._html_size = 0

    def get(self, session: Session, language: str = SOURCE_LANGUAGE, version: int | None = None) -> Outline:
        """The outline at `version` (read from the database when not given)."""
        if version is None:
            version = content_version.read_version(session.connection())
        outline = self._outlines.get(language)
        if outline is not None and outline.version == version:
            return outline
        with self._lock:
            outline = self._outlines.get(language)
            if outline is None or outline.version != version:
                # On a connection of its own: only committed content, never the request's own
                # unfinished changes, goes into the cache that every thread shares.
                with session.get_bind().engine.connect() as connection:
                    outline = load_outline(connection, language)
                if any(other.version != outline.version for other in self._outlines.values()):
                    self._outlines = {}
                    self._html, self._html_size = {}, 0
                self._outlines = {**self._outlines, language: outline}
                self.loads += 1
        return outline

    def html(self, session: Session, revision: RevisionOutline) -> str:
        """A published revision's sanitized HTML. Keyed by the revision and its content hash, so
        an entry can never show other text than the revision has."""
        key = (revision.id, revision.content_hash)
        html = self._html.get(key)
        if html is None:
            html = session.connection().execute(_HTML, {"revision_id": revision.id}).scalar_one()
            with self._lock:
                while self._html and self._html_size + len(html) > self.HTML_BUDGET:
                    self._html_size -= len(self._html.pop(next(iter(self._html))))
                self._html[key] = html
                self._html_size += len(html)
        return html

    def clear(self) -> None:
        self._outlines = {}

    def known_lesson(self, course_slug: str, lesson_slug: str) -> tuple[int, LessonOutline] | None:
        """(the outline's version, the lesson) from an outline this process holds (any language: the
        slugs and what a page key needs are the same), with no query; None when none holds it."""
        for outline in self._outlines.values():
            course = outline._by_slug.get(course_slug)
            lesson = course._by_slug.get(lesson_slug) if course is not None else None
            if lesson is not None:
                return outline.version, lesson
        return None


def current(session: Session, language: str | None = None) -> Outline:
    """The published outline in a language (by default the request's content language), as of the
    content version this request sees: read with the signed-in person when there is one
    (`content_version.remember`), else now."""
    return current_app.extensions[EXTENSION_KEY].get(session, language or content_language(),
                                                     content_version.remembered())


def lesson_html(session: Session, lesson: LessonOutline) -> str:
    """The text of a lesson of the current outline, from memory after its first view."""
    return current_app.extensions[EXTENSION_KEY].html(session, lesson.revision)


def known_lesson(course_slug: str, lesson_slug: str) -> tuple[int, LessonOutline] | None:
    return current_app.extensions[EXTENSION_KEY].known_lesson(course_slug, lesson_slug)


def init_app(app: Flask) -> None:
    """One cache per app, and the hooks that raise the content version on every content write."""
    app.extensions[EXTENSION_KEY] = OutlineCache()
    content_version.register_hooks()
