"""Kept pages shared by the processes of one machine (courseware/shared_pages.py): a page one
process rendered is served by another while its key holds, never after, and the file is a cache
whose failures cost a rendering, never an error."""
from __future__ import annotations

import gzip
import logging
import os
import sqlite3
import stat

import pytest

from courseware import create_app, page_cache
from courseware.extensions import db
from courseware.shared_pages import FILE_NAME, SharedPages
from tests.conftest import FreshContextClient
from tests.test_page_cache import LESSON_1, opened, page

HTML = b"<html><main>" + b"The lesson's text. " * 400 + b"</main></html>"


@pytest.fixture
def other_process(app, database):
    """A second app on the same instance folder and database: another gunicorn worker."""
    other = create_app({"TESTING": True, "LESSONS_DIR": app.config["LESSONS_DIR"],
                        "QUIZZES_DIR": app.config["QUIZZES_DIR"], **database})
    other.test_client_class = FreshContextClient
    assert other.instance_path == app.instance_path
    yield other
    with other.app_context():
        db.engine.dispose()


def same_sign_in(app, client):
    """A client of `app` carrying `client`'s session cookie (the browser's next request, sent to
    another worker)."""
    other = app.test_client()
    other.set_cookie("session", client.client.get_cookie("session").value)
    return other


@pytest.mark.parametrize("url", ["/", LESSON_1])
def test_a_page_rendered_by_one_process_is_served_by_another(app, other_process, course, manager, url):
    first = opened(manager, url)
    shared = other_process.extensions[page_cache.SHARED_KEY]
    elsewhere = same_sign_in(other_process, manager)
    assert elsewhere.get("/?from=mail").status_code == 200  # rendered: the other has read the outline
    response = elsewhere.get(url)
    assert response.status_code == 200 and response.get_data() == first.encode()
    assert shared.hits == 1
    assert elsewhere.get(url).get_data() == first.encode()
    assert shared.hits == 2 and other_process.extensions[page_cache.EXTENSION_KEY].hits == 0


def test_a_browser_taking_gzip_gets_the_shared_files_bytes_with_a_new_name_each_time(
        app, other_process, course, manager):
    first = opened(manager, "/")
    shared = other_process.extensions[page_cache.SHARED_KEY]
    elsewhere = same_sign_in(other_process, manager)
    responses = [elsewhere.get("/", headers={"Accept-Encoding": "gzip"}) for _ in range(5)]
    assert shared.hits == 5 and other_process.extensions[page_cache.EXTENSION_KEY].hits == 0
    for response in responses:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Cache-Control"] == "no-store"
        assert gzip.decompress(response.data) == first.encode()
    assert len({len(response.data) for response in responses}) > 1  # against BREACH, as every page


def test_a_write_in_between_renders_the_page_anew_in_the_other_process(app, other_process, course, manager):
    page(manager)
    manager.user.locale = "zh_CN"  # the person's own setting, as the account page writes it
    db.session.commit()
    shared = other_process.extensions[page_cache.SHARED_KEY]
    html = same_sign_in(other_process, manager).get("/").get_data(as_text=True)
    assert shared.hits == 0 and "课程" in html


def test_a_sign_in_that_ended_gets_no_page_from_the_other_process(app, other_process, course, manager):
    page(manager)
    assert manager.post("/logout").status_code in (302, 303)
    response = same_sign_in(other_process, manager).get("/")
    assert response.status_code == 302 and other_process.extensions[page_cache.SHARED_KEY].hits == 0


def test_the_file_is_the_instance_owners_alone_and_holds_no_sign_in_token(app, course, manager):
    page(manager)
    path = app.extensions[page_cache.SHARED_KEY].path
    assert path.name == FILE_NAME and stat.S_IMODE(path.stat().st_mode) == 0o600
    token = manager.client.get_cookie("session").value
    with sqlite3.connect(path) as connection:
        places = [row[0] for row in connection.execute("SELECT place FROM kept_page")]
    assert len(places) == 1 and len(places[0]) == 16 and token.encode() not in path.read_bytes()


def test_a_page_is_read_back_only_under_its_key_and_within_its_age(tmp_path):
    shared = SharedPages(tmp_path / FILE_NAME, 1024 * 1024, 300)
    shared.put(("sign-in", "/"), ("v1", 3), HTML)
    assert gzip.decompress(shared.get(("sign-in", "/"), ("v1", 3))) == HTML
    assert shared.get(("sign-in", "/"), ("v1", 4)) is None
    assert shared.get(("other sign-in", "/"), ("v1", 3)) is None
    shared.seconds = 0
    assert shared.get(("sign-in", "/"), ("v1", 3)) is None


def test_past_its_size_the_oldest_pages_go(tmp_path, monkeypatch):
    from courseware import shared_pages

    monkeypatch.setattr(shared_pages, "_PRUNE_EVERY", 10)
    shared = SharedPages(tmp_path / FILE_NAME, 2500, 300)  # a few pages of 600 bytes compressed
    for number in range(10):
        shared.put((f"person {number}", "/"), ("k",), HTML + os.urandom(500).hex().encode())
    with sqlite3.connect(shared.path) as connection:
        kept, size = connection.execute("SELECT count(*), sum(length(body)) FROM kept_page").fetchone()
    assert 0 < kept < 10 and size <= 2500
    assert shared.get(("person 9", "/"), ("k",)) is not None and shared.get(("person 0", "/"), ("k",)) is None


def test_a_broken_file_costs_a_rendering_and_one_warning(app, course, manager, caplog):
    shared = app.extensions[page_cache.SHARED_KEY]
    shared.path.write_bytes(b"not a database at all" * 100)
    with caplog.at_level(logging.WARNING, logger="courseware.shared_pages"):
        assert page(manager) and page(manager) and page(manager)
    assert shared.hits == 0
    assert len([r for r in caplog.records if "shared page cache" in r.getMessage()]) == 1


def test_a_file_that_cannot_be_opened_costs_a_rendering(app, course, manager, caplog):
    """A page file another user made (a command run as root) must not turn pages into errors."""
    shared = app.extensions[page_cache.SHARED_KEY]
    shared.path = shared.path.parent / "missing-folder" / FILE_NAME
    with caplog.at_level(logging.WARNING, logger="courseware.shared_pages"):
        assert page(manager) and page(manager)
    assert shared.hits == 0
    assert len([r for r in caplog.records if "shared page cache" in r.getMessage()]) == 1


def test_a_busy_file_is_not_waited_for(tmp_path):
    shared = SharedPages(tmp_path / FILE_NAME, 1024 * 1024, 300)
    shared.put(("a", "/"), ("k",), HTML)
    holder = sqlite3.connect(shared.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing its page
    try:
        shared.put(("b", "/"), ("k",), HTML)  # skipped, at once
        assert gzip.decompress(shared.get(("a", "/"), ("k",))) == HTML  # reads go on (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert shared.get(("b", "/"), ("k",)) is None
