"""Fail closed: state-changing routes take POST only; a failing grader writes nothing; SQLite runs
with WAL, a busy timeout and foreign keys on every connection."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select, text

from courseware.extensions import db
from courseware.models import AttemptAnswer, QuizAttempt
from courseware.services import progress, quizzes


def test_every_state_changing_route_refuses_get(app, manager):
    readable = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    post_only = [rule for rule in app.url_map.iter_rules()
                 if "POST" in rule.methods and rule.rule not in readable]
    assert len(post_only) >= 10
    for rule in post_only:
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
        assert manager.get(url).status_code == 405, url


def test_a_grader_that_fails_leaves_the_attempt_open_and_writes_nothing(manager, course, monkeypatch):
    lesson = progress.published_lessons(db.session, course)[0]
    attempt = quizzes.open_attempt(db.session, manager.user, lesson.quiz)

    def broken(*args, **kwargs):
        raise RuntimeError("grader exploded")

    monkeypatch.setattr(quizzes, "grade", broken)
    response = manager.post(f"/courses/{course.slug}/{lesson.slug}/quiz",
                            data={"attempt_id": attempt.id, "q-pick-one": "b", "q-pick-many": ["a", "c"],
                                  "q-true-or-false": "a"})
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert db.session.get(QuizAttempt, attempt.id).state == "in_progress"
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgresql"), reason="SQLite only")
def test_every_sqlite_connection_has_wal_busy_timeout_and_foreign_keys(app):
    connections = [db.engine.connect() for _ in range(3)]
    try:
        for connection in connections:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        for connection in connections:
            connection.close()
