"""The directory sync's migration goes down and up again, keeping every person and department
(SQLite and PostgreSQL, as tests/test_migrations.py); rows are written in SQL at each revision."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import columns, down_revision_of, migrated, rows, table_names
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "d1c5e7a9b3f2"
BEFORE = "5e1a7c9d2b40"


def test_the_migration_follows_the_reporting_lines():
    assert down_revision_of(REVISION) == BEFORE


def test_up_down_up_keeps_people_and_departments(scratch_database):  # noqa: F811
    with migrated(scratch_database, BEFORE):
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO department (id, name) VALUES (1, 'Marketing Center')"))
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_id, department_since,"
                " password_hash, session_token, active, created_at) VALUES"
                " (1, 'chen.yong', 'Chen Yong', 'manager', 1, '2026-01-01', 'x', 't1', true, '2026-01-01')"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert "mobile" in columns("user_account")
        assert {"directory_source", "directory_id"} <= columns("department")
        assert rows("SELECT mobile FROM user_account") == [(None,)]
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE user_account SET mobile = '13800000001'"))
            conn.execute(sa.text("UPDATE department SET directory_source = 'wecom', directory_id = 'd1'"))
            conn.execute(sa.text("INSERT INTO directory_record (user_id, source, \"values\", synced_at)"
                                 " VALUES (1, 'wecom', '{\"full_name\": \"Chen Yong\"}', '2026-01-02')"))
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "mobile" not in columns("user_account") and "directory_id" not in columns("department")
        assert "directory_record" not in table_names()
        assert rows("SELECT username, department_id FROM user_account") == [("chen.yong", 1)]

        upgrade(revision=REVISION)
        assert rows("SELECT name, directory_id FROM department") == [("Marketing Center", None)]
        assert rows("SELECT count(*) FROM directory_record") == [(0,)]
