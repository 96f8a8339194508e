"""The migration of the active people's index goes down and up again (SQLite and PostgreSQL),
keeping every account."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import down_revision_of, migrated, rows
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "9b2d4f6a8c13"
BEFORE = "7c4e2b9d1a05"


def _indexes() -> set[str]:
    return {index["name"] for index in sa.inspect(db.engine).get_indexes("user_account")}


def test_the_migration_follows_the_progress_totals():
    assert down_revision_of(REVISION) == BEFORE


def test_down_and_up_keep_every_account(scratch_database):  # noqa: F811
    with migrated(scratch_database, REVISION):
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO user_account (username, full_name, role, department_since, password_hash,"
                " session_token, active, created_at) VALUES"
                " ('wang.fang', 'Wang Fang', 'manager', '2026-01-01', 'x', 't1', true, '2026-01-01'),"
                " ('gone', 'Gone', 'manager', '2026-01-01', 'x', 't2', false, '2026-01-01')"))
        assert "ix_user_account_active_people" in _indexes()
        db.session.remove()
        downgrade(revision=BEFORE)
        assert "ix_user_account_active_people" not in _indexes()
        upgrade(revision=REVISION)
        assert "ix_user_account_active_people" in _indexes()
        assert rows("SELECT username FROM user_account ORDER BY username") == [("gone",), ("wang.fang",)]
