"""The migration of the progress totals goes down and up again (SQLite and PostgreSQL): going up fills
both tables from the progress already there, and its triggers count what is written after."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from courseware.services.authoring.content_import import import_content
from courseware.services.ops.demo import seed_demo
from tests.conftest import TEST_LESSONS, TEST_QUIZZES
from tests.migration_helpers import down_revision_of, migrated, rows, table_names
from tests.services.reports.test_progress_totals import PER_LESSON, PER_PERSON, STORED_PER_LESSON
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "7c4e2b9d1a05"
BEFORE = "7a3d9e1f5c20"
TOTALS = ("SELECT user_id, course_id, opened, read, quiz_passed, completed, seconds_spent"
          " FROM course_progress_totals")




def test_the_migration_follows_the_last_one_of_main():
    assert down_revision_of(REVISION) == BEFORE


def test_up_fills_the_totals_from_existing_progress_and_counts_new_writes(scratch_database):  # noqa: F811
    with migrated(scratch_database):  # at head
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        seed_demo(db.session, password="demo password 1")  # the demo company has progress
        db.session.remove()
        downgrade(revision=BEFORE)
        assert not {"course_progress_totals", "lesson_stage_totals"} & table_names()
        people = rows("SELECT count(DISTINCT user_id) FROM lesson_progress")[0][0]
        assert people > 0
        upgrade(revision=REVISION)
        expected = [row[:7] for row in rows(PER_PERSON)]
        assert sorted(rows(TOTALS)) == expected and len(expected) == people
        assert rows(STORED_PER_LESSON) == rows(PER_LESSON)
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM lesson_progress WHERE user_id = (SELECT min(user_id) FROM"
                                 " lesson_progress)"))
        assert sorted(rows(TOTALS)) == [row[:7] for row in rows(PER_PERSON)]
        assert len(rows(TOTALS)) == people - 1
        assert rows(STORED_PER_LESSON) == rows(PER_LESSON)
        db.session.remove()
        downgrade(revision=BEFORE)
        upgrade()
        assert sorted(rows(TOTALS)) == [row[:7] for row in rows(PER_PERSON)]
        db.session.remove()
        db.engine.dispose()
