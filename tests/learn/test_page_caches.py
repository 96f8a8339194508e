"""The lesson page and the dashboard served mostly from what they rendered before (issue 20): the
parts kept by each process (templating.FragmentCache) stay the same for everyone, while what is
personal (name, form tokens, state, the bell, the navigation of one's role) stays each person's own;
a reopening within a minute is not written again; the session cookie is not re-sent on every page."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from courseware import templating
from courseware.extensions import db
from courseware.models import LessonProgress
from courseware.services.authoring import publishing
from courseware.services.learning import progress
from tests.conftest import csrf_from, read_on_the_page
from tests.services.test_catalog_outline import lesson_named, new_draft

LESSON_1 = "/courses/test-course/first-lesson"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def fragments(app) -> templating.FragmentCache:
    return app.extensions[templating.FRAGMENTS_KEY]


def test_two_people_get_the_same_lesson_text_rendered_once_and_each_their_own_name_and_token(
        app, course, signed_in):
    first = signed_in("manager", full_name="Li Ming")
    second = signed_in("manager", full_name="Zhao Hong")
    page_one = text(first.get(LESSON_1))
    renders = fragments(app).renders
    page_two = text(second.get(LESSON_1))
    assert fragments(app).renders == renders  # the lesson's text and pager came from the cache
    assert "<h1>The first lesson</h1>" in page_one and "<h1>The first lesson</h1>" in page_two
    assert "Li Ming" in page_one and "Zhao Hong" not in page_one
    assert "Zhao Hong" in page_two and "Li Ming" not in page_two
    assert csrf_from(page_one) != csrf_from(page_two)
    # Each token is its owner's: the other's is refused.
    refused = second.client.post("/courses/test-course/first-lesson/complete",
                                 data={"csrf_token": csrf_from(page_one)})
    assert refused.status_code == 400


def test_each_reader_sees_their_own_state_on_the_same_lesson(app, course, signed_in, reading_clock):
    reader = signed_in("manager")
    newcomer = signed_in("manager")
    read_on_the_page(reader, LESSON_1, reading_clock)
    assert reader.post("/courses/test-course/first-lesson/complete").status_code == 302
    read_page = text(reader.get(LESSON_1))
    new_page = text(newcomer.get(LESSON_1))
    assert 'class="badge badge-quiz_pending">Quiz to pass' in read_page
    assert 'data-read="true"' in read_page and "I have read this lesson" not in read_page
    assert 'class="badge badge-in_progress">In progress' in new_page
    assert 'data-read="false"' in new_page and "I have read this lesson" in new_page


def test_the_cached_lesson_follows_the_readers_language(app, course, signed_in):
    reader = signed_in("manager")
    english = text(reader.get(LESSON_1))
    chinese = text(reader.get(LESSON_1, headers=ZH))
    assert "Print summary" in english and "Print summary" not in chinese
    assert "打印摘要" in chinese or "摘要" in chinese
    assert "Privacy" in english and "Privacy" not in chinese


def test_a_new_revision_is_shown_at_once_by_the_instance_that_cached_the_old_one(app, course, manager):
    assert "Entirely new words." not in text(manager.get("/courses/test-course/second-lesson"))
    number = new_draft(lesson_named("second-lesson"), source="Entirely new words.")
    publishing.publish(db.session, lesson_named("second-lesson"), number, material=False)
    page = text(manager.get("/courses/test-course/second-lesson"))
    assert "Entirely new words." in page and "(revised)" in page
    # The neighbour's pager names the new title too.
    assert "The second lesson (revised)" in text(manager.get(LESSON_1))


def test_the_cached_navigation_is_each_roles_own(app, course, signed_in):
    manager = signed_in("manager")
    hr = signed_in("hr", department="Human Resources")
    assert ">Reports</a>" not in text(manager.get("/"))
    assert ">Reports</a>" in text(hr.get("/"))
    assert ">Reports</a>" not in text(manager.get("/"))
    dashboard = text(manager.get("/"))
    assert 'href="/" aria-current="page">Dashboard' in dashboard
    lesson = text(manager.get(LESSON_1))
    assert 'href="/" aria-current="page"' not in lesson and 'href="/" >Dashboard' in lesson


def test_a_fragment_cache_keeps_nothing_of_an_older_content_version():
    cache = templating.FragmentCache()
    assert cache.get(2, ("part",), lambda: "new") == "new"
    assert cache.get(1, ("part",), lambda: "old") == "old"  # a request still on the old content
    assert cache.get(2, ("part",), lambda: "other") == "new"
    assert cache.get(3, ("part",), lambda: "newer") == "newer"
    assert cache.renders == 3


def test_a_fragment_cache_stays_within_its_budget():
    cache = templating.FragmentCache()
    cache.MAX_BYTES = 10
    for number in range(5):
        cache.get(1, (number,), lambda: "x" * 4)
    assert cache.get(1, (0,), lambda: "again") == "again"  # the oldest went first
    assert cache.get(1, (4,), lambda: "missing") == "xxxx"


def opened(user_id: int) -> sa.Row:
    return db.session.execute(sa.select(LessonProgress.opened_at, LessonProgress.last_opened_at)
                              .where(LessonProgress.user_id == user_id)).one()


def test_a_reopening_within_a_minute_is_the_same_visit(app, course, manager, reading_clock):
    reading_clock.move(seconds=1)  # the clock stands at a whole second: after the lessons' publication
    text(manager.get(LESSON_1))
    first = opened(manager.user.id)
    reading_clock.move(seconds=progress.SAME_VISIT_SECONDS - 1)
    text(manager.get(LESSON_1))
    db.session.expire_all()
    assert opened(manager.user.id) == first
    reading_clock.move(seconds=1)
    text(manager.get(LESSON_1))
    db.session.expire_all()
    assert opened(manager.user.id).last_opened_at == reading_clock.now
    assert opened(manager.user.id).opened_at == first.opened_at


def test_a_reopening_after_a_material_update_is_recorded_at_once(app, course, manager, reading_clock):
    text(manager.get(LESSON_1))
    number = new_draft(lesson_named("first-lesson"), source="Changed in substance.")
    reading_clock.move(seconds=5)
    lesson = lesson_named("first-lesson")
    publishing.publish(db.session, lesson, number, material=True)
    revision = lesson.published_revision
    # Published "after" the last opening, as the page's clock sees it.
    revision.published_at = reading_clock.now - timedelta(seconds=1)
    db.session.commit()
    reading_clock.move(seconds=5)
    text(manager.get(LESSON_1))
    db.session.expire_all()
    assert opened(manager.user.id).last_opened_at == reading_clock.now


def test_the_session_cookie_is_sent_again_only_once_its_last_seen_moment_moved_a_minute(
        app, course, signed_in, monkeypatch):
    from courseware import security

    moment = {"now": 1_800_000_000.0}
    monkeypatch.setattr(security, "now", lambda: moment["now"])
    manager = signed_in("manager")
    text(manager.get("/"))
    moment["now"] += security.SEEN_RESOLUTION - 1
    response = manager.get("/")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    moment["now"] += 1
    response = manager.get("/")
    assert response.status_code == 200 and "session=" in response.headers.get("Set-Cookie", "")
    # Still signed in an hour of inactivity after the last moment written, not the last page.
    moment["now"] += security.SEEN_RESOLUTION - 1
    text(manager.get("/"))
    moment["now"] += app.config["SESSION_IDLE_TIMEOUT"].total_seconds() - security.SEEN_RESOLUTION
    assert manager.get("/").status_code == 200


def test_the_version_read_with_the_person_is_forgotten_when_the_request_writes_content(app):
    from courseware.services.catalog import content_version

    with app.test_request_context("/"):
        content_version.remember(3)
        assert content_version.remembered() == 3
        content_version.bump(db.session)
        assert content_version.remembered() is None
        db.session.rollback()
    assert content_version.remembered() is None  # outside a request: always read
