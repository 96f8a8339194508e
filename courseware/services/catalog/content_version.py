"""The content version: one number, raised in the same transaction as every change to published
content, that tells every process (on every machine) when its in-memory outline is out of date.

The hooks are registered once, on every SQLAlchemy session, by `register_hooks` (called from
courseware.services.catalog.cache.init_app): whichever service writes a course, module, lesson,
quiz, translation or published revision, the commit that writes it raises the number. A service that
writes content therefore needs to do nothing; a write that bypasses the ORM session (raw SQL on a
connection) must call `bump` itself.
"""
from __future__ import annotations

from itertools import chain

from flask import g, has_request_context
from sqlalchemy import ScalarSelect, event, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.attributes import instance_state

from courseware.models import ContentVersion, Course, Lesson, LessonRevision, LessonTranslation, Module, Quiz
from courseware.models.sql import conflict_insert, table_of

_CHANGED = "outline_changed"
# Rows of these tables are the outline: any change to one of them changes what learners see.
OUTLINE_MODELS = (Course, Module, Lesson, Quiz, LessonTranslation)


def register_hooks() -> None:
    """Watch every session for changes to published content (once per process)."""
    if not event.contains(Session, "before_flush", _note_outline_changes):
        event.listen(Session, "before_flush", _note_outline_changes)
        event.listen(Session, "do_orm_execute", _note_bulk_changes)
        event.listen(Session, "before_commit", _bump_if_changed)
        event.listen(Session, "after_rollback", _forget_changes)


_VERSION = select(ContentVersion.version).where(ContentVersion.id == 1)
# Where a request keeps the version it read with the signed-in person (`version_column`), so that
# its outline needs no query of its own; a content write in the request forgets it (`bump`).
REQUEST_KEY = "_content_version"


def read_version(connection: Connection) -> int:
    return connection.execute(_VERSION).scalar() or 0


def version_column() -> ScalarSelect[int]:
    """The version as a column, for a query that runs at the start of every request anyway (the
    signed-in person's); the caller stores what it read with `remember`."""
    return _VERSION.scalar_subquery()


def remember(version: int | None) -> None:
    """This request's content version, read in another query (see `version_column`)."""
    g.setdefault(REQUEST_KEY, version or 0)


def remembered() -> int | None:
    """The version this request read already, if any (None outside a request)."""
    return g.get(REQUEST_KEY) if has_request_context() else None


def bump(session: Session) -> None:
    """Raise the content version inside the session's transaction (the row is made if missing)."""
    if has_request_context():
        g.pop(REQUEST_KEY, None)  # the rest of this request reads the new version
    table = table_of(ContentVersion)
    insert = conflict_insert(session.get_bind().dialect.name, table)
    if insert is not None:
        session.execute(insert.values(id=1, version=1).on_conflict_do_update(
            index_elements=[table.c.id], set_={"version": table.c.version + 1}))
        return
    raised = session.connection().execute(
        update(table).where(table.c.id == 1).values(version=table.c.version + 1))
    if raised.rowcount == 0:
        session.execute(table.insert().values(id=1, version=1))


def _changes_outline(session: Session, instance: object) -> bool:
    if isinstance(instance, OUTLINE_MODELS):
        return instance in session.new or instance in session.deleted or session.is_modified(
            instance, include_collections=False)
    if isinstance(instance, LessonRevision):
        # Drafts are not in the outline; a published revision (or one being published) is.
        if instance in session.deleted:
            return True
        if instance in session.new:
            return instance.published_at is not None
        history = session.is_modified(instance, include_collections=False)
        was_published = _history_has(instance, "published_at")
        return history and (instance.published_at is not None or was_published)
    return False


def _history_has(instance: object, name: str) -> bool:
    return instance_state(instance).attrs[name].history.has_changes()


def _note_outline_changes(session: Session, _flush_context: object, _instances: object) -> None:
    if session.info.get(_CHANGED):
        return
    for instance in chain(session.new, session.dirty, session.deleted):
        if _changes_outline(session, instance):
            session.info[_CHANGED] = True
            return


def _note_bulk_changes(state: ORMExecuteState) -> None:
    """UPDATE and DELETE statements run through the session (e.g. claiming a scheduled revision)."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, (*OUTLINE_MODELS, LessonRevision)):
        state.session.info[_CHANGED] = True


def _bump_if_changed(session: Session) -> None:
    session.flush()
    if session.info.pop(_CHANGED, False):
        bump(session)


def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)


