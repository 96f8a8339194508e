"""The migration that gave lesson revisions their team discussion guide goes down and up again
keeping every revision (the guides themselves go with the column)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from courseware.services.authoring.content_import import import_content
from tests.conftest import TEST_LESSONS, TEST_QUIZZES
from tests.migration_helpers import migrated
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

MIGRATION, BEFORE = "4b7e9c2d5a10", "5c1e7a9d2b40"


def _columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("lesson_revision")}


def _guides() -> list[tuple[str, bool]]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT language, discussion FROM lesson_revision ORDER BY id"))
        # A JSON column stores None as JSON null ('null' in SQLite's text).
        return [(language, discussion not in (None, "null")) for language, discussion in rows]


def test_going_down_and_up_keeps_every_revision(scratch_database):  # noqa: F811
    with migrated(scratch_database, MIGRATION):
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        assert _guides() == [("en", True), ("en", False), ("zh_CN", True)]
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "discussion" not in _columns()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM lesson_revision")).scalar_one() == 3
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == BEFORE

        upgrade(revision=MIGRATION)  # not the head: later migrations follow it
        assert "discussion" in _columns()
        assert _guides() == [("en", False), ("en", False), ("zh_CN", False)]
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == MIGRATION
