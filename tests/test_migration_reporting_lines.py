"""The migration of reporting lines, department heads and external identities goes down and up again,
keeping every person and department (SQLite and PostgreSQL, as tests/test_migrations.py)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware import create_app
from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "fb0ad0302735"
BEFORE = "92a81bcd805f"


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_the_migration_follows_the_last_one_of_main():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(REVISION)
    assert script.down_revision == BEFORE


def test_up_down_up_keeps_people_and_departments(scratch_database):  # noqa: F811
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **scratch_database})
    with app.app_context():
        upgrade(revision=REVISION)
        assert {"manager_id"} <= _columns("user_account") and "head_id" in _columns("department")
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
        assert "manager_id" not in _columns("user_account") and "head_id" not in _columns("department")
        assert "external_identity" not in sa.inspect(db.engine).get_table_names()
        assert _rows("SELECT username, department_id FROM user_account ORDER BY id") == [
            ("chen.yong", 1), ("wang.lei", 1)]
        assert _rows("SELECT name FROM department") == [("Marketing Center",)]

        upgrade(revision=REVISION)
        assert _rows("SELECT count(*) FROM user_account WHERE manager_id IS NULL") == [(2,)]
        assert _rows("SELECT head_id FROM department") == [(None,)]
        assert _rows("SELECT count(*) FROM external_identity") == [(0,)]
        db.session.remove()
        db.engine.dispose()
