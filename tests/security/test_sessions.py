"""Sessions: revocable on the server, limited in time, fresh for sensitive actions, safe cookies."""
from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

import pytest

from courseware import create_app, security
from courseware.extensions import db
from courseware.models import User
from courseware.services.people import accounts
from tests.conftest import PASSWORD, csrf_from, login


def cookie(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def test_cookies_are_httponly_and_lax_and_remember_lasts_at_most_30_days(app, client, make_user):
    user = make_user()
    response = login(client, user.username, remember="y")
    for name in ("session", "remember_token"):
        header = cookie(response, name)
        assert "HttpOnly" in header and "SameSite=Lax" in header, header
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)
    parsed = SimpleCookie()
    parsed.load(cookie(response, "remember_token"))
    assert parsed["remember_token"]["expires"]


def test_production_cookies_are_secure_and_hsts_is_sent(database, tmp_path, monkeypatch, make_user):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "prod"))
    prod = create_app({"TESTING": True, **database})
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_SECURE"]
    with prod.app_context():
        response = prod.test_client().get("/login", base_url="https://localhost")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "Secure" in cookie(response, "session")
        db.session.remove()


def test_no_hsts_on_plain_http_development(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_copied_session_and_remember_cookies_stop_working_after_a_password_change(app, make_user):
    user = make_user()
    victim = app.test_client()
    login(victim, user.username, remember="y")
    assert victim.get("/").status_code == 200
    remember = victim.get_cookie("remember_token").value
    # An attacker who copied the remember cookie into their own browser...
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/").status_code == 200
    accounts.change_password(db.session, db.session.get(User, user.id), PASSWORD, "a brand new passphrase")
    thief_again = app.test_client()
    thief_again.set_cookie("remember_token", remember)
    assert thief_again.get("/").status_code == 302
    assert victim.get("/").status_code == 302


def test_sign_out_revokes_this_sign_in_on_the_server(app, make_user):
    """Found by the probe: after "Sign out" the old session cookie still wrote, and the old remember
    cookie, replayed from another browser, signed the person in again."""
    user = make_user()
    browser = app.test_client()
    login(browser, user.username, remember="y")
    phone = app.test_client()
    login(phone, user.username)
    token = csrf_from(browser.get("/account").get_data(as_text=True))
    session_cookie = browser.get_cookie("session").value
    remember = browser.get_cookie("remember_token").value
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302

    replayed = app.test_client()
    replayed.set_cookie("session", session_cookie)
    assert replayed.get("/").status_code == 302
    written = replayed.post("/practice/today/plan", data={"csrf_token": token, "plan": "Replayed plan"})
    assert written.status_code == 302 and written.headers["Location"].startswith("/login")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/").status_code == 302
    # The person's other sign-in (another browser) is not touched.
    assert phone.get("/").status_code == 200


def test_sign_out_everywhere_ends_every_session(signed_in, app):
    manager = signed_in("manager")
    other_device = app.test_client()
    login(other_device, manager.user.username)
    assert manager.post("/account/sign-out-everywhere").status_code == 302
    assert manager.get("/").status_code == 302
    assert other_device.get("/").status_code == 302


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        offset = 0.0

        def __call__(self):
            return 1_800_000_000.0 + self.offset

    fake = Clock()
    monkeypatch.setattr(security, "now", fake)
    return fake


def test_an_idle_session_is_signed_out(signed_in, clock):
    manager = signed_in("manager")
    clock.offset += 59 * 60
    assert manager.get("/").status_code == 200
    clock.offset += 61 * 60
    response = manager.get("/me")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/me")
    assert "signed out after a period of inactivity" in manager.get("/login").get_data(as_text=True)


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(signed_in, clock):
    manager = signed_in("manager")
    for _ in range(14):  # every 50 minutes, for 11 h 40 min
        clock.offset += 50 * 60
        assert manager.get("/").status_code == 200
    clock.offset += 50 * 60
    assert manager.get("/").status_code == 302


def test_keep_me_signed_in_is_not_cut_by_the_idle_limit(app, make_user, clock):
    user = make_user()
    browser = app.test_client()
    login(browser, user.username, remember="y")
    clock.offset += 5 * 3600
    assert browser.get("/").status_code == 200


def test_a_session_restored_from_the_remember_cookie_must_reauthenticate_to_export(app, make_user, course):
    hr_user = make_user(role="hr")
    first = app.test_client()
    login(first, hr_user.username, remember="y")
    restored = app.test_client()
    restored.set_cookie("remember_token", first.get_cookie("remember_token").value)
    response = restored.get("/hr/export/progress.csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauthenticate")
    page = restored.get(response.headers["Location"])
    token = csrf_from(page.get_data(as_text=True))
    wrong = restored.post(response.headers["Location"], data={"password": "nope", "csrf_token": token})
    assert wrong.status_code == 422
    right = restored.post(response.headers["Location"], data={"password": PASSWORD, "csrf_token": token})
    assert right.status_code == 302 and right.headers["Location"] == "/hr/export/progress.csv"
    assert restored.get("/hr/export/progress.csv").status_code == 200


def test_a_demoted_user_loses_access_on_the_next_request(signed_in):
    hr = signed_in("hr")
    assert hr.get("/hr/").status_code == 200
    db.session.get(User, hr.user.id).role = "manager"  # straight in the database, no sign-out
    db.session.commit()
    assert hr.get("/hr/").status_code == 403


@pytest.mark.parametrize("password,message", [
    ("short", "at least 8 characters"),
    ("password", "most common"),
    ("iloveyou", "most common"),
    ("Password1", "most common"),
])
def test_weak_new_passwords_are_refused(manager, password, message):
    response = manager.post("/account/password", data={
        "current_password": PASSWORD, "new_password": password, "confirm": password})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.get(User, manager.user.id).check_password(PASSWORD)


def test_the_password_change_needs_the_current_password_and_matching_confirmation(manager):
    wrong = manager.post("/account/password", data={
        "current_password": "not it", "new_password": "a good long phrase", "confirm": "a good long phrase"})
    assert "That is not your current password." in wrong.get_data(as_text=True)
    differ = manager.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a good long phrase", "confirm": "another phrase"})
    assert "The two new passwords differ." in differ.get_data(as_text=True)


def test_a_64_character_password_works_whole_and_is_not_truncated(manager, app):
    long_password = "correct horse battery staple " * 2 + "abcdef"
    assert len(long_password) == 64
    response = manager.post("/account/password", data={
        "current_password": PASSWORD, "new_password": long_password, "confirm": long_password})
    assert response.status_code == 302
    assert manager.get("/").status_code == 200  # this session carries on
    assert login(app.test_client(), manager.user.username, long_password[:-1]).status_code == 422
    assert login(app.test_client(), manager.user.username, long_password.upper()).status_code == 422
    assert login(app.test_client(), manager.user.username, long_password).status_code == 302


def test_extra_fields_cannot_change_role_or_state(manager):
    manager.post("/account/password", data={"current_password": PASSWORD, "new_password": "x",
                                             "confirm": "x", "role": "president", "active": "0"})
    user = db.session.get(User, manager.user.id)
    assert (user.role, user.active) == ("manager", True)


def test_a_fresh_database_has_no_accounts_and_no_default_login(client):
    assert db.session.query(User).count() == 0
    assert login(client, "admin", "admin").status_code == 422


def test_a_new_secret_key_ends_every_session_and_a_fallback_keeps_them(app, signed_in):
    manager = signed_in("manager")
    assert manager.get("/").status_code == 200
    old_key = app.secret_key
    app.secret_key = "a-rotated-secret-key"
    assert manager.get("/").status_code == 302  # the cookie signed with the old key is not read
    manager = signed_in("manager", username="second.manager")
    app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = "rotated-again", ["a-rotated-secret-key"]
    assert manager.get("/").status_code == 200  # signed with a key still accepted
    assert old_key not in (app.secret_key, *app.config["SECRET_KEY_FALLBACKS"])
