"""Statements compiled once per dialect and run on the DB-API cursor, for the two statements every
kept page runs (courseware/page_cache.py: its key, a lesson's reopening), where SQLAlchemy's
execution (its context, hooks, result and row objects) costs more than the statement itself.

Values come back as the driver gives them (SQLite's moments as text: `moment` reads one). Nothing
run here passes the engine's hooks: such a statement must be one that raises no page version
(courseware/services/people/page_versions.py), as a read or a quiet write.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Dialect, Engine
from sqlalchemy.sql.expression import Executable


@dataclass(frozen=True, slots=True)
class RawStatement:
    sql: str
    positions: tuple[str, ...] | None  # the parameters' order, for a positional driver (SQLite)
    fixed: dict[str, Any]  # the statement's own values
    processors: dict[str, Callable[[Any], Any]]  # parameters the driver needs converted (SQLite's dates)
    read_moment: Callable[[Any], Any]

    def parameters(self, given: dict[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values = {**self.fixed, **given}
        for name, processor in self.processors.items():
            values[name] = processor(values[name])
        return values if self.positions is None else tuple(values[name] for name in self.positions)

    def moment(self, value: Any) -> datetime | None:
        """A moment from a row, as the driver gave it."""
        return None if value is None else self.read_moment(value)


@cache
def compiled(statement: Executable, dialect: Dialect) -> RawStatement:
    """`statement` (built once, at import or by a cached function) for this dialect."""
    done = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    processors: dict[str, Callable[[Any], Any]] = {}
    for bind, name in done.bind_names.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    moment = DateTime().dialect_impl(dialect).result_processor(dialect, None)
    return RawStatement(str(done), tuple(done.positiontup or ()) if done.positional else None,
                        {name: bind.effective_value for bind, name in done.bind_names.items()
                         if not bind.required}, processors, moment or (lambda value: value))


def first_row(engine: Engine, statement: Executable, parameters: dict[str, Any]) -> Sequence[Any] | None:
    """The statement's first row, read on a pooled connection of its own."""
    raw = compiled(statement, engine.dialect)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(raw.sql, raw.parameters(parameters))
        row: Sequence[Any] | None = cursor.fetchone()
        cursor.close()
        return row
    finally:
        connection.close()  # back to the pool, which ends the read


def write(engine: Engine, statement: Executable, parameters: dict[str, Any]) -> int:
    """Run a write on a pooled connection of its own and commit it; the rows it changed."""
    raw = compiled(statement, engine.dialect)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(raw.sql, raw.parameters(parameters))
        changed: int = cursor.rowcount
        cursor.close()
        connection.commit()
        return changed
    finally:
        connection.close()  # back to the pool (a failed write is rolled back there)
