"""Online backups and restores: SQLite's backup API (safe while the site runs), pg_dump for PostgreSQL."""
from __future__ import annotations

import os
import sqlite3

try:
    import fcntl
except ImportError:  # not on Windows: nothing to ask
    fcntl = None  # type: ignore[assignment]
import subprocess
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from courseware.services.errors import ValidationError


def _sqlite_path(engine: Engine) -> str:
    # No database in the URL (sqlite://) is SQLite's in-memory one, as for SQLAlchemy's own driver.
    return make_url(str(engine.url)).database or ":memory:"


def _libpq_url(engine: Engine) -> str:
    """The SQLAlchemy URL as pg_dump understands it (no "+psycopg" driver part)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(engine: Engine, destination: Path) -> Path:
    """Write a consistent copy of the live database to `destination` (never overwrites a file)."""
    destination = Path(destination)
    if destination.exists():
        raise ValidationError(_("%(path)s exists already; choose a new file name.", path=destination))
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
        raise ValidationError(_("Backups of %(dialect)s databases are not supported.",
                                dialect=engine.dialect.name))
    os.chmod(destination, 0o600)
    return destination


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's content with the backup's. Stop the site first."""
    source = Path(source)
    if not source.is_file():
        raise ValidationError(_("%(path)s is not a file.", path=source))
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
        raise ValidationError(_("Restores of %(dialect)s databases are not supported.",
                                dialect=engine.dialect.name))


def site_in_use(engine: Engine, instance_path: Path) -> str | None:
    """Why the site looks up (a restore under it would be overwritten by its writes, or break it),
    or None: a server of this instance holds its jobs lock, or (PostgreSQL) other sessions are
    connected to the database from anywhere."""
    lock_path = instance_path / "jobs.lock"
    if fcntl is not None and lock_path.exists():
        with open(lock_path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return _("a server of this instance is running (it holds %(path)s)", path=str(lock_path))
            fcntl.flock(handle, fcntl.LOCK_UN)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            others = connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).scalar() or 0
        if others:
            return _("%(count)s other connection(s) to the database are open", count=others)
    return None


def check_sqlite(path: Path) -> None:
    """PRAGMA integrity_check and foreign_key_check, or a ValidationError saying what is wrong."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise ValidationError(_("%(path)s is not a usable SQLite database: %(error)s", path=path,
                                error=error)) from error
    finally:
        connection.close()
    if integrity != [("ok",)]:
        raise ValidationError(_("%(path)s failed the integrity check: %(problems)s", path=path,
                                problems=integrity[:3]))
    if foreign:
        raise ValidationError(_("%(path)s has %(count)d broken foreign keys, e.g. %(example)s", path=path,
                                count=len(foreign), example=foreign[0]))


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise ValidationError(
            _("%(program)s is not installed (it comes with the PostgreSQL client).", program=command[0])
        ) from error
    except subprocess.CalledProcessError as error:
        raise ValidationError(_("%(program)s failed: %(output)s", program=command[0],
                                output=error.stderr.strip()[:500])) from error
