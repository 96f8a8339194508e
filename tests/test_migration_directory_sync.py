"""The directory sync's migration goes down and up again, keeping every person and department
(SQLite and PostgreSQL, as tests/test_migrations.py); rows are written in SQL at each revision."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware import create_app
from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "d1c5e7a9b3f2"
BEFORE = "5e1a7c9d2b40"


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_the_migration_follows_the_reporting_lines():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(REVISION)
    assert script.down_revision == BEFORE


def test_up_down_up_keeps_people_and_departments(scratch_database):  # noqa: F811
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **scratch_database})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO department (id, name) VALUES (1, 'Marketing Center')"))
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_id, department_since,"
                " password_hash, session_token, active, created_at) VALUES"
                " (1, 'chen.yong', 'Chen Yong', 'manager', 1, '2026-01-01', 'x', 't1', true, '2026-01-01')"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert "mobile" in _columns("user_account")
        assert {"directory_source", "directory_id"} <= _columns("department")
        assert _rows("SELECT mobile FROM user_account") == [(None,)]
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE user_account SET mobile = '13800000001'"))
            conn.execute(sa.text("UPDATE department SET directory_source = 'wecom', directory_id = 'd1'"))
            conn.execute(sa.text("INSERT INTO directory_record (user_id, source, \"values\", synced_at)"
                                 " VALUES (1, 'wecom', '{\"full_name\": \"Chen Yong\"}', '2026-01-02')"))
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "mobile" not in _columns("user_account") and "directory_id" not in _columns("department")
        assert "directory_record" not in sa.inspect(db.engine).get_table_names()
        assert _rows("SELECT username, department_id FROM user_account") == [("chen.yong", 1)]

        upgrade(revision=REVISION)
        assert _rows("SELECT name, directory_id FROM department") == [("Marketing Center", None)]
        assert _rows("SELECT count(*) FROM directory_record") == [(0,)]
        db.session.remove()
        db.engine.dispose()
