from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import LessonProgress, User
from courseware.services.people import accounts
from tests.conftest import PASSWORD, csrf_from, login


def test_login_page_has_the_named_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in page and 'name="password"' in page
    assert 'name="csrf_token"' in page


def test_a_user_signs_in_and_reaches_the_dashboard(client, make_user, course):
    user = make_user(full_name="Wang Lei")
    response = login(client, user.username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Wang Lei" in page
    assert "Test Course" in page
    assert db.session.get(User, user.id).last_login_at is not None


def test_username_is_not_case_sensitive(client, make_user):
    make_user(username="liu.fang")
    assert login(client, "  Liu.Fang ").status_code == 302


@pytest.mark.parametrize("username,password", [("nobody", PASSWORD), ("known", "wrong password")])
def test_wrong_username_and_wrong_password_give_the_same_answer(client, make_user, username, password):
    make_user(username="known")
    response = login(client, username, password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "That username and password do not match an active account." in page
    assert "/logout" not in page


def test_empty_fields_are_reported_next_to_each_field(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    page = client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert "Enter your username." in page and "Enter your password." in page
    assert 'aria-invalid="true"' in page


def test_a_deactivated_account_cannot_sign_in(client, make_user):
    make_user(username="gone", active=False)
    assert login(client, "gone").status_code == 422


def test_deactivation_ends_a_live_session(signed_in):
    manager = signed_in("manager")
    manager.user.active = False
    db.session.commit()
    response = manager.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_passwords_are_hashed_with_scrypt(app, real_password_hashing):
    user = accounts.create_user(db.session, username="hashme", full_name="Hash Me",
                                password="a long enough password")
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert "a long enough password" not in user.password_hash


def test_the_session_is_new_after_sign_in(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user.username)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


@pytest.mark.parametrize("target,expected", [
    ("/me", "/me"),
    ("/courses/test-course", "/courses/test-course"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_leads_to_a_path_on_this_site(client, make_user, target, expected):
    user = make_user()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", query_string={"next": target},
                           data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_anonymous_visit_redirects_to_login_with_next(client):
    response = client.get("/me")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fme"


def test_logout_is_a_post_and_signs_out(manager):
    assert manager.get("/logout").status_code == 405
    response = manager.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert manager.get("/").status_code == 302


def test_a_copied_session_cookie_stops_working_after_the_password_changes(signed_in):
    manager = signed_in("manager")
    assert manager.get("/").status_code == 200
    manager.user.set_password("a brand new password")
    db.session.commit()
    assert manager.get("/").status_code == 302


def test_post_without_csrf_token_is_rejected_and_writes_nothing(manager, course):
    response = manager.client.post(f"/courses/{course.slug}/second-lesson/complete", data={})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert db.session.scalars(select(LessonProgress)).all() == []


def test_login_without_csrf_token_is_rejected(client, make_user):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_remember_me_sets_a_lax_httponly_cookie(client, make_user):
    user = make_user()
    response = login(client, user.username, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_create_user_validates_its_input(app):
    with pytest.raises(accounts.ValidationError, match="at least 8"):
        accounts.create_user(db.session, username="shorty", full_name="S", password="short")
    with pytest.raises(accounts.ValidationError, match="Usernames"):
        accounts.create_user(db.session, username="Bad Name!", full_name="B", password="long enough pw")
    with pytest.raises(accounts.ValidationError, match="Role"):
        accounts.create_user(db.session, username="roleless", full_name="R", password="long enough pw",
                             role="admin")
    accounts.create_user(db.session, username="taken", full_name="T", password="long enough pw")
    with pytest.raises(accounts.ValidationError, match="taken"):
        accounts.create_user(db.session, username="Taken", full_name="T2", password="long enough pw")
