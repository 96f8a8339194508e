"""Fixtures: the app on a fresh database per test (SQLite, or PostgreSQL when DATABASE_URL says so),
clients signed in as each role, factories for users and content."""
from __future__ import annotations

import itertools
import os
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug import security
from werkzeug.security import generate_password_hash

from courseware import create_app
from courseware.extensions import db
from courseware.models import Department, Lesson, User
from courseware.services.authoring.content_import import import_content
from courseware.services.learning import completion, progress
from courseware.services.people import erasure
from tests import app_caches
from tests.db_reset import empty_all_tables, scratch_folder
from tests.fakes.work_platforms import work_platforms  # noqa: F401 - the fake WeCom, DingTalk and Feishu
from tests.migration_helpers import _revision_files, scratch_database  # noqa: F401 - the migration tests'

TEST_DATA = Path(__file__).parent / "data"
TEST_LESSONS = TEST_DATA / "content" / "lessons"
TEST_QUIZZES = TEST_DATA / "content" / "quizzes"
PASSWORD = "correct horse battery staple"
ROLES = ("manager", "hr", "president")

_counter = itertools.count(1)


def pytest_sessionstart(session):
    # The compiled catalogs are built, not committed: pages are tested with the .po files as they are.
    from courseware.i18n_catalogs import compile_catalogs

    compile_catalogs()
    # Every test builds its own app: the URL builders and compiled templates, which no test changes,
    # are made once for the run (tests/app_caches.py).
    app_caches.install()


def _database_settings(folder: Path) -> tuple[str, dict, str | None]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        schema = f"cw_test_{uuid.uuid4().hex[:10]}"
        return url, {"connect_args": {"options": f"-csearch_path={schema}"}}, schema
    return f"sqlite:///{folder / 'test.db'}", {}, None


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """One schema for the whole run, built by the real migrations."""
    with scratch_folder(tmp_path_factory, "db") as folder:
        yield from _database(folder)


def _database(folder: Path):
    url, engine_options, schema = _database_settings(folder)
    if schema:
        admin = sa.create_engine(url)
        try:
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        except sa.exc.OperationalError as exc:
            admin.dispose()
            message = f"PostgreSQL at {url} is not reachable: {exc.orig}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **engine_options},
    }
    app = create_app({"TESTING": True, **settings})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield settings
    if schema:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    The app fixture keeps a context open for the test's own database work; without this, every
    request would share that context's `g` (and with it Flask-Login's cached user and
    Flask-WTF's CSRF token) with the requests before it.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The test's own session must see what the request wrote.
        db.session.expire_all()
        return response


@pytest.fixture
def app(database, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret-key")
    app = create_app(
        {
            "TESTING": True,
            "LESSONS_DIR": str(TEST_LESSONS),
            "QUIZZES_DIR": str(TEST_QUIZZES),
            **database,
        }
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables(db.engine, db.metadata)
        db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# The site hashes passwords with scrypt at n=32768 (about 0.1 s and 32 MB each, on purpose): tests that
# create accounts (seed-demo makes 14) spent most of their time in it. During a test the site's hashes
# are scrypt at n=1024: the same code and format, 32 times cheaper. A test that checks the real cost
# asks for `real_password_hashing`.
TEST_SCRYPT = "scrypt:1024:8:1"


@pytest.fixture(autouse=True)
def cheap_password_hashing(request, monkeypatch):
    if "real_password_hashing" not in request.fixturenames:
        monkeypatch.setattr(security.generate_password_hash, "__defaults__", (TEST_SCRYPT, 16))


@pytest.fixture
def real_password_hashing():
    """The site's own scrypt cost (the autouse `cheap_password_hashing` then changes nothing)."""
    assert security.generate_password_hash.__defaults__ == ("scrypt", 16)


@pytest.fixture(scope="session")
def password_hash():
    # scrypt is slow on purpose (about 0.1 s a check), and the suite signs in thousands of times:
    # fixture users get a one-round hash. Real accounts are scrypt (tests/auth checks it).
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


@pytest.fixture
def make_user(app, password_hash):
    def make(role: str = "manager", username: str | None = None, full_name: str | None = None,
             department: str | None = "International Trade", active: bool = True) -> User:
        number = next(_counter)
        dept = None
        if department:
            dept = db.session.scalar(sa.select(Department).where(Department.name == department))
            dept = dept or Department(name=department)
        user = User(
            username=username or f"{role}{number}",
            full_name=full_name or f"{role.title()} Person {number}",
            role=role,
            department=dept,
            password_hash=password_hash,
            active=active,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def course(app):
    """The small test course: lesson 1 with a 3-question quiz, lesson 2 without a quiz."""
    report = import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
    assert report.ok, report.errors
    from courseware.models import Course

    return db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))


CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD, **extra):
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token, **extra}
    )


class SignedInClient:
    """A test client signed in as one user, which adds the CSRF token to every POST."""

    def __init__(self, client, user: User):
        self.client = client
        self.user = user
        response = login(client, user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        self.csrf = csrf_from(client.get("/account").get_data(as_text=True))  # a light page

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf)
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def signed_in(app, make_user):
    def sign_in(role: str = "manager", **user_fields) -> SignedInClient:
        return SignedInClient(app.test_client(), make_user(role=role, **user_fields))

    return sign_in


@pytest.fixture
def manager(signed_in):
    return signed_in("manager")


@pytest.fixture
def hr(signed_in):
    return signed_in("hr", department="Human Resources")


@pytest.fixture
def president(signed_in):
    return signed_in("president", department="President's Office")


@pytest.fixture
def client(app):
    return app.test_client()


class ReadingClock:
    """The clock lesson progress reads (opening, reading reports, "I have read"): it stands still
    until moved, so that a test says how long a person spent on a page."""

    def __init__(self, now: datetime):
        self.now = now

    def move(self, **delta) -> None:
        self.now = self.now + timedelta(**delta)


@pytest.fixture
def reading_clock(monkeypatch) -> ReadingClock:
    from courseware.models._time import utcnow

    clock = ReadingClock(utcnow().replace(microsecond=0))
    monkeypatch.setattr(progress, "utcnow", lambda: clock.now)
    monkeypatch.setattr(completion, "utcnow", lambda: clock.now)
    return clock


# Long enough to read either test lesson (3 and 2 estimated minutes), within one visit's cap.
READING_TIME = timedelta(minutes=3)


def read_on_the_page(client, url: str, clock: ReadingClock, **request) -> None:
    """Open the lesson page and spend READING_TIME on it (then the button or `end=1` counts)."""
    assert client.get(url, **request).status_code == 200
    clock.move(seconds=READING_TIME.total_seconds())


def read_lesson(user: User, lesson: Lesson):
    """The service's way, for fixtures: mark the lesson read by a person who spent its estimated
    minutes on it."""
    return completion.mark_read(db.session, user, lesson,
                              seconds_read=lesson.published_revision.minutes * 60)


def erase_person(user_id: int, now: datetime) -> None:
    """Deactivate and erase a person as HR does (erasure asks for a deactivated account first)."""
    person = db.session.get(User, user_id)
    person.active = False
    db.session.commit()
    erasure.erase(db.session, person, now)
    db.session.commit()


@pytest.fixture
def rendered_pages(app):
    """Every page rendered by its view, none served as kept (courseware/page_cache.py): for tests that
    count what a view reads."""
    from courseware import page_cache

    app.extensions.pop(page_cache.EXTENSION_KEY, None)
