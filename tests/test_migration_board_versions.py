"""The migration of the lesson boxes' versions (models/boards.py) writes a row at 0 for every lesson
there is, goes down and up again keeping every lesson (SQLite and PostgreSQL, as
tests/test_migrations.py); rows are written in SQL."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import down_revision_of, migrated, rows, table_names
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "3e8a1c5b7d29"
BEFORE = "e4a8c2f6b1d9"


def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_every_lesson_gets_its_versions_and_going_down_keeps_the_lessons(scratch_database):  # noqa: F811
    with migrated(scratch_database, BEFORE):
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO course (id, slug, title, description, position)"
                                 " VALUES (1, 'c', 'Course', '', 1)"))
            conn.execute(sa.text("INSERT INTO course_module (id, course_id, title, position)"
                                 " VALUES (1, 1, 'Module', 1)"))
            conn.execute(sa.text("INSERT INTO lesson (id, course_id, module_id, slug, position)"
                                 " VALUES (1, 1, 1, 'one', 1), (2, 1, 1, 'two', 2)"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert rows("SELECT lesson_id, questions, featured FROM lesson_board_version ORDER BY lesson_id") \
            == [(1, 0, 0), (2, 0, 0)]
        with db.engine.connect() as conn, conn.begin():
            try:
                conn.execute(sa.text("INSERT INTO lesson_board_version (lesson_id, questions, featured)"
                                     " VALUES (1, 5, 5)"))
                raised = False
            except sa.exc.IntegrityError:
                raised = True
        assert raised, "one row a lesson"
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "lesson_board_version" not in table_names()
        assert rows("SELECT slug FROM lesson ORDER BY id") == [("one",), ("two",)]

        upgrade(revision=REVISION)
        assert rows("SELECT count(*) FROM lesson_board_version") == [(2,)]
        db.session.remove()
        db.engine.dispose()
