"""One-time passwords (issue 18): HR's password signs in once to a "choose your password" page and
nothing else, expires after 72 hours, and never works again once the person has chosen their own."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent, User
from courseware.services.people import one_time_passwords
from tests.auth.test_oidc import provider  # noqa: F401 - the fixture
from tests.conftest import csrf_from, login
from tests.hr.test_accounts import one_time_password

NOW = datetime(2026, 12, 1, 9, 0)
EXPIRED = "This one-time password has expired; ask HR for a new one."
LOGIN_FAILED = "That username and password do not match an active account."
OWN = "my own long passphrase"


@pytest.fixture
def clock(monkeypatch):
    """The one-time passwords' clock: fixed until a test moves it."""
    state = {"now": NOW}
    monkeypatch.setattr(one_time_passwords, "utcnow", lambda: state["now"])
    return state


def reset(hr, user: User) -> str:
    return one_time_password(hr.post(f"/hr/accounts/{user.id}/reset-password").get_data(as_text=True))


def choose(client, new: str, confirm: str | None = None):
    token = csrf_from(client.get("/account/choose-password").get_data(as_text=True))
    return client.post("/account/choose-password", data={
        "new_password": new, "confirm": new if confirm is None else confirm, "csrf_token": token})


def actions(target: str) -> list[tuple[str, str]]:
    return [(event.action, event.actor) for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.target == target).order_by(AuditEvent.id))]


def test_a_one_time_password_leads_only_to_choosing_ones_own_and_then_never_works_again(
        app, hr, make_user, clock):
    person = make_user(username="chen.yong")
    password = reset(hr, person)
    browser = app.test_client()
    response = login(browser, "chen.yong", password)
    assert response.status_code == 302 and response.headers["Location"] == "/account/choose-password"
    # Every page leads back to the choice; anything that would change something is refused.
    for path in ("/", "/me", "/account", "/practice/", "/notifications"):
        page = browser.get(path)
        assert page.status_code == 302 and page.headers["Location"] == "/account/choose-password", path
    token = csrf_from(browser.get("/account/choose-password").get_data(as_text=True))
    refused = browser.post("/account/timezone", data={"timezone": "Asia/Shanghai", "csrf_token": token})
    assert refused.status_code == 403 and "Choose your own password first" in refused.get_data(as_text=True)
    assert db.session.get(User, person.id).timezone is None
    assert browser.get("/account/choose-password").status_code == 200

    chosen = choose(browser, OWN)
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/"
    assert browser.get("/").status_code == 200  # the same session goes on
    assert db.session.get(User, person.id).password_is_temporary is False
    # The one-time password is gone for good; the person's own signs in as usual.
    for _ in range(3):
        failed = login(app.test_client(), "chen.yong", password)
        assert failed.status_code == 422 and LOGIN_FAILED in failed.get_data(as_text=True)
    own = login(app.test_client(), "chen.yong", OWN)
    assert own.status_code == 302 and own.headers["Location"] == "/"
    assert actions("chen.yong") == [
        ("account.password_reset", hr.user.username), ("account.one_time_password", hr.user.username),
        ("login", "chen.yong"), ("login.one_time_password", "chen.yong"),
        ("account.password_chosen", "chen.yong"),
        *[("login.failed", "chen.yong")] * 3, ("login", "chen.yong")]


