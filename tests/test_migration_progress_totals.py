"""The migration of the progress totals goes down and up again (SQLite and PostgreSQL): going up fills
both tables from the progress already there, and its triggers count what is written after."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware import create_app
from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.services.authoring.content_import import import_content
from courseware.services.ops.demo import seed_demo
from tests.conftest import TEST_LESSONS, TEST_QUIZZES
from tests.services.reports.test_progress_totals import PER_LESSON, PER_PERSON, STORED_PER_LESSON
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "7c4e2b9d1a05"
BEFORE = "7a3d9e1f5c20"
TOTALS = ("SELECT user_id, course_id, opened, read, quiz_passed, completed, seconds_spent"
          " FROM course_progress_totals")


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_the_migration_follows_the_last_one_of_main():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(REVISION)
    assert script.down_revision == BEFORE


def test_up_fills_the_totals_from_existing_progress_and_counts_new_writes(scratch_database):  # noqa: F811
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **scratch_database})
    with app.app_context():
        upgrade()
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        seed_demo(db.session, password="demo password 1")  # the demo company has progress
        db.session.remove()
        downgrade(revision=BEFORE)
        assert not {"course_progress_totals", "lesson_stage_totals"} & _tables()
        people = _rows("SELECT count(DISTINCT user_id) FROM lesson_progress")[0][0]
        assert people > 0
        upgrade(revision=REVISION)
        expected = [row[:7] for row in _rows(PER_PERSON)]
        assert sorted(_rows(TOTALS)) == expected and len(expected) == people
        assert _rows(STORED_PER_LESSON) == _rows(PER_LESSON)
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM lesson_progress WHERE user_id = (SELECT min(user_id) FROM"
                                 " lesson_progress)"))
        assert sorted(_rows(TOTALS)) == [row[:7] for row in _rows(PER_PERSON)]
        assert len(_rows(TOTALS)) == people - 1
        assert _rows(STORED_PER_LESSON) == _rows(PER_LESSON)
        db.session.remove()
        downgrade(revision=BEFORE)
        upgrade()
        assert sorted(_rows(TOTALS)) == [row[:7] for row in _rows(PER_PERSON)]
        db.session.remove()
        db.engine.dispose()
