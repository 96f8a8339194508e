"""Moving the data from the embedded SQLite database to PostgreSQL: `flask copy-database` copies a
seeded database whole, with every row count equal and the ids' sequences moved on."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from courseware import create_app
from courseware.extensions import db
from courseware.models import Lesson, Quiz, User
from courseware.services.authoring.content_import import import_content
from courseware.services.catalog import published
from courseware.services.errors import ValidationError
from courseware.services.learning import quizzes
from courseware.services.ops import database_copy
from courseware.services.ops.demo import seed_demo
from tests.conftest import TEST_LESSONS, TEST_QUIZZES

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def migrated_app(url: str, engine_options: dict | None = None):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "SQLALCHEMY_ENGINE_OPTIONS": engine_options or {}})
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def source(tmp_path, monkeypatch):
    """A SQLite database with the test course, the demo company and its progress, and a little
    more: attempts, a certificate, departments with parents, a lesson taken down."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "copy-test")
    url = f"sqlite:///{tmp_path / 'source.db'}"
    app = migrated_app(url)
    with app.app_context():
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        seed_demo(db.session, password="demo password 1")
        someone = db.session.scalar(sa.select(User).where(User.username == "he.jing"))
        lessons = published.lessons(db.session, db.session.scalar(sa.select(Lesson)).course)
        attempt = quizzes.open_attempt(db.session, someone, lessons[0].quiz)
        quizzes.submit_attempt(db.session, someone, attempt.id,
                               {"pick-one": ["a"], "pick-many": ["a"], "true-or-false": ["b"]})
        quizzes.open_attempt(db.session, someone, lessons[0].quiz)  # left open
        db.session.remove()
        db.engine.dispose()
    return url


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in db.metadata.sorted_tables}


def snapshot(engine: sa.Engine) -> dict:
    """What must survive the move exactly: cyclic references, JSON, times, flags."""
    with engine.connect() as connection:
        return {
            "lessons": connection.execute(sa.select(Lesson.id, Lesson.slug, Lesson.published_revision_id)
                                          .order_by(Lesson.id)).all(),
            "quizzes": connection.execute(sa.select(Quiz.id, Quiz.current_version_id)).all(),
            "users": connection.execute(sa.select(User.id, User.username, User.created_at, User.active,
                                                  User.department_id).order_by(User.id)).all(),
            "questions": connection.execute(sa.text("SELECT count(*) FROM quiz_version")).scalar(),
        }


def copy_and_check(runner, source_url: str, target_url: str, target_engine: sa.Engine) -> None:
    result = runner.invoke(args=["copy-database", "--from", source_url, "--to", target_url])
    assert result.exit_code == 0, result.output
    assert "every count matches" in result.output
    source_engine = sa.create_engine(source_url)
    try:
        before = counts(source_engine)
        assert before["lesson_progress"] and before["quiz_attempt"] and before["certificate"]
        assert counts(target_engine) == before
        assert snapshot(target_engine) == snapshot(source_engine)
    finally:
        source_engine.dispose()
    # New rows get new ids: the copied ids do not collide with what the target hands out next.
    with target_engine.begin() as connection:
        connection.execute(sa.insert(User.__table__).values(
            username="after.the.move", full_name="After", role="manager", password_hash="x",
            session_token=uuid.uuid4().hex, active=True, created_at=sa.func.now(),
            department_since=sa.func.now()))


def test_copy_a_seeded_sqlite_database_into_a_new_one(app, runner, source, tmp_path):
    target_url = f"sqlite:///{tmp_path / 'target.db'}"
    with migrated_app(target_url).app_context():
        db.engine.dispose()
    target = sa.create_engine(target_url)
    try:
        copy_and_check(runner, source, target_url, target)
    finally:
        target.dispose()


@pytest.fixture
def postgres_schema():
    url = os.environ.get("DATABASE_URL", "")
    url = url if url.startswith("postgresql") else LOCAL_POSTGRES
    schema = f"cw_copy_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
            pytest.fail(f"PostgreSQL is not reachable: {error.orig}")
        pytest.skip(f"no PostgreSQL at {url}")
    options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    yield url, options, schema
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_copy_a_seeded_sqlite_database_into_postgresql(app, runner, source, postgres_schema):
    url, options, schema = postgres_schema
    with migrated_app(url, options).app_context():
        db.engine.dispose()
    target = sa.create_engine(url, **options)
    try:
        # The command takes a URL: the schema is chosen with libpq's options, as a URL can.
        target_url = f"{url}?options=-csearch_path%3D{schema}"
        copy_and_check(runner, source, target_url, target)
    finally:
        target.dispose()


def test_a_target_that_is_not_empty_or_not_migrated_is_refused(app, source, tmp_path):
    source_engine = sa.create_engine(source)
    bare = sa.create_engine(f"sqlite:///{tmp_path / 'bare.db'}")
    try:
        with pytest.raises(ValidationError, match="no schema yet"):
            database_copy.copy_database(source_engine, bare, db.metadata)
        with pytest.raises(ValidationError, match="not empty"):
            database_copy.copy_database(source_engine, source_engine, db.metadata)
    finally:
        source_engine.dispose()
        bare.dispose()
