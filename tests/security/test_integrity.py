"""Fail closed: state-changing routes take POST only; a failing grader writes nothing; SQLite runs
with WAL, a busy timeout and foreign keys on every connection."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select, text

from courseware.extensions import db
from courseware.models import AttemptAnswer, QuizAttempt
from courseware.services.catalog import published
from courseware.services.learning import quizzes


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
    lesson = published.lessons(db.session, course)[0]
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


def test_an_expired_form_token_shows_the_quiz_again_with_the_answers_kept(manager, course):
    lesson = published.lessons(db.session, course)[0]
    attempt = quizzes.open_attempt(db.session, manager.user, lesson.quiz)
    response = manager.client.post(f"/courses/{course.slug}/{lesson.slug}/quiz", data={
        "csrf_token": "expired-or-forged", "attempt_id": attempt.id,
        "q-pick-one": "b", "q-pick-many": ["a", "c"], "q-true-or-false": "a"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your answers are kept" in page
    for checked in ('id="q-pick-one-b" value="b" checked', 'id="q-pick-many-a" value="a" checked',
                    'id="q-pick-many-c" value="c" checked'):
        assert checked in page
    assert 'name="csrf_token" value="' in page  # a fresh token to submit with
    assert db.session.get(QuizAttempt, attempt.id).state == "in_progress"


def test_security_headers_are_on_errors_too(app, manager, client, monkeypatch):
    from courseware.services.learning import progress as progress_service

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    forbidden = manager.get("/hr/")
    missing = client.get("/nowhere")
    monkeypatch.setattr(progress_service, "progress_in_all_courses", explode)
    failed = manager.get("/")
    for response, status in ((forbidden, 403), (missing, 404), (failed, 500)):
        assert response.status_code == status
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
