"""Work notices in WeCom, DingTalk or Feishu for people whose account is linked to the platform, against
the local fake of the three platforms: one notice per message in the person's language with the link,
none on a second run, none to someone unlinked; a platform's refusal in the log, retried later; quiet
hours hold it; a reminder moved to it by the person's preferences; planning's queries stay fixed."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from courseware import jobs
from courseware.extensions import db
from courseware.models import ExternalIdentity
from courseware.services.errors import InvalidFields
from courseware.services.notifications import deliveries as delivery_service
from courseware.services.notifications import preferences
from courseware.services.notifications.channels import Channel
from tests.conftest import SignedInClient
from tests.notifications.conftest import T0, assign, deliveries
from tests.notifications.test_preferences import every_box


def link(user, subject: str, provider: str = "wecom") -> None:
    db.session.add(ExternalIdentity(provider=provider, subject=subject, user_id=user.id))
    db.session.commit()


@pytest.fixture
def wecom(app, work_platforms):
    """WeCom's app configured against the fake; Ada (English) and Bo (Chinese) linked to it."""
    app.config.update(work_platforms.settings("wecom"), SITE_URL="https://courses.example.com")
    return work_platforms


@pytest.fixture
def linked(team, wecom):
    link(team.ada, "wang.lei")
    link(team.bo, "li.na")
    return team


def notices(fake, to: str | None = None) -> list[dict]:
    return [m for m in fake.messages if to is None or m["to"] == to]


def test_a_linked_person_gets_one_notice_per_message_in_their_language_with_the_link(course, linked, wecom):
    assign(course, due_on=date(2031, 3, 6))

    report = jobs.send_notifications(T0)

    ada, = notices(wecom, "wang.lei")
    assert ada["platform"] == "wecom"
    assert ada["text"].startswith("New course for you: Test Course")
    assert "https://courses.example.com/courses/" in ada["text"]
    bo, = notices(wecom, "li.na")
    assert bo["text"].startswith("您有一门新课程：《")
    assert "https://courses.example.com/courses/" in bo["text"]
    assert report.new[("queued", "work")] == 2
    assert {(d.state, d.attempts) for d in deliveries(channel="work")} == {("sent", 1)}

    again = jobs.send_notifications(T0)

    assert sum(again.new.values()) == 0 and len(wecom.messages) == 2


def test_an_unlinked_person_gets_none(course, linked, wecom):
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)

    assert deliveries(user_id=linked.cy.id, channel="work") == []
    assert {m["to"] for m in wecom.messages} == {"wang.lei", "li.na"}


def test_no_notice_without_a_configured_platform(course, team, app):
    link(team.ada, "wang.lei")
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)

    assert deliveries(channel="work") == []


def test_a_link_to_a_platform_not_configured_does_not_count(course, team, wecom):
    link(team.ada, "ou_feishu", provider="feishu")
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)

    assert deliveries(channel="work") == []


def test_a_platform_error_is_logged_with_its_reason_and_retried_later(course, linked, wecom):
    wecom.fail("wecom", "/cgi-bin/message/send", 81013, "user & party & tag all invalid", times=2)
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)

    failed = deliveries(user_id=linked.ada.id, channel="work")[0]
    assert failed.state == "failed" and failed.not_before == T0 + timedelta(minutes=1)
    assert "81013" in failed.last_error and "user & party & tag all invalid" in failed.last_error
    assert notices(wecom) == []

    jobs.send_notifications(T0 + timedelta(minutes=2))

    sent = deliveries(user_id=linked.ada.id, channel="work")[0]
    assert (sent.state, sent.attempts, sent.last_error) == ("sent", 2, None)
    assert len(notices(wecom, "wang.lei")) == 1 and len(notices(wecom, "li.na")) == 1


