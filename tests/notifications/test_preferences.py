"""Each person's notification preferences (/account/notifications), as they see them and as the
mail server and the bell then show: a reminder moved from e-mail to the bell sends no mail; a
reminder of an assigned course switched off everywhere is refused with the form's error summary (in
both languages); an optional kind may stop everywhere; an unsubscribe link's choice shows there."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from courseware import jobs
from courseware.extensions import db
from courseware.models import NotificationOptOut
from courseware.services.notifications import preferences
from courseware.services.notifications.messages import Kind
from tests.conftest import SignedInClient
from tests.notifications import test_mail
from tests.notifications.conftest import T0, assign, deliveries, notices_of

revised_lesson = test_mail.revised_lesson  # the fixture: a lesson revised, Ada and Bo started the course


def every_box(**off: bool) -> dict:
    """The form with every box ticked but those named (e.g. due_soon_email=False)."""
    names = {preferences.field_name(kind, channel) for kind in preferences.person_kinds()
             for channel in preferences.person_channels()}
    return {name: "y" for name in names if off.get(name.replace("-", "_"), True)}


def ticked(html: str, name: str) -> bool:
    box = re.search(rf'<input[^>]*id="{name}"[^>]*>', html)
    assert box, name
    return "checked" in box[0]


@pytest.fixture
def ada(app, team) -> SignedInClient:
    return SignedInClient(app.test_client(), team.ada)


@pytest.fixture
def bo(app, team) -> SignedInClient:
    return SignedInClient(app.test_client(), team.bo)


def test_the_page_has_each_kind_on_each_channel_and_shows_an_unsubscribe(ada, team, smtp):
    db.session.add(NotificationOptOut(user_id=team.ada.id, kind="new_lesson", channel="email"))
    db.session.commit()
    assert 'href="/account/notifications"' in ada.get("/account").get_data(as_text=True)

    page = ada.get("/account/notifications")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for kind in ("Course assigned", "Due soon", "Overdue", "New or revised lesson", "Nudge from HR"):
        assert kind in html
    assert not ticked(html, "new_lesson-email")  # the link at the foot of a mail turned it off
    assert ticked(html, "new_lesson-app") and ticked(html, "due_soon-email") and ticked(html, "due_soon-app")


def test_a_due_reminder_moved_from_email_to_the_bell_sends_no_mail_but_rings_it(ada, team, course, smtp):
    response = ada.post("/account/notifications", data=every_box(due_soon_email=False))
    assert response.status_code == 303
    assert "Your notification preferences are saved." in ada.get(response.headers["Location"]).get_data(
        as_text=True)
    assign(course, due_on=date(2031, 3, 6), at=T0 - timedelta(days=10))

    jobs.send_notifications(T0)

    assert smtp.mailbox.to("ada@example.com") == []
    assert len(smtp.mailbox.to("bo@example.com")) == 1  # Bo chose nothing: e-mail as before
    notice, = notices_of(team.ada)
    assert notice.message == "due_soon" and notice.read_at is None
    assert '<span class="bell-count">1<' in ada.get("/").get_data(as_text=True)
    suppressed, = deliveries(user_id=team.ada.id, channel="email")
    assert suppressed.state == "suppressed"


def test_switching_every_channel_off_for_a_reminder_is_refused_with_the_error_summary(ada, team, smtp):
    response = ada.post("/account/notifications", data=every_box(overdue_email=False, overdue_app=False))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*data-error-summary.*?</div>', html, re.S)
    assert summary and 'role="alert"' in summary[0] and 'href="#overdue-app"' in summary[0]
    assert ("Overdue: keep at least one channel that reaches you on. Reminders of courses assigned to you "
            "can move to another channel, not stop.") in summary[0]
    assert 'aria-invalid="true"' in html
    assert db.session.query(NotificationOptOut).count() == 0  # nothing stored


def test_the_refusal_in_chinese(bo, smtp):
    response = bo.post("/account/notifications", data=every_box(due_soon_email=False, due_soon_app=False))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "通知偏好" in html
    assert "即将到期：请至少保留一个能联系到您的渠道。" in html


def test_email_alone_is_no_channel_for_someone_without_an_address(app, team, smtp):
    cy = SignedInClient(app.test_client(), team.cy)  # Cy has no e-mail address

    response = cy.post("/account/notifications", data=every_box(assigned_app=False))

    assert response.status_code == 422
    assert "(does not reach you now)" in response.get_data(as_text=True)


def test_an_optional_kind_may_stop_everywhere(ada, team, smtp, revised_lesson):
    ada.post("/account/notifications", data=every_box(new_lesson_email=False, new_lesson_app=False))

    jobs.send_notifications(T0)

    assert smtp.mailbox.to("ada@example.com") == []
    assert notices_of(team.ada) == []
    assert {d.state for d in deliveries(user_id=team.ada.id)} == {"suppressed"}
    assert len(smtp.mailbox.to("bo@example.com")) == 1


def test_a_reminder_with_the_bell_off_is_still_recorded_as_read(ada, team, course, smtp):
    ada.post("/account/notifications", data=every_box(due_soon_app=False))
    assign(course, due_on=date(2031, 3, 6), at=T0 - timedelta(days=10))

    jobs.send_notifications(T0)

    assert len(smtp.mailbox.to("ada@example.com")) == 1
    notice, = notices_of(team.ada)
    assert notice.message == "due_soon" and notice.read_at is not None


def test_the_unsubscribe_link_still_refuses_a_reminder_kind(team):
    with pytest.raises(Exception, match="cannot be turned off"):
        preferences.opt_out(db.session, team.ada.id, Kind.DUE_SOON, preferences.Channel.EMAIL)
