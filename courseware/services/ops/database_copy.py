"""Copy every row from one database to another of the same schema: the move from the embedded SQLite
database to PostgreSQL (or back). `flask copy-database --to URL` runs it.

The target must be migrated to the same revision first (`flask db upgrade` with its URL) and be
empty. Tables are copied in foreign-key order, in batches, inside one transaction on each side: the
source is read from one snapshot, and the target gets everything or nothing. References that form
a cycle (a lesson and its published revision, a quiz and its current version, a department and its
parent) are written empty first and filled in once every row exists. PostgreSQL's id sequences are
then moved past the copied ids, and every table's row count is compared. Derived tables (the progress
totals) are not copied: the target's triggers fill them from the copied progress.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.engine import Connection, Engine

from courseware.services.errors import ValidationError

BATCH = 2000


@dataclass(frozen=True)
class CopiedTable:
    name: str
    source_rows: int
    target_rows: int

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows


def copy_database(source: Engine, target: Engine, metadata: sa.MetaData) -> list[CopiedTable]:
    # Derived tables (models/totals.py) are rebuilt by the target's triggers as progress is copied.
    tables = [table for table in metadata.sorted_tables if not table.info.get("derived")]
    with source.connect() as reading, target.begin() as writing:
        if reading.dialect.name == "sqlite":
            reading.exec_driver_sql("BEGIN")  # one snapshot for the whole read
        _check_same_revision(reading, writing)
        _check_empty(writing, tables)
        later = _deferred_references(tables)
        for table in tables:
            _copy_table(reading, writing, table, later.get(table.name, []))
        for table in tables:
            _fill_deferred(reading, writing, table, later.get(table.name, []))
        if writing.dialect.name == "postgresql":
            _move_sequences(writing, tables)
        report = [CopiedTable(table.name, _count(reading, table), _count(writing, table))
                  for table in tables]
        if not all(copied.ok for copied in report):
            raise ValidationError(_("Row counts differ after the copy; nothing was written: %(tables)s",
                                    tables=", ".join(f"{c.name} {c.source_rows}≠{c.target_rows}"
                                                     for c in report if not c.ok)))
    return report


def _revision(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _check_same_revision(reading: Connection, writing: Connection) -> None:
    source, target = _revision(reading), _revision(writing)
    if target is None:
        raise ValidationError(_("The target database has no schema yet: run `flask db upgrade` with "
                                "DATABASE_URL set to it first."))
    if source != target:
        raise ValidationError(_("The databases are at different migrations (source %(source)s, target "
                                "%(target)s): run `flask db upgrade` on both first.", source=source,
                                target=target))


def _check_empty(writing: Connection, tables: list[sa.Table]) -> None:
    filled = [table.name for table in tables if _count(writing, table)]
    if filled:
        raise ValidationError(_("The target database is not empty (%(tables)s); copy into a new, "
                                "freshly migrated database.", tables=", ".join(filled)))


def _count(connection: Connection, table: sa.Table) -> int:
    return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _deferred_references(tables: list[sa.Table]) -> dict[str, list[sa.Column]]:
    """Columns referring to a table that is copied at the same time or later: written empty first."""
    order = {table.name: index for index, table in enumerate(tables)}
    deferred: dict[str, list[sa.Column]] = {}
    for table in tables:
        for key in table.foreign_keys:
            if order[key.column.table.name] >= order[table.name] and key.parent.nullable:
                deferred.setdefault(table.name, []).append(key.parent)
    return deferred


def _copy_table(reading: Connection, writing: Connection, table: sa.Table,
                deferred: list[sa.Column]) -> None:
    blank = {column.name: None for column in deferred}
    rows = reading.execute(sa.select(table).order_by(*table.primary_key.columns)
                           .execution_options(stream_results=True))
    while batch := rows.fetchmany(BATCH):
        writing.execute(table.insert(), [{**row._asdict(), **blank} for row in batch])


def _fill_deferred(reading: Connection, writing: Connection, table: sa.Table,
                   deferred: list[sa.Column]) -> None:
    if not deferred:
        return
    keys = list(table.primary_key.columns)
    names = [column.name for column in deferred]
    statement = (table.update()
                 .where(*[key == sa.bindparam(f"key_{key.name}") for key in keys])
                 .values({name: sa.bindparam(f"value_{name}") for name in names}))
    rows = reading.execute(sa.select(*keys, *deferred).where(
        sa.or_(*[column.is_not(None) for column in deferred])).execution_options(stream_results=True))
    while batch := rows.fetchmany(BATCH):
        writing.execute(statement, [
            {**{f"key_{key.name}": row._mapping[key.name] for key in keys},
             **{f"value_{name}": row._mapping[name] for name in names}}
            for row in batch])


def _move_sequences(writing: Connection, tables: list[sa.Table]) -> None:
    """Ids were copied as they were: the next id each sequence gives must follow the largest."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = writing.execute(sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                                       {"table": table.name, "column": column.name}).scalar()
            if sequence:
                writing.execute(sa.text(
                    f'SELECT setval(:sequence, COALESCE((SELECT max("{column.name}") FROM '
                    f'"{table.name}"), 0) + 1, false)'), {"sequence": sequence})
