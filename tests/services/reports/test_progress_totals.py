"""The progress totals (models/totals.py) stay equal to the progress rows they count, whatever
writes them: the learning services through the ORM, a raw UPDATE, a multi-row INSERT, a DELETE. The
triggers run in the writer's transaction (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import CourseProgressTotals
from courseware.services.catalog import published
from courseware.services.learning import completion, quizzes
from tests.conftest import read_lesson

RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}
PER_PERSON = """SELECT p.user_id, l.course_id, count(*), count(p.read_at), count(p.quiz_passed_at),
                       count(p.completed_at), sum(p.seconds_spent), max(p.last_opened_at)
                FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id
                GROUP BY p.user_id, l.course_id ORDER BY 1, 2"""
PER_LESSON = """SELECT lesson_id, count(*), count(read_at), count(quiz_passed_at), count(completed_at)
                FROM lesson_progress GROUP BY lesson_id ORDER BY 1"""
STORED_PER_PERSON = """SELECT user_id, course_id, opened, read, quiz_passed, completed, seconds_spent,
                              last_opened_at FROM course_progress_totals ORDER BY 1, 2"""
STORED_PER_LESSON = ("SELECT lesson_id, opened, read, quiz_passed, completed FROM lesson_stage_totals"
                     " ORDER BY 1")

# Each person's masks of lessons per course (migration e4a8c2f6b1d9), from the progress rows.
_MASK = "coalesce(sum(CASE WHEN {stage} THEN CAST(1 AS BIGINT) << b.bit ELSE 0 END), 0)"
MASKS = f"""SELECT p.user_id, b.course_id, {", ".join(_MASK.format(stage=stage) for stage in
                                                     ("1 = 1", "p.read_at IS NOT NULL",
                                                      "p.quiz_passed_at IS NOT NULL",
                                                      "p.completed_at IS NOT NULL"))}
            FROM lesson_progress p JOIN lesson_mask_bits b ON b.lesson_id = p.lesson_id
            GROUP BY p.user_id, b.course_id ORDER BY 1, 2"""
STORED_MASKS = """SELECT user_id, course_id, opened_bits, read_bits, quiz_passed_bits, completed_bits
                  FROM course_progress_totals ORDER BY 1, 2"""


def _rows(sql: str) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(sa.text(sql))]


def _last_visits() -> list[datetime | None]:
    return list(db.session.scalars(sa.select(CourseProgressTotals.last_opened_at)
                                   .order_by(CourseProgressTotals.user_id)))


def assert_totals_match() -> tuple[list[tuple], list[tuple]]:
    per_person, per_lesson = _rows(STORED_PER_PERSON), _rows(STORED_PER_LESSON)
    assert per_person == _rows(PER_PERSON)
    assert per_lesson == _rows(PER_LESSON)
    assert _rows(STORED_MASKS) == _rows(MASKS)
    return per_person, per_lesson


def test_the_learning_services_writes_are_counted_in_the_same_transaction(course, make_user):
    first, second = published.lessons(db.session, course)
    ada, bo = make_user(), make_user()
    completion.record_open(db.session, ada, first)
    db.session.commit()
    per_person, per_lesson = assert_totals_match()
    assert [row[2:6] for row in per_person] == [(1, 0, 0, 0)]
    assert per_lesson == [(first.id, 1, 0, 0, 0)]
    read_lesson(ada, first)
    attempt = quizzes.open_attempt(db.session, ada, first.quiz)
    quizzes.submit_attempt(db.session, ada, attempt.id, RIGHT)
    read_lesson(ada, second)
    read_lesson(bo, second)
    per_person, per_lesson = assert_totals_match()
    assert [row[:6] for row in per_person] == [(ada.id, course.id, 2, 2, 1, 2),
                                               (bo.id, course.id, 1, 1, 0, 1)]
    assert per_lesson == [(first.id, 1, 1, 1, 1), (second.id, 2, 2, 0, 2)]


def test_raw_updates_inserts_and_deletes_are_counted(course, make_user):
    first, second = published.lessons(db.session, course)
    ada, bo = make_user(), make_user()
    at = datetime(2026, 11, 2, 9, 0)
    db.session.execute(sa.text(
        "INSERT INTO lesson_progress (user_id, lesson_id, opened_at, last_opened_at, read_at, seconds_spent)"
        " VALUES (:ada, :first, :at, :at, :at, 60), (:ada, :second, :at, :at, NULL, 30),"
        " (:bo, :first, :at, :at, NULL, 0)"), {"ada": ada.id, "bo": bo.id, "first": first.id,
                                               "second": second.id, "at": at})
    db.session.commit()
    assert_totals_match()
    later = datetime(2026, 11, 3, 9, 0)
    db.session.execute(sa.text("UPDATE lesson_progress SET last_opened_at = :later,"
                               " seconds_spent = seconds_spent + 10, completed_at = read_at"),
                       {"later": later})
    db.session.commit()
    per_person, _ = assert_totals_match()
    assert [row[5:7] for row in per_person] == [(1, 110), (0, 10)]
    assert _last_visits() == [later, later]
    # A last visit moved back, and rows deleted: the maximum is read again, empty totals go.
    db.session.execute(sa.text("UPDATE lesson_progress SET last_opened_at = :at WHERE lesson_id = :second"),
                       {"at": at, "second": second.id})
    db.session.execute(sa.text("DELETE FROM lesson_progress WHERE user_id = :bo OR lesson_id = :first"),
                       {"bo": bo.id, "first": first.id})
    db.session.commit()
    per_person, per_lesson = assert_totals_match()
    assert [row[:7] for row in per_person] == [(ada.id, course.id, 1, 0, 0, 0, 40)]
    assert _last_visits() == [at]
    assert per_lesson == [(second.id, 1, 0, 0, 0)]


def test_a_rolled_back_write_leaves_the_totals_as_they_were(course, make_user):
    first, _second = published.lessons(db.session, course)
    ada = make_user()
    db.session.execute(sa.text("INSERT INTO lesson_progress (user_id, lesson_id, opened_at, last_opened_at,"
                               " seconds_spent) VALUES (:ada, :first, :at, :at, 0)"),
                       {"ada": ada.id, "first": first.id, "at": datetime(2026, 11, 2)})
    assert len(assert_totals_match()[0]) == 1  # within the transaction
    db.session.rollback()
    assert assert_totals_match() == ([], [])


def test_the_masks_hold_each_lesson_at_its_stage(course, make_user):
    first, second = published.lessons(db.session, course)
    bits = dict(_rows("SELECT lesson_id, bit FROM lesson_mask_bits"))
    assert sorted(bits.values()) == [0, 1] and bits[first.id] != bits[second.id]
    ada = make_user()
    read_lesson(ada, second)
    assert_totals_match()
    opened, read, passed, done = _rows(STORED_MASKS)[0][2:]
    assert (opened, read, passed, done) == (1 << bits[second.id], 1 << bits[second.id], 0,
                                            1 << bits[second.id])


def test_a_new_lesson_takes_the_courses_next_bit_and_counts_in_the_masks(course, make_user):
    first, _second = published.lessons(db.session, course)
    db.session.execute(sa.text(
        "INSERT INTO lesson (course_id, module_id, slug, position)"
        " SELECT course_id, module_id, 'third', 9 FROM lesson WHERE id = :first"), {"first": first.id})
    third = db.session.execute(sa.text("SELECT id FROM lesson WHERE slug = 'third'")).scalar_one()
    assert _rows(f"SELECT bit FROM lesson_mask_bits WHERE lesson_id = {third}") == [(2,)]
    ada = make_user()
    db.session.execute(sa.text(
        "INSERT INTO lesson_progress (user_id, lesson_id, opened_at, last_opened_at, read_at, seconds_spent)"
        " VALUES (:ada, :third, :at, :at, :at, 5)"),
        {"ada": ada.id, "third": third, "at": datetime(2026, 11, 2)})
    db.session.commit()
    assert_totals_match()
    assert _rows(STORED_MASKS)[0][2:4] == (4, 4)
