"""The migrations build exactly the models' schema, and go down and up again keeping data."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from courseware.services.authoring.content_import import import_content
from courseware.services.ops.demo import seed_demo
from tests.conftest import TEST_LESSONS, TEST_QUIZZES

# The fixture: the migration tests of other files import it from here.
from tests.migration_helpers import migrated, scratch_database  # noqa: F401


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def _counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in db.metadata.sorted_tables}


def test_upgrade_then_downgrade_then_upgrade(scratch_database):  # noqa: F811
    with migrated(scratch_database):
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        seed_demo(db.session, password="demo password 1")
        before = _counts()
        assert before["lesson"] == 2 and before["user_account"] == 13
        db.session.remove()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _counts() == {name: 0 for name in before}
        db.engine.dispose()


def _sums() -> dict[str, object]:
    with db.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        figures = {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                   for name in tables if name != "alembic_version"}
        figures["score_sum"] = conn.execute(sa.text("SELECT sum(score) FROM quiz_attempt")).scalar_one()
        figures["completions"] = conn.execute(
            sa.text("SELECT count(*) FROM lesson_progress WHERE completed_at IS NOT NULL")).scalar_one()
    return figures


def test_going_down_to_the_first_schema_and_back_keeps_every_row(scratch_database):  # noqa: F811
    from courseware.config import PROJECT_ROOT

    with migrated(scratch_database):
        import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
        seed_demo(db.session, password="demo password 1")
        before = _sums()
        assert before["quiz_attempt"] > 10 and before["completions"] > 10 and before["score_sum"] > 0
        db.session.remove()
        downgrade(revision="092bc51f444c")  # the first migration: everything after it undone
        down = _sums()
        for name in ("user_account", "lesson", "lesson_revision", "lesson_progress", "quiz_attempt",
                     "attempt_answer", "certificate", "score_sum", "completions"):
            assert down[name] == before[name], name
        upgrade()
        after = _sums()
        kept = {name: value for name, value in before.items() if name in down}
        assert {name: after[name] for name in kept} == kept
        db.engine.dispose()
