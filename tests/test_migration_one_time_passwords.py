"""The migration of one-time passwords and failed sign-ins goes down and up again, keeping every
person (SQLite and PostgreSQL, as tests/test_migrations.py); rows are written in SQL at the older
revision."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware import create_app
from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "3e8a1c6f0d27"
BEFORE = "d1c5e7a9b3f2"


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_the_migration_follows_the_last_one_of_main():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(REVISION)
    assert script.down_revision == BEFORE


def test_existing_passwords_stay_the_peoples_own_and_down_up_keeps_everyone(scratch_database):  # noqa: F811
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **scratch_database})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_since,"
                " password_hash, session_token, active, created_at) VALUES"
                " (1, 'chen.yong', 'Chen Yong', 'manager', '2026-01-01', 'x', 't1', true, '2026-01-01')"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert {"password_is_temporary", "password_expires_at"} <= _columns("user_account")
        assert _rows("SELECT username, password_is_temporary, password_expires_at FROM user_account") == [
            ("chen.yong", False, None)]
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE user_account SET password_is_temporary = true,"
                                 " password_expires_at = '2026-12-04 09:00:00'"))
            conn.execute(sa.text("INSERT INTO failed_sign_in (username, address, at)"
                                 " VALUES ('chen.yong', '10.0.0.1', '2026-12-01 09:00:00')"))
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "password_is_temporary" not in _columns("user_account")
        assert "failed_sign_in" not in sa.inspect(db.engine).get_table_names()
        assert _rows("SELECT username FROM user_account") == [("chen.yong",)]

        upgrade(revision=REVISION)
        assert _rows("SELECT password_is_temporary FROM user_account") == [(False,)]
        assert _rows("SELECT count(*) FROM failed_sign_in") == [(0,)]
        db.session.remove()
        db.engine.dispose()
