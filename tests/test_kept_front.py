"""Kept pages answered in front of Flask (courseware/kept_front.py): the same page, headers and
session as Flask would give, Flask not reached for them, and every request the layer cannot answer
handed to Flask as it came."""
from __future__ import annotations

import logging

import pytest
from flask_login.utils import _create_identifier
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from courseware import create_app, kept_front, page_cache, security
from tests.test_page_cache import LESSON_1, kept_hits, opened, page, rendered, served_kept


@pytest.fixture
def flask_requests(app) -> list[str]:
    """The paths of the requests that reached Flask's hooks."""
    reached: list[str] = []

    def count() -> None:
        from flask import request
        reached.append(request.path)

    app.before_request_funcs.setdefault(None, []).insert(0, count)
    return reached


@pytest.fixture
def moment(monkeypatch) -> dict[str, float]:
    now = {"now": 1_800_000_000.0}
    monkeypatch.setattr(security, "now", lambda: now["now"])
    return now


@pytest.mark.parametrize("url", ["/", LESSON_1])
def test_a_kept_page_is_answered_without_reaching_flask(app, store, course, manager, flask_requests, url):
    first = opened(manager, url)
    flask_requests.clear()
    assert served_kept(store, manager, url) == first
    assert flask_requests == []


def test_a_page_rendered_after_the_fronts_miss_is_kept_with_the_key_read_once(
        store, course, manager, monkeypatch):
    opened(manager, LESSON_1)
    reads: list[int] = []
    real = page_cache._page_key
    monkeypatch.setattr(page_cache, "_page_key", lambda *args: reads.append(1) or real(*args))
    rendered(store, manager, "/?tab=1")  # a query string: Flask, and nothing read in front
    assert reads == []
    manager.get("/")  # the dashboard changed with the lesson's opening: rendered, then kept
    assert reads == [1]
    served_kept(store, manager, "/")
    assert reads == [1, 1]


@pytest.mark.parametrize("headers", [
    {"User-Agent": "Mozilla/5.0 (X11) 浏览器"},
    {"User-Agent": "curl/8", "X-Forwarded-For": "203.0.113.9, 10.0.0.1"},
    {},
])
def test_the_session_is_bound_to_the_browser_as_flask_login_binds_it(app, headers):
    builder = EnvironBuilder("/", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.4"})
    environ = builder.get_environ()
    with app.test_request_context(environ_overrides=environ, headers=headers):
        expected = _create_identifier()
    assert kept_front.session_identifier(Request(environ)) == expected


def test_a_session_sent_from_another_browser_goes_to_flask_and_is_refused(store, course, manager):
    opened(manager, "/")
    before = kept_hits(store, manager)
    response = manager.get("/", headers={"User-Agent": "another browser"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert kept_hits(store, manager) == before


def test_the_last_seen_moment_moves_with_the_cookie_flask_would_send(app, store, course, signed_in, moment):
    manager = signed_in("manager")
    opened(manager, "/")
    moment["now"] += security.SEEN_RESOLUTION - 1
    response = manager.get("/")
    assert kept_hits(store, manager) == 2 and "Set-Cookie" not in response.headers
    moment["now"] += 1
    response = manager.get("/")
    assert kept_hits(store, manager) == 3
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with app.test_request_context("/", headers={"Cookie": cookie.split(";")[0]}):
        from flask import session
        assert session[security.SESSION_SEEN] == moment["now"]
    # An hour idle after the moment written, not after the page: Flask signs the session out.
    moment["now"] += app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 1
    response = manager.get("/")
    assert response.status_code == 302 and kept_hits(store, manager) == 3


@pytest.mark.parametrize("method", ["HEAD", "POST"])
def test_other_methods_go_to_flask(store, course, manager, flask_requests, method):
    opened(manager, "/")
    flask_requests.clear()
    before = kept_hits(store, manager)
    manager.client.open("/", method=method)
    assert flask_requests == ["/"] and kept_hits(store, manager) == before


@pytest.mark.parametrize("url", ["/courses/test-course/first-lesson/", "/courses/test-course/no-such-lesson",
                                 "/account"])
def test_other_addresses_go_to_flask(store, course, manager, flask_requests, url):
    opened(manager, LESSON_1)
    flask_requests.clear()
    before = kept_hits(store, manager)
    status = manager.get(url).status_code
    assert flask_requests == [url] and status in (200, 308, 404) and kept_hits(store, manager) == before


def test_a_sign_in_about_to_set_its_remember_cookie_goes_to_flask(app, store, course, manager):
    opened(manager, "/")
    with manager.client.session_transaction() as session:
        session["_remember"] = "set"
    before = kept_hits(store, manager)
    response = manager.get("/")
    assert response.status_code == 200 and "remember_token=" in response.headers.get("Set-Cookie", "")
    assert kept_hits(store, manager) == before


def test_a_failure_in_front_costs_a_rendering_and_a_logged_error(store, course, manager, monkeypatch, caplog):
    first = opened(manager, "/")

    def broken(*_args):
        raise RuntimeError("the key's query failed")

    monkeypatch.setattr(page_cache, "find_kept_page", broken)
    with caplog.at_level(logging.ERROR, logger="courseware.kept_front"):
        assert page(manager, "/") == first
    assert "serving a kept page failed" in caplog.text


def test_behind_a_proxy_the_front_sees_the_clients_address(database, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "TRUSTED_PROXIES": 1, **database})
    assert isinstance(app.wsgi_app, ProxyFix)
    assert isinstance(app.wsgi_app.app, kept_front.KeptPagesFront)


@pytest.fixture
def store(app) -> page_cache.PageStore:
    return app.extensions[page_cache.EXTENSION_KEY]
