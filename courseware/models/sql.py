"""SQL the two databases the site runs on need said alike: INSERT … ON CONFLICT for the few writes that
must not fail when a row exists already (a double request, the first content version), a mapped
class's table, and how many rows a conditional UPDATE changed (how a claim knows it won)."""
from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result, Table, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from courseware.extensions import Base

_Mapped = TypeVar("_Mapped", bound=Base)


def table_of(model: type[Base]) -> Table:
    """A mapped class's table (declared as a FromClause, always a Table for these models)."""
    return cast(Table, model.__table__)


def rows_changed(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE changed. Session.execute() is declared to return a Result; for
    these statements it is a CursorResult, which counts them."""
    return cast(CursorResult[Any], result).rowcount


def conflict_insert(dialect_name: str, table: Table) -> postgresql.Insert | sqlite.Insert | None:
    """An INSERT that can say what to do on a conflict, or None where the database has none (the
    caller then inserts inside a savepoint and catches the IntegrityError)."""
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    if dialect_name == "sqlite":
        return sqlite.insert(table)
    return None


def shared_alias(model: type[_Mapped], name: str | None = None) -> type[_Mapped]:
    """An alias of a mapped class made once (at import: building one costs more than the query) and
    shared by every thread. Its column collection is built now, while one thread imports the module:
    built lazily by two requests at once (gunicorn's threads, a worker's first pages), each made its
    own columns, and a statement compiled with one set was read with the other ("Could not locate
    column …" on every later request; SQLAlchemy primes its own pooled aliases the same way)."""
    alias = aliased(model, name=name)
    inspect(alias).selectable.c  # noqa: B018 - built for its side effect
    return alias
