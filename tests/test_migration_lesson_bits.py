"""The migration of the lessons' bits goes down and up again (SQLite and PostgreSQL): going up gives
every lesson its bit and fills each person's masks from the progress already there, and its triggers
keep them as progress is written after."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from courseware.services.authoring.content_import import import_content
from courseware.services.ops.demo import seed_demo
from tests.conftest import TEST_LESSONS, TEST_QUIZZES
from tests.migration_helpers import down_revision_of, migrated, rows, table_names
from tests.services.reports.test_progress_totals import MASKS, STORED_MASKS
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "e4a8c2f6b1d9"
BEFORE = "9b2d4f6a8c13"


def test_the_migration_follows_the_active_people_index():
    assert down_revision_of(REVISION) == BEFORE


def test_up_fills_the_masks_from_existing_progress_and_keeps_them(scratch_database):  # noqa: F811
    with migrated(scratch_database):  # at head
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        seed_demo(db.session, password="demo password 1")  # the demo company has progress
        db.session.remove()
        downgrade(revision=BEFORE)
        assert "lesson_mask_bits" not in table_names()
        upgrade(revision=REVISION)
        lessons = rows("SELECT count(*) FROM lesson")[0][0]
        assert rows("SELECT count(*) FROM lesson_mask_bits")[0][0] == lessons
        stored = rows(STORED_MASKS)
        assert stored == rows(MASKS) and any(row[5] for row in stored)  # someone completed a lesson
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE lesson_progress SET completed_at = NULL WHERE user_id = (SELECT"
                                 " min(user_id) FROM lesson_progress)"))
            conn.execute(sa.text("DELETE FROM lesson_progress WHERE user_id = (SELECT max(user_id) FROM"
                                 " lesson_progress)"))
        assert rows(STORED_MASKS) == rows(MASKS)
        db.session.remove()
        downgrade(revision=BEFORE)
        upgrade()
        assert rows(STORED_MASKS) == rows(MASKS)
        db.session.remove()
        db.engine.dispose()
