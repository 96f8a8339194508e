"""HR's accounts: create, edit, deactivate, reset, CSV import all-or-nothing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from courseware.extensions import db
from courseware.models import Department, LessonProgress, User
from courseware.services.catalog import published
from courseware.services.errors import Forbidden, ValidationError
from courseware.services.people import account_admin
from tests.conftest import login, read_lesson


def department_id(name):
    department = db.session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        db.session.add(department)
        db.session.commit()
    return department.id


def one_time_password(page: str) -> str:
    return re.search(r"<td><code>([a-z0-9-]+)</code></td>", page).group(1)


def test_hr_creates_an_account_and_sees_its_password_once(hr, client, app):
    page = hr.post("/hr/accounts/new", data={
        "username": "Li.Na", "full_name": "Li Na", "email": "li.na@example.com",
        "department_id": department_id("Domestic Trade"), "role": "manager"}).get_data(as_text=True)
    assert "Account created" in page and "shown this once" in page
    password = one_time_password(page)
    user = db.session.scalar(select(User).where(User.username == "li.na"))
    assert user.department.name == "Domestic Trade" and user.password_hash.startswith("scrypt:")
    assert login(client, "li.na", password).status_code == 302


def test_form_errors_are_shown_next_to_the_field(hr):
    hr.post("/hr/accounts/new", data={"username": "taken", "full_name": "T", "role": "manager",
                                      "department_id": 0})
    response = hr.post("/hr/accounts/new", data={"username": "taken", "full_name": "T2", "role": "manager",
                                                 "department_id": 0, "email": "nope"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Invalid email address." in page or "does not look like an e-mail" in page
    response = hr.post("/hr/accounts/new", data={"username": "taken", "full_name": "T2", "role": "manager",
                                                 "department_id": 0})
    assert "is taken" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "taken")) == 1


def test_hr_cannot_grant_the_president_role(hr, make_user):
    assert "president" not in hr.get("/hr/accounts/new").get_data(as_text=True).split('id="role"')[1][:300]
    response = hr.post("/hr/accounts/new", data={"username": "boss", "full_name": "Boss", "role": "president",
                                                 "department_id": 0})
    assert response.status_code == 422
    assert db.session.scalar(select(User).where(User.username == "boss")) is None
    someone = make_user()
    with pytest.raises(ValidationError, match="Only a president"):
        account_admin.update_account(db.session, hr.user, someone.id, full_name="X", email=None,
                                     department_id=None, role="president", title=None)
    president = make_user(role="president")
    with pytest.raises(Forbidden):
        account_admin.set_active(db.session, hr.user, president.id, False)


def test_a_president_can_grant_the_president_role(president, make_user):
    someone = make_user()
    response = president.post(f"/hr/accounts/{someone.id}", data={
        "full_name": someone.full_name, "role": "president", "department_id": 0})
    assert response.status_code == 302
    assert db.session.get(User, someone.id).role == "president"


def test_editing_a_department_restarts_the_department_clock_and_a_role_change_signs_out(hr, signed_in):
    manager = signed_in("manager")
    before = manager.user.department_since
    response = hr.post(f"/hr/accounts/{manager.user.id}", data={
        "full_name": "New Name", "role": "hr", "department_id": department_id("Finance Department")})
    assert response.status_code == 302
    user = db.session.get(User, manager.user.id)
    assert (user.full_name, user.role, user.department.name) == ("New Name", "hr", "Finance Department")
    assert user.department_since > before
    assert manager.get("/").status_code == 302  # signed out by the role change


def test_deactivated_people_cannot_sign_in_and_keep_their_history(hr, client, make_user, course):
    person = make_user(username="leaver")
    read_lesson(person, published.lessons(db.session, course)[1])
    assert hr.post(f"/hr/accounts/{person.id}/deactivate").status_code == 302
    assert login(client, "leaver").status_code == 422
    kept = select(func.count(LessonProgress.id)).where(LessonProgress.user_id == person.id)
    assert db.session.scalar(kept) == 1
    assert "Deactivated" in hr.get("/hr/accounts").get_data(as_text=True)
    hr.post(f"/hr/accounts/{person.id}/reactivate")
    assert login(client, "leaver").status_code == 302


def test_hr_cannot_deactivate_themselves(hr):
    response = hr.post(f"/hr/accounts/{hr.user.id}/deactivate")
    assert response.status_code == 302
    assert db.session.get(User, hr.user.id).active is True


def test_a_password_reset_gives_a_new_one_time_password_and_ends_old_sessions(hr, signed_in, app):
    manager = signed_in("manager")
    page = hr.post(f"/hr/accounts/{manager.user.id}/reset-password").get_data(as_text=True)
    password = one_time_password(page)
    assert manager.get("/").status_code == 302
    assert login(app.test_client(), manager.user.username, password).status_code == 302


def test_departments_can_be_created_once(hr):
    assert hr.post("/hr/departments", data={"name": "Logistics", "parent_id": 0}).status_code == 302
    response = hr.post("/hr/departments", data={"name": "logistics", "parent_id": 0})
    assert response.status_code == 422
    assert "already a department" in response.get_data(as_text=True)
