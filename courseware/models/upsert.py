"""INSERT … ON CONFLICT on the two databases the site runs on, for the few writes that must not
fail when a row exists already (a double request, the first content version)."""
from __future__ import annotations

from typing import cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def table_of(model: type) -> Table:
    """A mapped class's table (declared as a FromClause, always a Table for these models)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def conflict_insert(dialect_name: str, table: Table) -> postgresql.Insert | sqlite.Insert | None:
    """An INSERT that can say what to do on a conflict, or None where the database has none (the
    caller then inserts inside a savepoint and catches the IntegrityError)."""
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    if dialect_name == "sqlite":
        return sqlite.insert(table)
    return None
