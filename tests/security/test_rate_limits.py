"""Sign-in abuse: limited per account and per address; the real user gets in once it stops."""
from __future__ import annotations

import types

import limits.storage.memory
import pytest

from tests.conftest import PASSWORD, csrf_from


@pytest.fixture
def limiter_clock(monkeypatch):
    """Move the in-memory rate-limit storage's clock without waiting."""
    state = {"now": 1_800_000_000.0}
    fake_time = types.SimpleNamespace(time=lambda: state["now"])
    monkeypatch.setattr(limits.storage.memory, "time", fake_time)
    return state


def attempt(client, username, password, **headers):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       headers=headers)


def test_the_sixth_failure_for_one_account_within_a_minute_is_refused(client, make_user, limiter_clock):
    make_user(username="target")
    statuses = [attempt(client, "target", f"guess {n}").status_code for n in range(6)]
    assert statuses == [422] * 5 + [429]
    page = attempt(client, "target", PASSWORD)
    assert page.status_code == 429  # even the right password waits out the window
    assert "Too many attempts" in page.get_data(as_text=True)
    assert "Retry-After" in page.headers


def test_rotating_x_forwarded_for_does_not_reset_the_count(client, make_user, limiter_clock):
    make_user(username="target")
    statuses = [attempt(client, "target", "wrong", **{"X-Forwarded-For": f"10.0.0.{n}"}).status_code
                for n in range(6)]
    assert statuses[-1] == 429


def test_the_real_user_gets_in_once_the_attack_stops(client, make_user, limiter_clock):
    make_user(username="target")
    for n in range(6):
        attempt(client, "target", f"guess {n}")
    limiter_clock["now"] += 61
    assert attempt(client, "target", PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_count_against_the_account(app, make_user, limiter_clock):
    make_user(username="busy")
    for _ in range(7):
        browser = app.test_client()
        assert attempt(browser, "busy", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_limited(client, make_user, limiter_clock):
    statuses = [attempt(client, f"user{n}", "wrong").status_code for n in range(31)]
    assert statuses[:30] == [422] * 30 and statuses[30] == 429


def test_limits_are_shared_through_redis_when_configured(database, tmp_path, monkeypatch, make_user):
    import redis

    from courseware import create_app
    from courseware.extensions import db

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis.Redis.from_url(url).flushdb()
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "redis"))
    make_user(username="shared")
    # Two app instances (two workers, or two machines) count the same attempts together.
    first, second = create_app({"TESTING": True, **database}), create_app({"TESTING": True, **database})
    statuses = []
    for n in range(6):
        instance = first if n % 2 == 0 else second
        with instance.app_context():
            statuses.append(attempt(instance.test_client(), "shared", "wrong").status_code)
            db.session.remove()
    assert statuses == [422] * 5 + [429]
    redis.Redis.from_url(url).flushdb()
