"""The migration of imports' stored one-time passwords goes down and up again, keeping every person
(SQLite and PostgreSQL, as tests/test_migrations.py); rows are written in SQL."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import down_revision_of, migrated, rows, table_names
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "7c4e2b9a5d10"
BEFORE = "b7d4e2a9c1f3"




def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_down_and_up_keeps_everyone_and_empties_the_stored_passwords(scratch_database):  # noqa: F811
    with migrated(scratch_database, BEFORE):
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_since,"
                " password_hash, session_token, active, created_at, password_is_temporary) VALUES"
                " (1, 'hr.lin', 'Lin HR', 'hr', '2026-01-01', 'x', 't1', true, '2026-01-01', false)"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert "import_handout" in table_names()
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO import_handout (user_id, secret, created_at, expires_at)"
                                 " VALUES (1, :secret, '2026-12-04 01:00:00', '2026-12-04 01:15:00')"),
                         {"secret": b"encrypted"})
        assert rows("SELECT user_id, expires_at FROM import_handout")[0][0] == 1
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "import_handout" not in table_names()
        assert rows("SELECT username FROM user_account") == [("hr.lin",)]

        upgrade(revision=REVISION)
        assert rows("SELECT count(*) FROM import_handout") == [(0,)]
        db.session.remove()
        db.engine.dispose()
