"""The personal-data migration (deactivated_at, erased_at) dates the accounts already inactive from the
audit trail, else from the migration, and goes down and up again keeping every person (SQLite and
PostgreSQL, as tests/test_migrations.py)."""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import columns, down_revision_of, migrated, rows
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "5e1a7c9d2b40"
BEFORE = "fb0ad0302735"


def test_the_migration_follows_the_reporting_lines():
    assert down_revision_of(REVISION) == BEFORE


def test_inactive_accounts_are_dated_and_the_migration_goes_down_and_up(scratch_database):  # noqa: F811
    with migrated(scratch_database, BEFORE):
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
        assert {"deactivated_at", "erased_at"} <= columns("user_account")
        dated = dict(rows("SELECT username, deactivated_at FROM user_account"))
        assert dated["still.here"] is None
        assert str(dated["left.2025"]).startswith("2025-05-01 08:00:00")
        moment = dated["left.later"]
        moment = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
        assert abs((moment - before).total_seconds()) < 120  # the migration's time, in UTC
        assert rows("SELECT count(*) FROM user_account WHERE erased_at IS NOT NULL") == [(0,)]
        db.session.remove()

        downgrade(revision=BEFORE)
        assert not {"deactivated_at", "erased_at"} & columns("user_account")
        assert rows("SELECT username FROM user_account ORDER BY id") == [
            ("still.here",), ("left.2025",), ("left.later",)]

        upgrade(revision=REVISION)
        assert str(dict(rows("SELECT username, deactivated_at FROM user_account"))["left.2025"]).startswith(
            "2025-05-01 08:00:00")
