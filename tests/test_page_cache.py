"""The dashboard and the lesson page kept as rendered per sign-in (courseware/page_cache.py): served
again while nothing they show has changed, rendered anew as soon as something has, whoever changed it
(the person, HR, a job, the president), and never to a sign-in that has ended."""
from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
import sqlalchemy as sa

from courseware import page_cache
from courseware.extensions import db
from courseware.models import LessonProgress, Notification, SignInSession
from courseware.services.authoring import publishing
from courseware.services.people import assignments
from tests.conftest import read_on_the_page
from tests.services.test_catalog_outline import lesson_named, new_draft

LESSON_1 = "/courses/test-course/first-lesson"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def store(app) -> page_cache.PageStore:
    return app.extensions[page_cache.EXTENSION_KEY]


def page(client, url: str = "/", **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def opened(client, url: str = LESSON_1) -> str:
    """A lesson opened for the first time, then again: the first opening is recorded (it raises the
    person's version), so the page is kept from the second."""
    page(client, url)
    return page(client, url)


def kept_hits(store: page_cache.PageStore, client) -> int:
    """Pages served as kept, from this process's memory or the processes' shared file."""
    shared = getattr(client, "client", client).application.extensions.get(page_cache.SHARED_KEY)
    return store.hits + (shared.hits if shared else 0)


def served_kept(store: page_cache.PageStore, client, url: str = "/", **kwargs) -> str:
    """The page, which must come from the kept copy."""
    hits = kept_hits(store, client)
    html = page(client, url, **kwargs)
    assert kept_hits(store, client) == hits + 1, "the page was rendered, not served as kept"
    return html


def rendered(store: page_cache.PageStore, client, url: str = "/", **kwargs) -> str:
    """The page, which must be rendered anew (not kept by this process, nor by another)."""
    hits = kept_hits(store, client)
    html = page(client, url, **kwargs)
    assert kept_hits(store, client) == hits, "the page was served as kept"
    return html


@pytest.mark.parametrize("url", ["/", LESSON_1])
def test_a_page_opened_again_is_served_as_kept_the_same_bytes(store, course, manager, url):
    first = opened(manager, url)
    assert served_kept(store, manager, url) == first
    assert served_kept(store, manager, url) == first


def test_a_kept_page_has_the_headers_of_a_rendered_one_and_a_new_length_each_time(store, course, manager):
    rendered_response = manager.get("/", headers={"Accept-Encoding": "gzip"})
    kept = [manager.get("/", headers={"Accept-Encoding": "gzip"}) for _ in range(6)]
    assert kept_hits(store, manager) == 6
    for response in kept:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Cache-Control"] == "no-store"
        for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type"):
            assert response.headers[header] == rendered_response.headers[header]
        assert set(response.vary) == {"Accept-Encoding", "Accept-Language", "Cookie"}
        assert gzip.decompress(response.data) == gzip.decompress(rendered_response.data)
    assert len({len(response.data) for response in kept}) > 1  # against BREACH, as every page


def test_a_browser_without_gzip_gets_the_kept_page_plain(store, course, manager):
    first = page(manager)
    plain = manager.get("/", headers={"Accept-Encoding": "identity"})
    assert store.hits == 1 and "Content-Encoding" not in plain.headers
    assert plain.get_data(as_text=True) == first


def test_each_person_gets_their_own_page(store, course, signed_in):
    li = signed_in("manager", full_name="Li Ming")
    zhao = signed_in("manager", full_name="Zhao Hong")
    page(li), page(zhao)
    assert "Li Ming" in served_kept(store, li) and "Zhao Hong" in served_kept(store, zhao)


def test_the_persons_own_write_shows_at_once(store, course, manager, reading_clock):
    read_on_the_page(manager, LESSON_1, reading_clock)
    assert manager.post(f"{LESSON_1}/complete").status_code == 302
    assert "Lesson read. Pass its quiz" in rendered(store, manager, LESSON_1)  # not kept: a message
    assert "Quiz to pass" in rendered(store, manager, LESSON_1)
    assert "Quiz to pass" in served_kept(store, manager, LESSON_1)


def test_an_assignment_by_hr_shows_on_the_dashboard_at_once(store, course, manager, hr):
    assert "No due date" in page(manager)
    response = hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [manager.user.id],
                                                "due_days": 30})
    assert response.status_code == 302
    assert "Assigned to you: complete it by" in rendered(store, manager)


def test_a_notice_written_by_a_job_shows_in_the_bell(store, course, manager):
    assert "bell-count" not in page(manager)
    db.session.add(Notification(user_id=manager.user.id, kind="test", message="test", params={}))
    db.session.commit()
    assert 'class="bell-count">1' in rendered(store, manager)


