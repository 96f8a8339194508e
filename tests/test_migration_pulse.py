"""The migration of featured reflections and the culture pulse goes down and up again (SQLite and
PostgreSQL, as tests/test_migrations.py); rows are written in SQL at the new revision."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import down_revision_of, migrated, rows, table_names
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "637056e0a049"
BEFORE = "7c4e2b9a5d10"
TABLES = {"reflection_feature", "pulse", "pulse_question", "pulse_responder", "pulse_answer"}




def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_down_and_up_again(scratch_database):  # noqa: F811
    with migrated(scratch_database, REVISION):
        assert TABLES <= table_names()
        answer_columns = {c["name"] for c in sa.inspect(db.engine).get_columns("pulse_answer")}
        assert answer_columns == {"id", "pulse_id", "question_id", "value", "department_id", "answered_on"}
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO pulse (id, title, opens_at, closes_at, created_at)"
                                 " VALUES (1, 'Goals', '2026-11-23', '2026-12-07', '2026-11-20')"))
            conn.execute(sa.text("INSERT INTO pulse_question (id, pulse_id, position, text, kind, options)"
                                 " VALUES (1, 1, 1, 'Goals are clear', 'scale', '[]')"))
            conn.execute(sa.text("INSERT INTO pulse_responder (pulse_id, token) VALUES (1, 'ab')"))
            conn.execute(sa.text("INSERT INTO pulse_answer (id, pulse_id, question_id, value, answered_on)"
                                 " VALUES ('6f1c2a9e-0000-4000-8000-000000000001', 1, 1, 4, '2026-11-25')"))
        assert rows("SELECT value FROM pulse_answer") == [(4,)]
        db.session.remove()

        downgrade(revision=BEFORE)
        assert not TABLES & table_names()
        upgrade(revision=REVISION)
        assert rows("SELECT count(*) FROM pulse_answer") == [(0,)]
        db.session.remove()
        db.engine.dispose()
