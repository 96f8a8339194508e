"""The migration of imports' stored one-time passwords goes down and up again, keeping every person
(SQLite and PostgreSQL, as tests/test_migrations.py); rows are written in SQL."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware import create_app
from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "7c4e2b9a5d10"
BEFORE = "b7d4e2a9c1f3"


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_the_migration_follows_the_last_one_of_main():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(REVISION)
    assert script.down_revision == BEFORE


def test_down_and_up_keeps_everyone_and_empties_the_stored_passwords(scratch_database):  # noqa: F811
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **scratch_database})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_since,"
                " password_hash, session_token, active, created_at, password_is_temporary) VALUES"
                " (1, 'hr.lin', 'Lin HR', 'hr', '2026-01-01', 'x', 't1', true, '2026-01-01', false)"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert "import_handout" in _tables()
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO import_handout (user_id, secret, created_at, expires_at)"
                                 " VALUES (1, :secret, '2026-12-04 01:00:00', '2026-12-04 01:15:00')"),
                         {"secret": b"encrypted"})
        assert _rows("SELECT user_id, expires_at FROM import_handout")[0][0] == 1
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "import_handout" not in _tables()
        assert _rows("SELECT username FROM user_account") == [("hr.lin",)]

        upgrade(revision=REVISION)
        assert _rows("SELECT count(*) FROM import_handout") == [(0,)]
        db.session.remove()
        db.engine.dispose()