def test_an_unknown_user_on_the_platform_is_a_failure_with_the_reason(course, team, wecom):
    link(team.ada, "nobody.there")
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)

    failed, = deliveries(channel="work")
    assert failed.state == "failed"
    assert "invaliduser" in failed.last_error and "nobody.there" in failed.last_error


def test_quiet_hours_hold_the_notice_until_8(course, linked, wecom):
    assign(course, due_on=date(2031, 3, 20), at=datetime(2031, 3, 3, 13, 0))

    jobs.send_notifications(datetime(2031, 3, 3, 14, 0))  # 22:00 in Shanghai

    held = deliveries(user_id=linked.ada.id, channel="work")[0]
    assert (held.state, held.held_until) == ("held", datetime(2031, 3, 4, 0, 0))
    assert notices(wecom) == []

    jobs.send_notifications(datetime(2031, 3, 4, 0, 0))  # 08:00

    assert len(notices(wecom, "wang.lei")) == 1


def test_dingtalk_and_feishu_notices(app, course, team, work_platforms):
    app.config.update(work_platforms.settings("dingtalk", "feishu"))
    link(team.ada, "wang.lei", provider="dingtalk")
    link(team.bo, "li.na", provider="feishu")
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)

    assert sorted((m["platform"], m["to"]) for m in work_platforms.messages) == [
        ("dingtalk", "wang.lei"), ("feishu", "li.na")]


def test_a_reminder_moved_to_the_work_notice(app, course, linked, wecom, smtp):
    ada = SignedInClient(app.test_client(), linked.ada)
    page = ada.get("/account/notifications").get_data(as_text=True)
    assert "WeCom work notice" in page
    response = ada.post("/account/notifications", data=every_box(due_soon_email=False, due_soon_app=False))
    assert response.status_code == 303
    assign(course, due_on=date(2031, 3, 6), at=T0 - timedelta(days=10))

    jobs.send_notifications(T0)

    assert smtp.mailbox.to("ada@example.com") == []
    assert [m["text"].splitlines()[0] for m in notices(wecom, "wang.lei")] == ["Test Course is due in 3 days"]


def test_the_work_notice_alone_keeps_a_reminder_only_when_it_reaches(app, linked, wecom, smtp):
    only_work = {(kind, channel): channel is Channel.WORK for kind in preferences.person_kinds()
                 for channel in preferences.person_channels()}
    assert preferences.save(db.session, linked.ada, only_work, app.config) > 0

    with pytest.raises(InvalidFields) as refused:
        preferences.save(db.session, linked.cy, only_work, app.config)  # Cy is not linked
    assert "keep at least one channel that reaches you on" in refused.value.errors["due_soon-app"]


def test_planning_takes_the_same_queries_for_any_number_of_linked_people(app, course, linked, make_user):
    from tests.test_performance_queries import counting

    assign(course, due_on=date(2031, 3, 6))

    def queries() -> int:
        with counting() as statements:
            delivery_service.send_due(db.session, T0, app.config, dry_run=True)
        return len(statements)

    few = queries()
    for n in range(12):
        link(make_user(full_name=f"More {n}", username=f"more{n}"), f"more.{n}")
    assert queries() == few


def test_hr_sends_themself_a_test_work_notice_once_linked(hr, wecom):
    page = hr.get("/hr/notifications").get_data(as_text=True)
    assert "WeCom work notice" in page and "WECOM_CORP_ID" in page and "wecom-secret" not in page

    refused = hr.post("/hr/notifications/test", data={"channel": "work"}, follow_redirects=True)

    said = refused.get_data(as_text=True)
    assert "Your account is not linked to WeCom: sign in with it once first." in said
    assert wecom.messages == []

    link(hr.user, "zhao.jing")
    response = hr.post("/hr/notifications/test", data={"channel": "work"}, follow_redirects=True)

    assert "Test sent on WeCom work notice." in response.get_data(as_text=True)
    notice, = notices(wecom, "zhao.jing")
    assert "Hr Person" in notice["text"]
