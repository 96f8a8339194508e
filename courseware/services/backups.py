"""Online backups and restores: SQLite's backup API (safe while the site runs), pg_dump for PostgreSQL."""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from courseware.services.errors import ValidationError


def _sqlite_path(engine: Engine) -> str:
    return make_url(str(engine.url)).database


def _libpq_url(engine: Engine) -> str:
    """The SQLAlchemy URL as pg_dump understands it (no "+psycopg" driver part)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(engine: Engine, destination: Path) -> Path:
    """Write a consistent copy of the live database to `destination` (never overwrites a file)."""
    destination = Path(destination)
    if destination.exists():
        raise ValidationError(f"{destination} exists already; choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        # The backup API copies page by page and retries pages written meanwhile: unlike copying the
        # file, it gives a consistent snapshot of a WAL database that is in use.
        source = sqlite3.connect(_sqlite_path(engine))
        target = sqlite3.connect(destination)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        check_sqlite(destination)
    elif engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={destination}", _libpq_url(engine)])
    else:
        raise ValidationError(f"Backups of {engine.dialect.name} databases are not supported.")
    os.chmod(destination, 0o600)
    return destination


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's content with the backup's. Stop the site first."""
    source = Path(source)
    if not source.is_file():
        raise ValidationError(f"{source} is not a file.")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        check_sqlite(source)
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(engine))
        try:
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    elif engine.dialect.name == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(engine)}", str(source)])
    else:
        raise ValidationError(f"Restores of {engine.dialect.name} databases are not supported.")


def check_sqlite(path: Path) -> None:
    """PRAGMA integrity_check and foreign_key_check, or a ValidationError saying what is wrong."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise ValidationError(f"{path} is not a usable SQLite database: {error}") from error
    finally:
        connection.close()
    if integrity != [("ok",)]:
        raise ValidationError(f"{path} failed the integrity check: {integrity[:3]}")
    if foreign:
        raise ValidationError(f"{path} has {len(foreign)} broken foreign keys, e.g. {foreign[0]}")


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise ValidationError(
            f"{command[0]} is not installed (it comes with the PostgreSQL client).") from error
    except subprocess.CalledProcessError as error:
        raise ValidationError(f"{command[0]} failed: {error.stderr.strip()[:500]}") from error
