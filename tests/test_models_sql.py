"""The SQL helpers of the models (courseware/models/sql.py): an alias shared by threads is complete
before any thread uses it, and gives the same rows from every thread at once."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import aliased

from courseware.extensions import db
from courseware.models import Lesson, LessonRevision
from courseware.models.sql import shared_alias


def test_a_shared_alias_has_its_columns_built_before_any_thread_uses_it():
    assert "_columns" not in vars(inspect(aliased(LessonRevision)).selectable)  # lazily, as SQLAlchemy does
    assert "_columns" in vars(inspect(shared_alias(LessonRevision, name="shown")).selectable)


def test_threads_using_a_fresh_shared_alias_at_once_read_the_same_rows(app, course):
    shown = shared_alias(LessonRevision, name="shown_at_once")
    query = (sa.select(Lesson.slug, shown.title).join(shown, shown.id == Lesson.published_revision_id)
             .order_by(Lesson.position))
    expected = db.session.execute(query).all()
    engine = db.engine

    def read(_: int) -> list:
        with engine.connect() as connection:
            return connection.execute(query).all()

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(read, range(32))) == [expected] * 32
    assert expected
