"""Statements compiled once and run on the DB-API cursor (courseware/models/raw_statements.py): the same
rows as SQLAlchemy's execution, on SQLite and PostgreSQL alike, dates converted both ways, a write
committed or, failing, rolled back."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Lesson, LessonProgress, User, raw_statements

MOMENT = datetime(2026, 12, 4, 8, 30, 15, 250000)
_READ = (sa.select(User.id, User.username, sa.literal(7), LessonProgress.last_opened_at)
         .outerjoin(LessonProgress, LessonProgress.user_id == User.id)
         .where(User.username == sa.bindparam("name"), User.created_at < sa.bindparam("before")))
_MOVE = (sa.update(LessonProgress).where(LessonProgress.user_id == sa.bindparam("who"))
         .values(last_opened_at=sa.bindparam("at")))
_OPEN = sa.insert(LessonProgress).values(user_id=sa.bindparam("who"), lesson_id=sa.bindparam("lesson"),
                                         opened_at=MOMENT, last_opened_at=MOMENT, seconds_spent=0)


@pytest.fixture
def reader(app, course, make_user):
    user = make_user(username="li.ming")
    db.session.add(LessonProgress(user_id=user.id, lesson_id=db.session.scalar(sa.select(Lesson.id).limit(1)),
                                  opened_at=MOMENT, last_opened_at=MOMENT, seconds_spent=0))
    db.session.commit()
    return user


def test_a_row_is_read_with_its_values_and_moments(reader):
    row = raw_statements.first_row(db.engine, _READ, {"name": "li.ming", "before": datetime(2100, 1, 1)})
    assert row is not None and (row[0], row[1], row[2]) == (reader.id, "li.ming", 7)
    assert raw_statements.compiled(_READ, db.engine.dialect).moment(row[3]) == MOMENT
    too_early = {"name": "li.ming", "before": datetime(2000, 1, 1)}
    assert raw_statements.first_row(db.engine, _READ, too_early) is None


def test_a_write_is_committed_and_counts_its_rows(reader):
    later = datetime(2026, 12, 5, 9, 0, 0, 1)
    assert raw_statements.write(db.engine, _MOVE, {"who": reader.id, "at": later}) == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(LessonProgress.last_opened_at)) == later
    assert raw_statements.write(db.engine, _MOVE, {"who": reader.id + 999, "at": later}) == 0


def test_a_failed_write_leaves_nothing_and_the_next_one_lands(reader):
    lessons = db.session.scalars(sa.select(Lesson.id).order_by(Lesson.id)).all()
    opened = db.session.scalar(sa.select(LessonProgress.lesson_id))
    with pytest.raises(Exception, match="(?i)unique|duplicate"):  # the person has a record for it
        raw_statements.write(db.engine, _OPEN, {"who": reader.id, "lesson": opened})
    other = next(lesson for lesson in lessons if lesson != opened)
    assert raw_statements.write(db.engine, _OPEN, {"who": reader.id, "lesson": other}) == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonProgress)) == 2
