"""The personal-data migration (deactivated_at, erased_at) dates the accounts already inactive from the
audit trail, else from the migration, and goes down and up again keeping every person (SQLite and
PostgreSQL, as tests/test_migrations.py)."""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware import create_app
from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "5e1a7c9d2b40"
BEFORE = "fb0ad0302735"


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_the_migration_follows_the_reporting_lines():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(REVISION)
    assert script.down_revision == BEFORE


def test_inactive_accounts_are_dated_and_the_migration_goes_down_and_up(scratch_database):  # noqa: F811
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **scratch_database})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_since, password_hash,"
                " session_token, active, created_at) VALUES"
                " (1, 'still.here', 'Still Here', 'manager', '2026-01-01', 'x', 't1', true, '2026-01-01'),"
                " (2, 'left.2025', 'Left In 2025', 'manager', '2026-01-01', 'x', 't2', false, '2026-01-01'),"
                " (3, 'left.later', 'Gone', 'manager', '2026-01-01', 'x', 't3', false, '2026-01-01')"))
            conn.execute(sa.text(
                "INSERT INTO audit_event (at, actor, action, target, address, details) VALUES"
                " ('2025-03-01 08:00:00', 'hr.lin', 'account.deactivate', 'left.2025', 'cli', ''),"
                " ('2025-05-01 08:00:00', 'hr.lin', 'account.deactivate', 'left.2025', 'cli', ''),"
                " ('2025-04-01 08:00:00', 'hr.lin', 'account.reactivate', 'left.2025', 'cli', '')"))
        db.session.remove()
        before = datetime.now(UTC).replace(tzinfo=None)

        upgrade(revision=REVISION)
        assert {"deactivated_at", "erased_at"} <= _columns("user_account")
        rows = dict(_rows("SELECT username, deactivated_at FROM user_account"))
        assert rows["still.here"] is None
        assert str(rows["left.2025"]).startswith("2025-05-01 08:00:00")
        migrated = rows["left.later"]
        migrated = migrated if isinstance(migrated, datetime) else datetime.fromisoformat(str(migrated))
        assert abs((migrated - before).total_seconds()) < 120  # the migration's time, in UTC
        assert _rows("SELECT count(*) FROM user_account WHERE erased_at IS NOT NULL") == [(0,)]
        db.session.remove()

        downgrade(revision=BEFORE)
        assert not {"deactivated_at", "erased_at"} & _columns("user_account")
        assert _rows("SELECT username FROM user_account ORDER BY id") == [
            ("still.here",), ("left.2025",), ("left.later",)]

        upgrade(revision=REVISION)
        assert str(dict(_rows("SELECT username, deactivated_at FROM user_account"))["left.2025"]).startswith(
            "2025-05-01 08:00:00")
        db.session.remove()
        db.engine.dispose()
