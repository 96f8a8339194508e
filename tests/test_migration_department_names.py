"""The migration of departments' Chinese names goes down and up again, keeping every department
(SQLite and PostgreSQL, as tests/test_migrations.py); rows are written in SQL at the older revision."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import down_revision_of, migrated, rows
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "b7d4e2a9c1f3"
BEFORE = "3e8a1c6f0d27"



def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_departments_keep_their_names_and_get_no_chinese_one_down_up_keeps_them(scratch_database):  # noqa: F811
    with migrated(scratch_database, BEFORE):
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO department (id, name) VALUES (1, 'Finance Department')"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert rows("SELECT name, name_zh FROM department") == [("Finance Department", None)]
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE department SET name_zh = '财务部'"))
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "name_zh" not in {c["name"] for c in sa.inspect(db.engine).get_columns("department")}
        assert rows("SELECT name FROM department") == [("Finance Department",)]
        db.session.remove()

        upgrade(revision=REVISION)
        assert rows("SELECT name, name_zh FROM department") == [("Finance Department", None)]
        db.session.remove()