def test_sign_out_is_allowed_before_choosing(app, hr, make_user, clock):
    person = make_user(username="li.na")
    browser = app.test_client()
    login(browser, "li.na", reset(hr, person))
    token = csrf_from(browser.get("/account/choose-password").get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert browser.get("/").headers["Location"].startswith("/login")


def test_the_choice_follows_the_password_rules_with_the_form_error_summary(app, hr, make_user, clock):
    person = make_user(username="zhou.min")
    password = reset(hr, person)
    browser = app.test_client()
    login(browser, "zhou.min", password)
    for new, confirm, message in (
            ("password", None, "That password is one of the most common ones; choose another."),
            ("short", None, "Passwords must be at least 8 characters."),
            (password, None, "Choose a password different from the one-time password."),
            (OWN, "something else", "The two new passwords differ.")):
        page = choose(browser, new, confirm)
        text = page.get_data(as_text=True)
        assert page.status_code == 422 and message in text and 'class="error-summary' in text, new
    assert db.session.get(User, person.id).password_is_temporary is True


def test_after_72_hours_the_one_time_password_is_refused_with_a_clear_message(app, hr, make_user, clock):
    person = make_user(username="sun.li")
    password = reset(hr, person)
    clock["now"] = NOW + timedelta(hours=71, minutes=59)
    assert login(app.test_client(), "sun.li", password).status_code == 302
    clock["now"] = NOW + timedelta(hours=72)
    refused = login(app.test_client(), "sun.li", password)
    assert refused.status_code == 422 and EXPIRED in refused.get_data(as_text=True)
    # Only who holds the password learns it expired: a wrong one, or an unknown name, reads as ever.
    for username, guess in (("sun.li", "not the password"), ("nobody.here", password)):
        page = login(app.test_client(), username, guess).get_data(as_text=True)
        assert LOGIN_FAILED in page and "expired" not in page
    assert ("login.one_time_password_expired", "sun.li") in actions("sun.li")
    # A new one from HR works again.
    assert login(app.test_client(), "sun.li", reset(hr, person)).status_code == 302


def test_a_session_still_choosing_when_the_password_expires_is_signed_out(app, hr, make_user, clock):
    person = make_user(username="he.jun")
    browser = app.test_client()
    login(browser, "he.jun", reset(hr, person))
    clock["now"] = NOW + timedelta(hours=73)
    page = browser.get("/account/choose-password", follow_redirects=True)
    assert EXPIRED in page.get_data(as_text=True) and 'name="username"' in page.get_data(as_text=True)


def test_new_and_imported_accounts_and_a_presidents_reset_get_one_time_passwords(
        app, hr, president, make_user, clock):
    page = hr.post("/hr/accounts/new", data={"username": "new.person", "full_name": "New Person", "email": "",
                                             "department_id": "0", "role": "manager", "title": "",
                                             "manager_id": "0"}).get_data(as_text=True)
    assert "72 hours" in page
    created = login(app.test_client(), "new.person", one_time_password(page))
    assert created.headers["Location"] == "/account/choose-password"

    csv = "username,full_name,email,department,role\r\nimported.one,Imported One,,,manager\r\n"
    page = hr.post("/hr/accounts/import", data={"file": (io.BytesIO(csv.encode()), "people.csv")},
                   content_type="multipart/form-data").get_data(as_text=True)
    imported = login(app.test_client(), "imported.one", one_time_password(page))
    assert imported.headers["Location"] == "/account/choose-password"

    other = make_user(role="president", username="break.glass")
    password = one_time_password(president.post(f"/hr/accounts/{other.id}/reset-password")
                                 .get_data(as_text=True))
    assert login(app.test_client(), "break.glass", password).headers["Location"] == "/account/choose-password"
    user = db.session.scalar(select(User).where(User.username == "break.glass"))
    assert user.password_expires_at == NOW + timedelta(hours=72)


def test_a_generated_password_from_the_command_line_is_a_one_time_password(app, runner, clock):
    result = runner.invoke(args=["create-user", "root.admin", "--name", "Root Admin", "--role", "president",
                                 "--generate-password"])
    assert result.exit_code == 0, result.output
    password = result.output.split(": ")[-1].strip()
    assert "72 hours" in result.output
    assert login(app.test_client(), "root.admin", password).headers["Location"] == "/account/choose-password"
    assert ("account.one_time_password", "cli") in actions("root.admin")


def test_signing_in_with_the_company_account_is_not_kept_to_choosing(app, hr, make_user, provider, clock):  # noqa: F811
    person = make_user(username="wang.lei", full_name="Wang Lei")
    person.email = "wang.lei@example.com"
    db.session.commit()
    reset(hr, person)
    browser = app.test_client()
    assert provider.sign_in(browser, "/me").headers["Location"] == "/me"
    assert browser.get("/me").status_code == 200
