"""The migration that gives each person a job title goes down and up again, keeping every account
(SQLite and PostgreSQL, as tests/test_migrations.py)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.models import User
from tests.migration_helpers import migrated
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "1a1ec64213bd"


def _columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("user_account")}


def test_the_job_title_migration_follows_the_last_one_of_main():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(REVISION)
    assert script.down_revision == "1d0d23f8ae72"


def test_up_down_up_keeps_every_account(scratch_database):  # noqa: F811
    with migrated(scratch_database, REVISION):
        assert "title" in _columns()
        # In SQL: the model has columns of later migrations, which this schema does not have yet.
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO user_account (username, full_name, role, title, department_since, password_hash,"
                " session_token, active, created_at) VALUES"
                " ('zhao.ming', 'Zhao Ming', 'president', 'President', '2026-01-01', 'x', 't1', true,"
                " '2026-01-01'),"
                " ('no.title', 'No Title', 'manager', NULL, '2026-01-01', 'x', 't2', true, '2026-01-01')"))
        db.session.remove()

        downgrade(revision="1d0d23f8ae72")
        assert "title" not in _columns()
        with db.engine.connect() as conn:
            assert sorted(conn.execute(sa.text("SELECT username FROM user_account")).scalars()) == [
                "no.title", "zhao.ming"]

        upgrade(revision=REVISION)
        assert "title" in _columns()
        with db.engine.connect() as conn:
            untitled = conn.execute(sa.text("SELECT count(*) FROM user_account WHERE title IS NULL"))
            assert untitled.scalar() == 2
            conn.execute(sa.text("UPDATE user_account SET title = 'President' WHERE username = 'zhao.ming'"))
            conn.commit()
        assert db.session.scalar(sa.select(User.title).where(User.username == "zhao.ming")) == "President"
