"""The audit trail: who, what, when, from where; one line each, whatever the input."""
from __future__ import annotations

import logging

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent
from courseware.services.catalog import published
from tests.conftest import login


def actions():
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [(e.action, e.actor, e.target) for e in events]


def test_sign_ins_and_failures_are_recorded_with_the_address(client, make_user):
    make_user(username="ada")
    login(client, "ada", "wrong password")
    login(client, "ada")
    assert actions() == [("login.failed", "ada", "ada"), ("login", "ada", "ada")]
    assert db.session.scalar(select(AuditEvent.address)) == "127.0.0.1"


def test_a_username_with_a_newline_makes_one_log_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="courseware.audit"):
        login(client, "bob\nFAKE login admin", "x")
    lines = [r.getMessage() for r in caplog.records if r.name == "courseware.audit"]
    assert len(lines) == 1
    assert "\n" not in lines[0] and "bob\\nFAKE" in lines[0]


def test_account_and_role_changes_show_on_the_hr_page(hr, make_user):
    person = make_user(username="changing")
    hr.post(f"/hr/accounts/{person.id}", data={"full_name": "Changed Name", "role": "hr", "department_id": 0})
    hr.post(f"/hr/accounts/{person.id}/deactivate")
    hr.post(f"/hr/accounts/{person.id}/reset-password")
    page = hr.get("/hr/audit").get_data(as_text=True)
    for text in ("account.role", "role: manager -&gt; hr", "account.update", "account.deactivate",
                 "account.password_reset", "changing"):
        assert text in page, text


def test_exports_are_recorded(hr, course):
    hr.get("/hr/export/attempts.csv?department=1")
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.actor == hr.user.username and "attempts" in event.target
    assert "department_id=1" in event.details


def test_csrf_failures_and_forbidden_pages_are_logged(manager, caplog):
    with caplog.at_level(logging.INFO):
        manager.client.post("/account/sign-out-everywhere", data={})
        manager.get("/hr/")
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("CSRF failure") for m in messages)
    assert any(m.startswith("403 on /hr/") and manager.user.username in m for m in messages)


def test_publishing_is_recorded(president, course):
    from courseware.services.authoring import publishing
    lesson = published.lessons(db.session, course)[1]
    publishing.unpublish(db.session, lesson, actor=president.user)
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "lesson.unpublish"))
    assert event.actor == president.user.username and lesson.slug in event.target
