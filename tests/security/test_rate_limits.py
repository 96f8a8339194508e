"""Sign-in abuse: limited per account and per address; the real user gets in once it stops."""
from __future__ import annotations

import os
import types
from datetime import UTC, datetime

import limits.storage.memory
import pytest

from courseware.services.people import sign_in_limits
from tests.conftest import PASSWORD, csrf_from


@pytest.fixture
def limiter_clock(monkeypatch):
    """Move the clocks of the failed sign-ins' counts (in the database) and of the in-memory
    rate-limit storage (the other limits) without waiting."""
    state = {"now": 1_800_000_000.0}
    fake_time = types.SimpleNamespace(time=lambda: state["now"])
    monkeypatch.setattr(limits.storage.memory, "time", fake_time)
    monkeypatch.setattr(sign_in_limits, "utcnow",
                        lambda: datetime.fromtimestamp(state["now"], UTC).replace(tzinfo=None))
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

    # Database 15, or TEST_REDIS_LIMITS_DB (.ci/run gives each of its two passes, run at once, its own).
    url = f"redis://127.0.0.1:6379/{os.environ.get('TEST_REDIS_LIMITS_DB', '15')}"
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


def test_two_workers_without_redis_count_the_same_failures(database, tmp_path, monkeypatch, make_user,
                                                           limiter_clock):
    """Two app instances (two gunicorn workers, or two machines) with memory:// storage: the failures
    are counted in the database they share."""
    from courseware import create_app
    from courseware.extensions import db

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "workers"))
    make_user(username="shared")
    first, second = create_app({"TESTING": True, **database}), create_app({"TESTING": True, **database})
    assert first.config["RATELIMIT_STORAGE_URI"] == "memory://"
    statuses = []
    for n in range(10):
        instance = first if n % 2 == 0 else second
        with instance.app_context():
            statuses.append(attempt(instance.test_client(), "shared", f"wrong {n}").status_code)
            db.session.remove()
    assert statuses == [422] * 5 + [429] * 5


def test_retry_after_says_when_the_next_attempt_is_allowed(client, make_user, limiter_clock):
    make_user(username="target")
    for n in range(5):
        attempt(client, "target", f"guess {n}")
        limiter_clock["now"] += 10  # failures at 0, 10, 20, 30 and 40 s
    refused = attempt(client, "target", "guess 6")  # at 50 s: the first leaves the window at 60 s
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "10"
    limiter_clock["now"] += 10
    assert attempt(client, "target", "guess 7").status_code == 422


def test_thirty_failures_an_hour_lock_the_account_for_the_rest_of_the_hour(client, make_user, limiter_clock):
    make_user(username="target")
    statuses = []
    for minute in range(7):
        statuses += [attempt(client, "target", f"guess {minute}.{n}").status_code for n in range(5)]
        limiter_clock["now"] += 61
    assert statuses == [422] * 30 + [429] * 5
    refused = attempt(client, "target", PASSWORD)
    assert refused.status_code == 429 and 3600 - 7 * 61 <= int(refused.headers["Retry-After"]) <= 3600
    limiter_clock["now"] += 3600
    assert attempt(client, "target", PASSWORD).status_code == 302


def test_old_failures_are_deleted_as_new_ones_are_written(client, make_user, limiter_clock):
    from sqlalchemy import func, select

    from courseware.extensions import db
    from courseware.models import FailedSignIn

    for n in range(3):
        attempt(client, f"user{n}", "wrong")
    assert db.session.scalar(select(func.count(FailedSignIn.id))) == 3
    limiter_clock["now"] += 3601
    attempt(client, "someone", "wrong")
    assert db.session.scalar(select(func.count(FailedSignIn.id))) == 1
    make_user(username="real")
    attempt(client, "real", PASSWORD)  # a success leaves no row
    assert db.session.scalar(select(func.count(FailedSignIn.id))) == 1
