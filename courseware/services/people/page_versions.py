"""Page versions: which writes change what someone's signed-in pages show, raised in the writing
transaction (models/page_versions.py holds the shared one, `User.page_version` each person's).

Every INSERT, UPDATE and DELETE the site runs passes through `_note_write`, whatever service runs
it, through the ORM or in SQL on the session's connection: a service needs to do nothing. Who it
concerns follows from who is acting and what it writes:
- rows inserted that each name their person (`user_id`: a notice, a certificate, an assignment to
  one person): those people's versions, whoever writes them (a job's reminders reach only theirs);
- a manager, signed in: their own version too. A manager's writes are about themselves (their
  progress, attempts, practice, questions); what others see of them is kept under other versions (a
  lesson's boxes, models/boards.py) or not kept at all (HR's and the team's pages).
- any other write by anyone else (HR, the president, a job, a command): the shared version. They
  write about others (accounts, departments, pulses, a department's assignment), and rarely.
A write that changes no row raises nothing. Some tables never change a signed-in page (the audit
trail, sign-ins and their failures, deliveries, HR's report totals, the versions themselves): writes
to them raise nothing. So does a write made inside `quiet()`, for a caller that knows the pages stay
the same (reopening a lesson).

Each version is raised once a transaction, right after the first write that concerns it, in the same
transaction; a write that returns rows (INSERT … RETURNING) cannot be followed on its connection at
once, and is raised just before the session commits.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Engine, bindparam, event, update
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Insert, UpdateBase

from courseware.models import SharedPageVersion, User
from courseware.models.sql import conflict_insert, table_of

QUIET_TABLES = frozenset({
    "audit_event", "failed_sign_in", "sign_in_session", "delivery", "import_handout",
    "content_version", "content_file", "lesson_board_version", "shared_page_version",
    "course_progress_totals", "lesson_stage_totals", "lesson_mask_bits",
})
# The option that marks the versions' own statements (and any a caller marks): they raise nothing.
QUIET_OPTION = "page_versions_quiet"
_ACTOR_KEY = "_page_actor"
_RAISED = "page_versions_raised"  # on the connection: what this transaction raised already
_PENDING = "page_versions_pending"  # on the connection: what waits for the commit
_SHARED = 0  # the shared version's place among the people's ids in those sets
_quiet: ContextVar[bool] = ContextVar("page_versions_quiet", default=False)

_RAISE_PEOPLE = (update(table_of(User)).where(table_of(User).c.id.in_(bindparam("ids", expanding=True)))
                 .values(page_version=table_of(User).c.page_version + 1)
                 .execution_options(**{QUIET_OPTION: True}))


def register_hooks() -> None:
    """Watch every connection's writes (once per process)."""
    if not event.contains(Engine, "after_execute", _note_write):
        event.listen(Engine, "after_execute", _note_write)
        event.listen(Engine, "commit", _forget)
        event.listen(Engine, "rollback", _forget)
        event.listen(Session, "before_commit", _raise_pending)


def act_as(user_id: int, role: str) -> None:
    """The request's signed-in person, as soon as it is known (loaded, or signing in): whose writes
    these are. Plain values: the hook must never make the ORM load anything in the middle of a write."""
    if has_request_context():
        g.setdefault(_ACTOR_KEY, (user_id, role == "manager"))


@contextmanager
def quiet() -> Iterator[None]:
    """Writes in this block change no page (the caller knows)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _actor() -> tuple[int, bool] | None:
    return g.get(_ACTOR_KEY) if has_request_context() else None


def _concerned(statement: UpdateBase, parameters: Any) -> set[int]:
    """The people a write concerns (`_SHARED` for everyone's)."""
    actor = _actor()
    named = _people_named(statement, parameters)
    if actor is not None and actor[1]:  # a manager, signed in
        return {actor[0], *(named or ())}
    return named or {_SHARED}


def _people_named(statement: UpdateBase, parameters: Any) -> set[int] | None:
    """Whose rows an INSERT writes, when each names its person (a notice, a certificate, an
    assignment to one person); None otherwise."""
    if not isinstance(statement, Insert) or "user_id" not in statement.table.c:
        return None
    rows = parameters if isinstance(parameters, list) else [parameters]
    people: set[int | None] = {row.get("user_id") if isinstance(row, dict) else None for row in rows}
    return None if not people or None in people else {person for person in people if person is not None}


def _note_write(connection: Connection, statement: Any, multiparams: Any, params: Any,
                options: Any, result: CursorResult[Any]) -> None:
    if not isinstance(statement, UpdateBase) or _quiet.get():
        return
    table = getattr(statement, "table", None)
    if getattr(table, "name", None) in QUIET_TABLES or options.get(QUIET_OPTION) \
            or statement.get_execution_options().get(QUIET_OPTION):
        return
    if not result.returns_rows and result.rowcount == 0:  # nothing changed (a purge with nothing to purge)
        return
    raised: set[int] = connection.info.setdefault(_RAISED, set())
    people = _concerned(statement, multiparams or params) - raised
    if not people:
        return
    raised.update(people)
    if result.returns_rows:  # its rows are still to be read on this connection
        connection.info.setdefault(_PENDING, set()).update(people)
    else:
        _raise(connection, people)


def _raise(connection: Connection, people: set[int]) -> None:
    ids = sorted(people - {_SHARED})
    if ids:
        connection.execute(_RAISE_PEOPLE, {"ids": ids})
    if _SHARED in people:
        upsert = _shared_upsert(connection.dialect.name)
        if upsert is not None:
            connection.execute(upsert)
        else:
            raise_shared_without_upsert(connection)


@cache
def _shared_upsert(dialect_name: str) -> Executable | None:
    """The shared row raised, or written at 1 by the first write (two at once: one waits for the
    other); None on a database without ON CONFLICT."""
    table = table_of(SharedPageVersion)
    insert = conflict_insert(dialect_name, table)
    if insert is None:
        return None
    return insert.values(id=1, version=1).on_conflict_do_update(
        index_elements=[table.c.id], set_={"version": table.c.version + 1}).execution_options(
        **{QUIET_OPTION: True})


_RAISE_SHARED = (update(table_of(SharedPageVersion)).where(table_of(SharedPageVersion).c.id == 1)
                 .values(version=table_of(SharedPageVersion).c.version + 1)
                 .execution_options(**{QUIET_OPTION: True}))
_WRITE_SHARED = (table_of(SharedPageVersion).insert().values(id=1, version=1)
                 .execution_options(**{QUIET_OPTION: True}))


def raise_shared_without_upsert(connection: Connection) -> None:
    """The shared row raised where the database has no ON CONFLICT: raised, else written at 1."""
    if connection.execute(_RAISE_SHARED).rowcount == 0:
        connection.execute(_WRITE_SHARED)


def _raise_pending(session: Session) -> None:
    session.flush()
    if not session.in_transaction():
        return
    connection = session.connection()
    pending = connection.info.pop(_PENDING, None)
    if pending:
        _raise(connection, pending)


def _forget(connection: Connection) -> None:
    connection.info.pop(_RAISED, None)
    connection.info.pop(_PENDING, None)
