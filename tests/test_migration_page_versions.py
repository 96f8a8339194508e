"""The migration of the page versions (models/page_versions.py): every person starts at 0, the shared
row waits for the first write, and going down and up again keeps the people (SQLite and PostgreSQL,
as tests/test_migrations.py); rows are written in SQL."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import columns, down_revision_of, migrated, rows, table_names
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "5b9e3d7f2a61"
BEFORE = "3e8a1c5b7d29"


def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_every_person_starts_at_version_0_and_going_down_keeps_them(scratch_database):  # noqa: F811
    with migrated(scratch_database, BEFORE):
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO user_account (id, username, full_name, role, password_hash,"
                                 " session_token, active, created_at, department_since,"
                                 " password_is_temporary)"
                                 " VALUES (1, 'li', 'Li', 'manager', 'x', 't1', true, '2026-01-01',"
                                 " '2026-01-01', false)"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert rows("SELECT id, page_version FROM user_account") == [(1, 0)]
        assert rows("SELECT id, version FROM shared_page_version") == []  # written by the first write
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "shared_page_version" not in table_names()
        assert "page_version" not in columns("user_account")
        assert rows("SELECT username FROM user_account") == [("li",)]

        upgrade(revision=REVISION)
        assert rows("SELECT page_version FROM user_account") == [(0,)]
        db.session.remove()
        db.engine.dispose()
