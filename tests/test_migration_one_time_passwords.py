"""The migration of one-time passwords and failed sign-ins goes down and up again, keeping every
person (SQLite and PostgreSQL, as tests/test_migrations.py); rows are written in SQL at the older
revision."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import columns, down_revision_of, migrated, rows, table_names
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "3e8a1c6f0d27"
BEFORE = "d1c5e7a9b3f2"


def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_existing_passwords_stay_the_peoples_own_and_down_up_keeps_everyone(scratch_database):  # noqa: F811
    with migrated(scratch_database, BEFORE):
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_since,"
                " password_hash, session_token, active, created_at) VALUES"
                " (1, 'chen.yong', 'Chen Yong', 'manager', '2026-01-01', 'x', 't1', true, '2026-01-01')"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert {"password_is_temporary", "password_expires_at"} <= columns("user_account")
        assert rows("SELECT username, password_is_temporary, password_expires_at FROM user_account") == [
            ("chen.yong", False, None)]
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE user_account SET password_is_temporary = true,"
                                 " password_expires_at = '2026-12-04 09:00:00'"))
            conn.execute(sa.text("INSERT INTO failed_sign_in (username, address, at)"
                                 " VALUES ('chen.yong', '10.0.0.1', '2026-12-01 09:00:00')"))
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "password_is_temporary" not in columns("user_account")
        assert "failed_sign_in" not in table_names()
        assert rows("SELECT username FROM user_account") == [("chen.yong",)]

        upgrade(revision=REVISION)
        assert rows("SELECT password_is_temporary FROM user_account") == [(False,)]
        assert rows("SELECT count(*) FROM failed_sign_in") == [(0,)]
