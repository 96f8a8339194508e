"""The cached outline: the content version moves with every change learners can see, in the same
transaction, and every instance (another app on the same database) sees the change at once."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from courseware import create_app
from courseware.extensions import db
from courseware.models import Course, Lesson, LessonRevision
from courseware.models._time import utcnow
from courseware.services import catalog
from courseware.services.authoring import lessons, publishing, quizzes
from courseware.services.authoring.content_import import import_content
from courseware.services.catalog import cache as outline_cache
from courseware.services.catalog import content_version
from tests.conftest import TEST_LESSONS, TEST_QUIZZES, login


def version() -> int:
    with db.engine.connect() as connection:
        return content_version.read_version(connection)


def lesson_named(slug: str) -> Lesson:
    db.session.expire_all()
    return db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))


def outline_slugs() -> list[str]:
    return [lesson.slug for lesson in catalog.current(db.session).course("test-course").lessons]


def new_draft(lesson: Lesson, source: str = "Changed.") -> int:
    """A draft revision, as the editor saves one: drafts are not part of the outline."""
    latest = lesson.revisions_in("en")[-1]
    number = latest.number + 1
    db.session.add(LessonRevision(
        lesson_id=lesson.id, number=number, title=f"{latest.title} (revised)", summary=latest.summary,
        minutes=latest.minutes, source=source, html=f"<p>{source}</p>", content_hash=f"hash-{number}",
        module_id=lesson.module_id))
    db.session.commit()
    return number


def test_importing_changed_content_raises_the_version_and_importing_again_does_not(app):
    before = version()
    import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
    imported = version()
    assert imported > before
    import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
    assert version() == imported


def test_a_draft_leaves_the_version_alone_and_publishing_it_raises_it(course):
    first = lesson_named("first-lesson")
    before = version()
    number = new_draft(first)
    assert version() == before
    publishing.publish(db.session, lesson_named("first-lesson"), number, material=True)
    assert version() == before + 1
    shown = catalog.current(db.session).course("test-course").lesson("first-lesson")
    assert shown.revision.number == number and shown.title.endswith("(revised)")
    assert number in shown.material_numbers


def test_unpublishing_archiving_a_quiz_and_reordering_each_raise_the_version(course):
    assert outline_slugs() == ["first-lesson", "second-lesson"]
    before = version()

    quizzes.archive(db.session, lesson_named("first-lesson"))
    assert version() == before + 1
    assert not catalog.current(db.session).course("test-course").lesson("first-lesson").has_quiz

    lessons.move_module(db.session, lesson_named("second-lesson").module, "up")
    assert version() == before + 2
    assert outline_slugs() == ["second-lesson", "first-lesson"]

    publishing.unpublish(db.session, lesson_named("first-lesson"))
    assert version() == before + 3
    assert outline_slugs() == ["second-lesson"]


def test_a_scheduled_publication_raises_the_version_when_it_goes_live(course):
    number = new_draft(lesson_named("second-lesson"))
    now = utcnow()
    publishing.schedule(db.session, lesson_named("second-lesson"), number, material=False,
                        when=now + timedelta(minutes=5), now=now)
    before = version()
    publishing.publish_due(db.session, now=now + timedelta(minutes=6))
    assert version() > before
    shown = catalog.current(db.session).course("test-course").lesson("second-lesson")
    assert shown.revision.number == number


def test_a_rolled_back_change_leaves_the_version_alone(course):
    before = version()
    lesson_named("first-lesson").slug = "renamed"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert version() == before


def test_the_outline_is_loaded_once_and_again_only_when_the_version_moves(app, course, manager):
    cache = app.extensions[outline_cache.EXTENSION_KEY]
    cache.clear()
    loads = cache.loads
    for _ in range(3):
        assert manager.get("/courses/test-course").status_code == 200
        assert manager.get("/").status_code == 200
    assert cache.loads == loads + 1
    publishing.unpublish(db.session, lesson_named("second-lesson"))
    manager.get("/courses/test-course")
    manager.get("/courses/test-course")
    assert cache.loads == loads + 2


@pytest.fixture
def other_instance(database, app):
    """A second app on the same database: another worker, or another machine."""
    other = create_app({"TESTING": True, **database, "LESSONS_DIR": app.config["LESSONS_DIR"],
                        "QUIZZES_DIR": app.config["QUIZZES_DIR"]})
    yield other
    with other.app_context():
        db.engine.dispose()


def test_a_publication_on_one_instance_is_seen_by_the_other_at_once(app, course, make_user,
                                                                     other_instance):
    reader = make_user(role="manager")
    client = other_instance.test_client()
    with other_instance.app_context():
        assert login(client, reader.username).status_code == 302
        page = client.get("/courses/test-course").get_data(as_text=True)
    assert "The second lesson" in page

    publishing.unpublish(db.session, lesson_named("second-lesson"))  # on this instance

    with other_instance.app_context():
        assert client.get("/courses/test-course/second-lesson").status_code == 404
        page = client.get("/courses/test-course").get_data(as_text=True)
    assert "The second lesson" not in page and "The first lesson" in page


def test_a_request_never_caches_its_own_uncommitted_changes(app, course, other_instance):
    with other_instance.app_context():
        course_there = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        course_there.title = "Renamed elsewhere"
        db.session.commit()  # raises the version: this instance must reload
    lesson_named("first-lesson").slug = "not-yet-committed"
    db.session.flush()
    outline = catalog.current(db.session)
    db.session.rollback()
    assert outline.course("test-course").title == "Renamed elsewhere"
    assert [lesson.slug for lesson in outline.course("test-course").lessons] == [
        "first-lesson", "second-lesson"]


def test_a_lesson_shows_its_new_text_on_every_instance_once_published(app, course, make_user,
                                                                      other_instance):
    reader = make_user(role="manager")
    client = other_instance.test_client()
    with other_instance.app_context():
        assert login(client, reader.username).status_code == 302
        assert "(revised)" not in client.get("/courses/test-course/second-lesson").get_data(as_text=True)
    number = new_draft(lesson_named("second-lesson"), source="Entirely new words.")
    publishing.publish(db.session, lesson_named("second-lesson"), number, material=False)
    with other_instance.app_context():
        page = client.get("/courses/test-course/second-lesson").get_data(as_text=True)
    assert "Entirely new words." in page and "(revised)" in page
