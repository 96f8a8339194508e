"""/author/hosts: the president names hosts from the active people and removes them, audited; a host
answers and moderates; a removed or deactivated host no longer does."""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent, LessonQuestion
from courseware.services.discussion import hosts
from tests.conftest import SignedInClient


def test_the_president_names_and_removes_a_host(app, president, make_user, signed_in, lesson_url):
    helper = make_user(full_name="Helpful Sun")
    page = president.get("/author/hosts").get_data(as_text=True)
    assert "No hosts yet" in page and "Helpful Sun" in page
    added = president.post("/author/hosts", data={"user_id": str(helper.id)})
    assert added.status_code == 303
    assert "Helpful Sun is now a host" in president.get("/author/hosts").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.target).where(AuditEvent.action == "question.host_add")) \
        == helper.username

    asker = signed_in("manager")
    asker.post(lesson_url + "/questions", data={"question-body": "Hello hosts?"})
    question = db.session.scalar(select(LessonQuestion))
    host = SignedInClient(app.test_client(), helper)
    assert host.post(f"/questions/{question.id}/answers",
                     data={f"answer-{question.id}-body": "Hello!"}).status_code == 303
    assert host.get("/author/hosts").status_code == 403

    assert president.post(f"/author/hosts/{helper.id}/remove").status_code == 303
    assert db.session.scalar(select(AuditEvent.target).where(AuditEvent.action == "question.host_remove")) \
        == helper.username
    assert host.post(f"/questions/{question.id}/answers",
                     data={f"answer-{question.id}-body": "Again"}).status_code == 403
    assert president.post(f"/author/hosts/{helper.id}/remove").status_code == 404


def test_naming_nobody_or_a_president_or_twice_is_refused_with_a_message(president, make_user):
    for value in ("", "0", "abc", str(2**40), str(president.user.id)):
        response = president.post("/author/hosts", data={"user_id": value})
        assert response.status_code == 422, value
        assert 'role="alert"' in response.get_data(as_text=True)
    helper = make_user()
    president.post("/author/hosts", data={"user_id": str(helper.id)})
    again = president.post("/author/hosts", data={"user_id": str(helper.id)})
    assert again.status_code == 409 and "already a host" in again.get_data(as_text=True)


def test_a_deactivated_host_moderates_nothing(app, president, make_user):
    helper = make_user()
    hosts.add(db.session, president.user, helper.id, now=helper.created_at)
    assert hosts.can_moderate(db.session, helper)
    helper.active = False
    db.session.commit()
    assert not hosts.can_moderate(db.session, helper)
    assert helper not in hosts.candidates(db.session)