def test_a_lesson_published_shows_in_the_pages_kept(store, course, manager):
    page(manager, LESSON_1)
    number = new_draft(lesson_named("first-lesson"), source="Entirely new words.")
    publishing.publish(db.session, lesson_named("first-lesson"), number, material=False)
    db.session.commit()
    assert "Entirely new words." in rendered(store, manager, LESSON_1)


def test_a_sign_in_ended_elsewhere_gets_no_kept_page(store, course, manager):
    page(manager)
    db.session.execute(sa.update(SignInSession).values(revoked_at=sa.func.now()))
    db.session.commit()
    response = manager.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert store.hits == 0


def test_the_language_chosen_gets_its_own_page(store, course, manager):
    english = page(manager)
    assert manager.post("/language", data={"language": "zh_CN", "next": "/"}).status_code == 302
    chinese = rendered(store, manager)
    assert chinese != english and 'lang="zh-CN"' in chinese


def test_a_message_waiting_to_be_shown_is_shown(store, course, manager):
    page(manager)
    with manager.client.session_transaction() as session:
        session["_flashes"] = [("info", "Something to say")]
    assert "Something to say" in rendered(store, manager)
    assert "Something to say" not in served_kept(store, manager)  # shown once: the page kept before


def test_an_address_with_a_query_is_rendered(store, course, manager):
    page(manager)
    rendered(store, manager, "/?from=mail")


def test_a_kept_page_is_served_no_longer_than_its_time(app, store, course, manager):
    page(manager)
    store.seconds = app.extensions[page_cache.SHARED_KEY].seconds = 0
    rendered(store, manager)


def test_a_lesson_reopened_after_the_visit_is_served_as_kept_and_the_opening_recorded(
        store, course, manager, reading_clock):
    opened(manager)
    reading_clock.move(minutes=5)
    served_kept(store, manager, LESSON_1)
    assert last_opened(manager) == reading_clock.now  # as the view records it


def test_a_lesson_reopened_after_an_update_goes_to_the_view(store, course, manager, reading_clock):
    opened(manager)
    lesson = lesson_named("first-lesson")
    lesson.published_revision.published_at = reading_clock.now + timedelta(minutes=1)
    db.session.commit()
    reading_clock.move(minutes=5)
    rendered(store, manager, LESSON_1)
    assert last_opened(manager) == reading_clock.now


def last_opened(client):
    db.session.expire_all()
    return db.session.scalar(sa.select(LessonProgress.last_opened_at)
                             .where(LessonProgress.user_id == client.user.id))


def test_the_day_moving_renders_the_dashboard_anew(store, course, manager, monkeypatch):
    from datetime import date

    page(manager)
    monkeypatch.setattr(assignments, "company_today", lambda now=None: date(2030, 1, 1))
    rendered(store, manager)


def test_with_no_memory_given_nothing_is_kept(make_user, database, tmp_path, monkeypatch, course):
    from courseware import create_app

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "other"))
    other = create_app({"TESTING": True, "PAGE_CACHE_MB": 0, **database})
    assert page_cache.EXTENSION_KEY not in other.extensions and page_cache.SHARED_KEY not in other.extensions


def page_html(name: str, text: str = "The lesson's text. " * 400) -> bytes:
    return f"<html><header>{name}</header><main>{text}</main></html>".encode()


def test_pages_at_one_address_are_kept_in_a_fraction_of_their_size_and_read_back_exactly():
    store = page_cache.PageStore(1024 * 1024, 300)
    first, second = page_html("Li Ming"), page_html("Zhao Hong")
    store.put(("li", "/lesson"), ("k",), first)
    store.put(("zhao", "/lesson"), ("k",), second)
    assert store.get(("li", "/lesson"), ("k",)) == first and store.get(("zhao", "/lesson"), ("k",)) == second
    assert store._size < len(second) // 8
    assert store.get(("zhao", "/lesson"), ("other key",)) is None


def test_a_page_with_little_in_common_becomes_its_addresss_reference_and_older_ones_still_read():
    store = page_cache.PageStore(1024 * 1024, 300)
    old, new = page_html("Li Ming"), page_html("Li Ming", "Entirely new words, rewritten. " * 300)
    store.put(("li", "/lesson"), ("v1",), old)
    store.put(("zhao", "/lesson"), ("v2",), new)
    assert store.get(("zhao", "/lesson"), ("v2",)) == new and store.get(("li", "/lesson"), ("v1",)) == old
    store.put(("wang", "/lesson"), ("v2",), page_html("Wang Lei", "Entirely new words, rewritten. " * 300))
    assert store._size < len(old)  # compressed against the new reference


def test_past_its_memory_the_page_served_least_recently_goes_first():
    store = page_cache.PageStore(1, 300)  # room for one page at most
    store.put(("li", "/"), ("k",), page_html("Li Ming"))
    store.put(("zhao", "/"), ("k",), page_html("Zhao Hong"))
    assert store.get(("li", "/"), ("k",)) is None and store.get(("zhao", "/"), ("k",)) is not None
