"""HR's erasure of a person who has left (/hr/accounts/<id>/erase)."""
from __future__ import annotations

import logging

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent, User
from tests.services.privacy_people import IDENTIFIERS, NAME, USERNAME, known_person
from tests.services.test_erasure import _mentions


def test_hr_erases_a_person_who_has_left_after_typing_their_username(hr, make_user, course, caplog):
    person = known_person(make_user, course, hr.user)
    edit = hr.get(f"/hr/accounts/{person.id}").get_data(as_text=True)
    assert f"/hr/accounts/{person.id}/erase" not in edit  # active: deactivate first
    assert hr.post(f"/hr/accounts/{person.id}/deactivate").status_code == 302
    edit = hr.get(f"/hr/accounts/{person.id}").get_data(as_text=True)
    assert f'href="/hr/accounts/{person.id}/erase"' in edit
    page = hr.get(f"/hr/accounts/{person.id}/erase")
    assert page.status_code == 200 and f"Type {USERNAME} to confirm." in page.get_data(as_text=True)

    wrong = hr.post(f"/hr/accounts/{person.id}/erase", data={"confirm": "someone"})
    assert wrong.status_code == 422 and "Type the username exactly as shown" in wrong.get_data(as_text=True)
    assert db.session.get(User, person.id).erased_at is None

    caplog.set_level(logging.INFO)
    caplog.clear()
    done = hr.post(f"/hr/accounts/{person.id}/erase", data={"confirm": USERNAME}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and f"the account is now “Former employee {person.id}”" in text
    assert "the account holds no personal data" in text and NAME not in text
    accounts_page = hr.get("/hr/accounts").get_data(as_text=True)
    assert f"Former employee {person.id}" in accounts_page and NAME not in accounts_page
    audit_page = hr.get("/hr/audit").get_data(as_text=True)
    assert "account.erase" in audit_page and USERNAME not in audit_page
    assert _mentions(IDENTIFIERS) == []
    assert not any(value.lower() in caplog.text.lower() for value in IDENTIFIERS)
    # Erased once: the page now says so, and it cannot be reactivated.
    again = hr.get(f"/hr/accounts/{person.id}/erase")
    assert again.status_code == 409 and "already been erased" in again.get_data(as_text=True)
    hr.post(f"/hr/accounts/{person.id}/reactivate")
    assert not db.session.get(User, person.id).active


def test_an_active_person_is_not_erased(hr, make_user):
    person = make_user()
    page = hr.get(f"/hr/accounts/{person.id}/erase")
    assert page.status_code == 409 and "Deactivate the account first" in page.get_data(as_text=True)
    posted = hr.post(f"/hr/accounts/{person.id}/erase", data={"confirm": person.username})
    assert posted.status_code == 409
    assert db.session.get(User, person.id).erased_at is None


def test_hr_cannot_erase_a_president_nor_themselves(hr, president, make_user):
    gone = make_user("president", active=False)
    response = hr.post(f"/hr/accounts/{gone.id}/erase", data={"confirm": gone.username})
    assert response.status_code == 403 and "Only a president can erase a president" in response.get_data(
        as_text=True)
    own = hr.get(f"/hr/accounts/{hr.user.id}/erase")
    assert own.status_code == 403 and "You cannot erase your own account" in own.get_data(as_text=True)
    # A president erases a president who has left.
    assert president.post(f"/hr/accounts/{gone.id}/erase", data={"confirm": gone.username}).status_code == 302
    assert db.session.get(User, gone.id).username == f"erased-{gone.id}"
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "account.erase")) == 1


def test_managers_cannot_reach_the_page(manager, make_user):
    gone = make_user(active=False)
    assert manager.get(f"/hr/accounts/{gone.id}/erase").status_code == 403
    assert manager.post(f"/hr/accounts/{gone.id}/erase", data={"confirm": gone.username}).status_code == 403


def test_the_erase_page_in_chinese(app, hr, make_user):
    hr.user.locale = "zh_CN"
    db.session.commit()
    gone = make_user(active=False)
    page = hr.get(f"/hr/accounts/{gone.id}/erase").get_data(as_text=True)
    assert "删除已离职人员的个人数据后无法撤销" in page and f"请输入 {gone.username} 以确认。" in page
