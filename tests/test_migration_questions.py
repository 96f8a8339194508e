"""The migration of the questions on a lesson goes down and up again, keeping every person and lesson
(SQLite and PostgreSQL, as tests/test_migrations.py); rows are written in SQL."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from tests.migration_helpers import down_revision_of, migrated, rows, table_names
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "7a3d9e1f5c20"
BEFORE = "637056e0a049"
TABLES = {"lesson_question", "question_answer", "question_me_too", "question_host"}




def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_questions_go_down_and_up_keeping_people_and_lessons(scratch_database):  # noqa: F811
    with migrated(scratch_database, BEFORE):
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO user_account (id, username, full_name, role, department_since,"
                " password_hash, session_token, active, created_at) VALUES"
                " (1, 'chen.yong', 'Chen Yong', 'manager', '2026-01-01', 'x', 't1', true, '2026-01-01'),"
                " (2, 'boss', 'The President', 'president', '2026-01-01', 'x', 't2', true, '2026-01-01')"))
            conn.execute(sa.text("INSERT INTO course (id, slug, title, description, position)"
                                 " VALUES (1, 'c', 'Course', '', 1)"))
            conn.execute(sa.text("INSERT INTO course_module (id, course_id, title, position)"
                                 " VALUES (1, 1, 'Module', 1)"))
            conn.execute(sa.text("INSERT INTO lesson (id, course_id, module_id, slug, position)"
                                 " VALUES (1, 1, 1, 'l', 1)"))
        db.session.remove()

        upgrade(revision=REVISION)
        assert TABLES <= table_names()
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO lesson_question (id, lesson_id, user_id, body, html, anonymous, created_at)"
                " VALUES (1, 1, 1, 'Why?', '<p>Why?</p>', true, '2026-12-04 01:00:00')"))
            conn.execute(sa.text(
                "INSERT INTO question_answer (question_id, author_id, body, html, created_at, pinned_at)"
                " VALUES (1, 2, 'Because.', '<p>Because.</p>', '2026-12-04 02:00:00',"
                " '2026-12-04 02:00:00')"))
            conn.execute(sa.text("INSERT INTO question_me_too (question_id, user_id, created_at)"
                                 " VALUES (1, 2, '2026-12-04 02:00:00')"))
            conn.execute(sa.text("INSERT INTO question_host (user_id, added_by_id, created_at)"
                                 " VALUES (1, 2, '2026-12-04 02:00:00')"))
        with db.engine.connect() as conn, conn.begin():
            duplicate = sa.text("INSERT INTO question_me_too (question_id, user_id, created_at)"
                                " VALUES (1, 2, '2026-12-04 03:00:00')")
            try:
                conn.execute(duplicate)
                raised = False
            except sa.exc.IntegrityError:
                raised = True
        assert raised, "one 'me too' a person a question"
        db.session.remove()

        downgrade(revision=BEFORE)
        assert not TABLES & table_names()
        assert rows("SELECT username FROM user_account ORDER BY id") == [("chen.yong",), ("boss",)]
        assert rows("SELECT slug FROM lesson") == [("l",)]

        upgrade(revision=REVISION)
        assert rows("SELECT count(*) FROM lesson_question") == [(0,)]
        db.session.remove()
        db.engine.dispose()
