"""The migration to certificates that stay true keeps every certificate valid as of now: going down
and up again (SQLite and PostgreSQL, as tests/test_migrations.py), each existing certificate covers
its holder's completed lessons on the revisions they completed, with their reading time, signed by
the president, and never expires."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.services.authoring.content_import import import_content
from courseware.services.ops.demo import seed_demo
from tests.migration_helpers import migrated
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

BEFORE = "1a1ec64213bd"


def _certificates(conn) -> list:
    return conn.execute(sa.text(
        "SELECT c.user_id, c.course_id, c.code, c.issued_at, c.valid_from, c.expires_at, c.kind, "
        "c.lessons, c.reading_seconds, c.signatory_name, c.signatory_title, c.replaced_by_id "
        "FROM certificate c ORDER BY c.id")).fetchall()


def test_existing_certificates_stay_valid_and_say_what_they_cover(scratch_database):  # noqa: F811
    with migrated(scratch_database):
        import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
        seed_demo(db.session, password="demo password 1")
        db.session.remove()
        with db.engine.connect() as conn:
            codes = [row.code for row in _certificates(conn)]
        assert codes

        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("certificate")}
            assert "lessons" not in columns and "expires_at" not in columns
            kept = conn.execute(sa.text("SELECT code FROM certificate ORDER BY id")).scalars()
            assert list(kept) == codes
        upgrade()

        with db.engine.connect() as conn:
            rows = _certificates(conn)
            assert [row.code for row in rows] == codes
            for row in rows:
                completed = conn.execute(sa.text(
                    "SELECT p.lesson_id, p.completed_revision_id, p.seconds_spent FROM lesson_progress p "
                    "JOIN lesson l ON l.id = p.lesson_id WHERE p.user_id = :u AND l.course_id = :c "
                    "AND p.completed_at IS NOT NULL ORDER BY l.position"),
                    {"u": row.user_id, "c": row.course_id}).fetchall()
                lessons = row.lessons if isinstance(row.lessons, list) else json.loads(row.lessons)
                assert [(each["lesson_id"], each["revision_id"]) for each in lessons] == [
                    (lesson_id, revision_id) for lesson_id, revision_id, _ in completed]
                assert all(each["title"] and each["number"] >= 1 for each in lessons)
                assert row.reading_seconds == sum(seconds for _, _, seconds in completed) > 0
                assert row.valid_from == row.issued_at and row.expires_at is None
                assert row.kind == "completion" and row.replaced_by_id is None
                assert (row.signatory_name, row.signatory_title) == ("Zhao Ming", "President")
