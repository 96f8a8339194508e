"""The test database between tests: where SQLite files live, and emptying every table after a test.

Each test starts with empty tables and ids counting from 1, as after TRUNCATE … RESTART IDENTITY. On
PostgreSQL, TRUNCATE of every table took about 0.2 s a test (it replaces each table's files); DELETE
of the few rows a test leaves, and resetting only the sequences it used, takes a few milliseconds, in
one round trip. SQLite files go in memory-backed /dev/shm when the machine has it: a commit or a
checkpoint then never waits for the disk.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.sql.ddl import sort_tables_and_constraints

RAM = Path("/dev/shm")


@contextmanager
def scratch_folder(tmp_path_factory, name: str) -> Iterator[Path]:
    """A folder for SQLite files, in memory when possible, removed afterwards."""
    if RAM.is_dir() and os.access(RAM, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix=f"cw-{name}-", dir=RAM))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp(name)


def empty_all_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            _empty_postgresql(conn, metadata)
        else:
            conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
            for table in reversed(metadata.sorted_tables):
                conn.execute(sa.text(f'DELETE FROM "{table.name}"'))
            conn.execute(sa.text("PRAGMA foreign_keys=ON"))


def _empty_postgresql(conn: sa.Connection, metadata: sa.MetaData) -> None:
    """DELETE every table (children first; the few foreign keys that form a cycle, all nullable, set
    to NULL before), and restart the sequences that were used: all in one batch of statements."""
    ordered = sort_tables_and_constraints(metadata.tables.values())
    cyclic = [fk for table, fks in ordered if table is None for fk in fks]
    statements = [f'UPDATE "{fk.table.name}" SET '
                  + ", ".join(f'"{column.name}" = NULL' for column in fk.columns)
                  for fk in cyclic]
    statements += [f'DELETE FROM "{table.name}"' for table, _ in reversed(ordered) if table is not None]
    used = conn.execute(sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
                                " AND last_value IS NOT NULL")).scalars().all()
    if used:
        statements.append("SELECT " + ", ".join(f"setval('\"{name}\"', 1, false)" for name in used))
    # No parameters: psycopg sends the whole batch as one simple query.
    conn.exec_driver_sql(";\n".join(statements))
