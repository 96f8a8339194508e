"""The migration that adds the notifications, the delivery log and the opt-outs goes down and up
again: down drops its three tables and nothing else, up builds them empty."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from courseware.services.ops.demo import seed_demo
from tests.migration_helpers import migrated
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

MIGRATION, BEFORE = "92a81bcd805f", "7d3a9e1c5b28"
TABLES = {"notification", "delivery", "notification_opt_out"}


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _count(table: str) -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()


def _version() -> str:
    with db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def test_going_down_and_up_keeps_everything_else(scratch_database):  # noqa: F811
    # The demo is seeded with today's models: migrations after this one follow it.
    with migrated(scratch_database):
        seed_demo(db.session, password="demo password 1")
        db.session.remove()
        downgrade(revision=MIGRATION)
        people = _count("user_account")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO delivery (key, user_id, channel, kind, reason, message, params, state, "
                "attempts, created_at) VALUES (:key, 1, 'email', 'test', 'test', 'test', "
                "'{}', 'sent', 1, '2031-01-01 08:00:00')"), {"key": "1:test:-:email"})
            conn.execute(sa.text(
                "INSERT INTO notification (user_id, kind, message, params, created_at) "
                "VALUES (1, 'test', 'test', '{}', '2031-01-01 08:00:00')"))
        db.session.remove()

        downgrade(revision=BEFORE)
        assert TABLES.isdisjoint(_tables())
        assert _count("user_account") == people and _version() == BEFORE

        upgrade(revision=MIGRATION)
        assert TABLES <= _tables()
        assert {table: _count(table) for table in TABLES} == {table: 0 for table in TABLES}
        with db.engine.begin() as conn:  # the key is unique again
            insert = sa.text("INSERT INTO delivery (key, channel, kind, reason, message, params, state, "
                             "attempts, created_at) VALUES (:key, 'wecom', 'test', 'test', "
                             "'test', '{}', 'queued', 0, '2031-01-01 08:00:00')")
            conn.execute(insert, {"key": "group:test:-:wecom"})
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {"key": "group:test:-:wecom"})
        assert _version() == MIGRATION
