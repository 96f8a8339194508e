"""Backups taken while the site writes, restored whole: integrity, foreign keys and counts."""
from __future__ import annotations

import os
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from courseware import create_app
from courseware.extensions import db
from courseware.models import AuditEvent
from courseware.services.catalog import published
from courseware.services.errors import ValidationError
from courseware.services.ops import audit, backups
from courseware.services.ops.demo import seed_demo

sqlite_only = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                                 reason="the SQLite backup path; PostgreSQL is checked below")


def counts(connection) -> dict[str, int]:
    return {t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables}


@sqlite_only
def test_a_backup_taken_during_writes_restores_whole(app, course, tmp_path):
    seed_demo(db.session, password="demo password 1")
    first = published.lessons(db.session, course)[0]
    stop = threading.Event()

    def keep_writing():
        with app.app_context():
            while not stop.is_set():
                audit.record(db.session, "test.write", actor_name="writer", commit=True)
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        target = backups.backup(db.engine, tmp_path / "backup.db")
    finally:
        stop.set()
        writer.join()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    backups.check_sqlite(target)  # integrity_check ok, no broken foreign keys
    with sqlite3.connect(target) as snapshot:
        written_then = snapshot.execute("SELECT count(*) FROM audit_event").fetchone()[0]
        assert snapshot.execute("SELECT count(*) FROM user_account").fetchone()[0] == 13
    assert written_then <= db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))

    # Restore into another, empty database and find the same rows.
    restored_app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'restored.db'}",
                               "SECRET_KEY": "x"})
    with restored_app.app_context():
        backups.restore(db.engine, target)
        with db.engine.connect() as connection:
            restored = counts(connection)
        db.engine.dispose()
    with sa.create_engine(f"sqlite:///{target}").connect() as connection:
        assert restored == counts(connection)
    assert restored["lesson_progress"] > 0 and restored["quiz_attempt"] > 0
    assert first.id  # the course survived in the live database too


def test_a_backup_never_overwrites_a_file(app, tmp_path):
    existing = tmp_path / "there.db"
    existing.write_text("keep me")
    with pytest.raises(ValidationError, match="exists already"):
        backups.backup(db.engine, existing)
    assert existing.read_text() == "keep me"


@sqlite_only
def test_a_damaged_backup_is_refused_before_anything_is_replaced(app, tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ValidationError, match="not a usable SQLite database"):
        backups.restore(db.engine, broken)


def test_the_backup_command_reports_what_it_wrote(runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "cli.backup")])
    assert result.exit_code == 0, result.output
    assert "Backed up the" in result.output and "bytes" in result.output
    again = runner.invoke(args=["backup", str(tmp_path / "cli.backup")])
    assert again.exit_code == 1 and "exists already" in again.output


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="PostgreSQL only")
def test_postgresql_backups_are_pg_dump_custom_archives(app, tmp_path):
    target = backups.backup(db.engine, tmp_path / "pg.dump")
    assert target.read_bytes()[:5] == b"PGDMP"


def test_restore_refuses_while_the_site_is_up_unless_forced(app, runner, tmp_path):
    """The help said "stop the site first" but nothing checked it: a server of this instance holds
    its jobs lock (on PostgreSQL, any other connection counts too)."""
    import fcntl
    from pathlib import Path

    backup_file = tmp_path / "backup.db"
    backup_file.write_bytes(b"not used: the command stops before reading it")
    lock_path = Path(app.instance_path) / "jobs.lock"
    with open(lock_path, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        refused = runner.invoke(args=["restore", str(backup_file), "--yes"])
        assert refused.exit_code == 1
        assert "The site looks up: a server of this instance is running" in refused.output
        assert "--force" in refused.output
        forced = runner.invoke(args=["restore", str(backup_file), "--yes", "--force"])
        assert "looks up" not in forced.output  # it went on (and refused the file itself)
    if db.engine.dialect.name == "sqlite":
        assert backups.site_in_use(db.engine, Path(app.instance_path)) is None
