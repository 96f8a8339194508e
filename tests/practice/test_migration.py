"""The practice migration goes down and up again, keeping every other row (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.models import Goal, Lesson, LessonRevision, Reflection, User
from courseware.services.authoring.content_import import import_content
from courseware.services.ops.demo import seed_demo
from tests.conftest import TEST_LESSONS, TEST_QUIZZES
from tests.migration_helpers import migrated
from tests.test_migrations import scratch_database  # noqa: F401  (the fixture)

PRACTICE_TABLES = {
    "practice_goal",
    "practice_goal_update",
    "practice_focus_item",
    "practice_day",
    "practice_reflection",
    "practice_followup",
    "practice_followup_answer",
}


def practice_revision() -> tuple[str, str]:
    """(the practice migration, the one before it)."""
    scripts = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    [script] = [s for s in scripts.walk_revisions() if "practice_goal" in open(s.path).read()]
    return script.revision, script.down_revision


def test_down_and_up_keep_lessons_people_and_progress(scratch_database):  # noqa: F811
    mine, previous = practice_revision()
    with migrated(scratch_database):
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        seed_demo(db.session, password="demo password 1")
        lesson = db.session.scalar(sa.select(Lesson).order_by(Lesson.id))
        lesson.published_revision.reflection = "Why?"
        user = db.session.scalar(sa.select(User).where(User.username == "wang.lei"))
        db.session.add_all(
            [
                Goal(user_id=user.id, title="G", starts_on=date(2026, 1, 1), target_on=date(2026, 6, 30)),
                Reflection(user_id=user.id, lesson_id=lesson.id, prompt="Why?", answer="Because"),
            ]
        )
        db.session.commit()
        kept = {
            name: db.session.scalar(sa.text(f'SELECT count(*) FROM "{name}"'))
            for name in ("user_account", "lesson_revision", "lesson_progress", "quiz_attempt")
        }
        db.session.remove()

        downgrade(revision=previous)
        inspector = sa.inspect(db.engine)
        assert PRACTICE_TABLES.isdisjoint(inspector.get_table_names())
        assert "reflection" not in {c["name"] for c in inspector.get_columns("lesson_revision")}
        with db.engine.connect() as conn:
            assert {
                name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar() for name in kept
            } == kept

        upgrade()
        assert PRACTICE_TABLES <= set(sa.inspect(db.engine).get_table_names())
        assert db.session.scalar(sa.select(sa.func.count(LessonRevision.id))) == kept["lesson_revision"]
        assert (
            db.session.scalar(
                sa.select(sa.func.count(LessonRevision.id)).where(LessonRevision.reflection.is_not(None))
            )
            == 0
        )
    assert mine
