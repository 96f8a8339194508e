"""HR's nudge, as HR and the people nudged see it: the preview (each message in its recipient's
language, the channels, who is skipped and why), the mail received by a real SMTP server (aiosmtpd),
the bell, the audit trail, the delivery log, and one nudge per person per 24 hours, which a second
sender racing the first cannot get around (the delivery key)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent, Delivery
from courseware.services.notifications import nudges
from tests.notifications import conftest as notifications
from tests.notifications.conftest import T0, assign, notices_of

# The notification tests' fixtures: the SMTP server, the clock, the team.
smtp, clock, team = notifications.smtp, notifications.clock, notifications.team


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def nudgeable(course, team, clock, make_user):
    """The course assigned to International Trade, due 6 March 2031 (three days after T0); a deactivated
    colleague too."""
    assign(course, due_on=date(2031, 3, 6), at=T0 - timedelta(days=10))
    team.gone = make_user(full_name="Gus Gone", username="gus", active=False)
    return team


def users(*people) -> str:
    return "&".join(f"user={p.id}" for p in people)


def test_the_preview_shows_each_message_in_its_language_and_who_is_skipped_and_why(hr, nudgeable, smtp):
    t = nudgeable

    page = hr.get(f"/hr/nudge?{users(t.ada, t.bo, t.done, t.di, t.gone)}")

    assert page.status_code == 200
    text = text_of(page)
    assert "2 people will be nudged" in text
    assert (f"A reminder from {hr.user.full_name} {hr.user.full_name} reminds you of what is still open "
            "for you: Test Course (due 6 March 2031).") in text
    assert "《测试课程》（截止日期：2031年3月6日）" in text  # Bo reads Chinese
    assert "In the site (the bell), E-mail" in text
    assert "3 people will be skipped" in text
    assert "Dan Done dan : Nothing to remind of: no course is assigned, or all of it is done." in text
    assert "Di Xu di : Nothing to remind of" in text
    assert "Gus Gone gus : The account is deactivated." in text
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0  # a preview writes nothing


def test_sending_mails_each_person_in_their_language_rings_the_bell_and_is_audited(hr, nudgeable, smtp):
    t = nudgeable

    response = hr.post("/hr/nudge", data={"user": [t.ada.id, t.bo.id], "note": "Finish by Friday, please."})

    assert response.status_code == 303
    assert response.headers["Location"] == "/hr/notifications?kind=nudge"
    english, = smtp.mailbox.to("ada@example.com")
    assert english["Subject"] == f"A reminder from {hr.user.full_name}"
    body = english.get_body(preferencelist=("plain",)).get_content()
    assert "Test Course (due 6 March 2031)" in body
    assert f"Note from {hr.user.full_name}: Finish by Friday, please." in body
    assert "Choose how you are told: https://courses.example.com/account/notifications" in body
    chinese, = smtp.mailbox.to("bo@example.com")
    assert chinese["Subject"] == f"来自{hr.user.full_name}的提醒"
    assert [n.message for n in notices_of(t.ada)] == ["nudge"]
    audited = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "notification.nudge")
                                 .order_by(AuditEvent.target)).all()
    assert [(a.actor, a.target) for a in audited] == [(hr.user.username, "ada"), (hr.user.username, "bo")]
    log = text_of(hr.client.get(response.headers["Location"]))
    assert "Nudge sent to 2 people." in log
    assert log.count("Nudge from HR") >= 4  # two people, e-mail and the bell each


def test_a_second_nudge_within_24_hours_is_refused_with_the_reason(hr, nudgeable, smtp, clock):
    t = nudgeable
    hr.post("/hr/nudge", data={"user": [t.ada.id]})
    clock.set(T0 + timedelta(hours=23))

    again = hr.post("/hr/nudge", data={"user": [t.ada.id]})

    assert again.status_code == 409
    text = text_of(again)
    assert "Nobody was nudged: each person selected is skipped, for the reason shown." in text
    assert "Already nudged in the last 24 hours: one nudge per person per 24 hours." in text
    assert len(smtp.mailbox.to("ada@example.com")) == 1

    clock.set(T0 + timedelta(hours=24))
    assert "1 person will be nudged" in text_of(hr.get(f"/hr/nudge?{users(t.ada)}"))


def test_two_senders_racing_nudge_once_the_delivery_key_decides(hr, nudgeable, smtp, monkeypatch):
    t = nudgeable
    hr.post("/hr/nudge", data={"user": [t.ada.id]})
    # A second sender that read the state before the first committed: it sees no earlier nudge.
    monkeypatch.setattr(nudges, "_last_nudges", lambda session, ids: {})

    result = nudges.send(db.session, hr.user, [t.ada.id], T0, {"SMTP_URL": smtp.url})

    assert result.sent == [] and [s.reason for s in result.skipped] == [nudges.SkipReason.RECENT]
    assert len(smtp.mailbox.to("ada@example.com")) == 1
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id)).where(Delivery.kind == "nudge")) == 2


def test_a_note_too_long_is_a_form_error_and_the_selection_is_kept(hr, nudgeable):
    t = nudgeable

    page = hr.get(f"/hr/nudge?{users(t.ada, t.bo)}&note=" + "x" * 301)

    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'data-error-summary' in html and 'href="#note"' in html
    assert "The note is 301 characters long; at most 300, please." in text_of(page)
    # Both forms (the note's and the send's) keep the people chosen.
    for person in (t.ada, t.bo):
        assert html.count(f'name="user" value="{person.id}"') == 2


def test_nothing_selected_goes_back_to_people_with_a_message(hr, nudgeable):
    response = hr.get("/hr/nudge?user=abc")

    assert response.status_code == 303 and response.headers["Location"].startswith("/hr/people")
    assert "Select at least one person to nudge." in text_of(hr.get(response.headers["Location"]))


def test_an_unknown_person_is_not_found(hr, nudgeable):
    assert hr.get("/hr/nudge?user=999999").status_code == 404


def test_people_and_person_pages_offer_the_nudge_to_hr_only(hr, president, nudgeable):
    t = nudgeable
    people = hr.get(f"/hr/people?selected={t.bo.id}").get_data(as_text=True)
    assert f'name="user" value="{t.ada.id}"' in people and "Nudge the selected people" in people
    assert re.search(rf'name="user" value="{t.bo.id}"[^>]*checked', people)  # back from a preview
    assert f'href="/hr/nudge?user={t.ada.id}"' in hr.get(f"/hr/people/{t.ada.id}").get_data(as_text=True)

    assert "Nudge the selected people" not in president.get("/hr/people").get_data(as_text=True)
    assert president.get(f"/hr/nudge?user={t.ada.id}").status_code == 403


def test_quiet_hours_hold_the_mail_and_the_preview_says_until_when(hr, nudgeable, smtp, clock):
    t = nudgeable
    clock.set(T0 + timedelta(hours=12))  # 22:00 in Shanghai

    assert "held until" in text_of(hr.get(f"/hr/nudge?{users(t.ada)}"))
    hr.post("/hr/nudge", data={"user": [t.ada.id]})

    assert smtp.mailbox.to("ada@example.com") == []
    assert [n.message for n in notices_of(t.ada)] == ["nudge"]


def test_the_preview_in_chinese(hr, nudgeable):
    hr.user.locale = "zh_CN"
    db.session.commit()
    t = nudgeable

    text = text_of(hr.get(f"/hr/nudge?{users(t.ada, t.done)}"))

    assert "将提醒 1 人" in text and "将跳过 1 人" in text
    assert "A reminder from" in text  # Ada reads English, whatever HR reads
