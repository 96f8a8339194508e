"""The migration of reporting lines, department heads and external identities goes down and up again,
keeping every person and department (SQLite and PostgreSQL, as tests/test_migrations.py)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import columns, down_revision_of, migrated, rows, table_names
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "fb0ad0302735"
BEFORE = "92a81bcd805f"


def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_up_down_up_keeps_people_and_departments(scratch_database):  # noqa: F811
    with migrated(scratch_database, REVISION):
        assert {"manager_id"} <= columns("user_account") and "head_id" in columns("department")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO department (id, name) VALUES (1, 'Marketing Center')"))
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_id, department_since,"
                " password_hash, session_token, active, created_at) VALUES"
                " (1, 'chen.yong', 'Chen Yong', 'manager', 1, '2026-01-01', 'x', 't1', true, '2026-01-01'),"
                " (2, 'wang.lei', 'Wang Lei', 'manager', 1, '2026-01-01', 'x', 't2', true, '2026-01-01')"))
            conn.execute(sa.text("UPDATE user_account SET manager_id = 1 WHERE id = 2"))
            conn.execute(sa.text("UPDATE department SET head_id = 1"))
            conn.execute(sa.text("INSERT INTO external_identity (provider, subject, user_id, created_at)"
                                 " VALUES ('https://id.example.com', 'abc', 2, '2026-01-01')"))
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "manager_id" not in columns("user_account") and "head_id" not in columns("department")
        assert "external_identity" not in table_names()
        assert rows("SELECT username, department_id FROM user_account ORDER BY id") == [
            ("chen.yong", 1), ("wang.lei", 1)]
        assert rows("SELECT name FROM department") == [("Marketing Center",)]

        upgrade(revision=REVISION)
        assert rows("SELECT count(*) FROM user_account WHERE manager_id IS NULL") == [(2,)]
        assert rows("SELECT head_id FROM department") == [(None,)]
        assert rows("SELECT count(*) FROM external_identity") == [(0,)]
