"""The migration that gives each person a time zone goes down and up again, keeping every account
(SQLite and PostgreSQL, as tests/test_migrations.py)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from tests.migration_helpers import migrated
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

REVISION = "7d3a9e1c5b28"
BEFORE = "7d3f1a2b9c04"


def _columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("user_account")}


def test_the_time_zone_migration_follows_the_discussion_guide():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(REVISION)
    assert script.down_revision == BEFORE


def test_up_down_up_keeps_every_account(scratch_database):  # noqa: F811
    with migrated(scratch_database, REVISION):
        assert "timezone" in _columns()
        # In SQL: the models have columns that later migrations add.
        with db.engine.begin() as conn:
            for username, zone in (("li.na", "Europe/London"), ("wang.wei", None)):
                conn.execute(sa.text(
                    "INSERT INTO user_account (username, full_name, password_hash, session_token, role, "
                    "active, created_at, department_since, timezone) VALUES (:u, :u, 'x', :u, 'manager', "
                    ":yes, '2026-12-03 10:00:00', '2026-12-03 10:00:00', :zone)"),
                    {"u": username, "zone": zone, "yes": True})

        downgrade(revision=BEFORE)
        assert "timezone" not in _columns()
        with db.engine.connect() as conn:
            assert sorted(conn.execute(sa.text("SELECT username FROM user_account")).scalars()) == [
                "li.na", "wang.wei"]

        upgrade(revision=REVISION)
        assert "timezone" in _columns()
        with db.engine.connect() as conn:
            unset = conn.execute(sa.text("SELECT count(*) FROM user_account WHERE timezone IS NULL"))
            assert unset.scalar() == 2  # everyone reads the company's zone again
            conn.execute(sa.text("UPDATE user_account SET timezone = 'Asia/Tokyo' WHERE username = 'li.na'"))
            conn.commit()
        with db.engine.connect() as conn:
            zone = conn.execute(sa.text("SELECT timezone FROM user_account WHERE username = 'li.na'"))
            assert zone.scalar() == "Asia/Tokyo"
