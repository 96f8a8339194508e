"""What people see: the bell's count in the header and the list behind it (in their language, opened,
marked read); HR's settings page (channels with secrets masked, "send me a test" with its outcome)
and the delivery log (filters, 50 a page); the log's purge after 180 days."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from courseware import jobs
from courseware.extensions import db
from courseware.models import Delivery, Notification
from tests.notifications.conftest import T0, assign, deliveries, notices_of


def bell(page) -> str | None:
    """The bell's number in the header, as read on the page (None: no number shown)."""
    anchor = re.search(r'<a class="bell".*?</a>', page.get_data(as_text=True), re.S)
    assert anchor, "no bell in the header"
    count = re.search(r'<span class="bell-count">([^<]+)<', anchor[0])
    return count[1] if count else None


@pytest.fixture
def reminded(course, manager):
    """The signed-in manager has two unread notices: the assignment, then the 3-day reminder."""
    assign(course, due_on=date(2031, 3, 13))
    jobs.send_notifications(T0)
    jobs.send_notifications(T0 + timedelta(days=7))
    assert len(notices_of(manager.user)) == 2
    return manager


def test_the_bell_shows_the_unread_count_and_the_list_says_what_each_is(reminded):
    home = reminded.get("/")
    assert bell(home) == "2"
    assert "2 unread" in re.sub(r"<[^>]+>", "", home.get_data(as_text=True))

    page = reminded.get("/notifications")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.index("Test Course is due in 3 days") < text.index("New course for you: Test Course")
    assert "Please complete Test Course by 13 March 2031: 3 days left." in text
    assert text.count('class="badge badge-new"') == 2


def test_opening_a_notice_marks_it_read_and_leads_to_its_course(reminded):
    newest = notices_of(reminded.user)[-1]

    response = reminded.get(f"/notifications/{newest.id}")

    assert response.status_code == 302 and response.headers["Location"] == "/courses/test-course"
    assert bell(reminded.get("/")) == "1"


def test_mark_all_as_read_empties_the_bell(reminded):
    response = reminded.post("/notifications/read")

    assert response.status_code == 302
    page = reminded.get("/notifications")
    assert "Every notification is marked as read." in page.get_data(as_text=True)
    assert bell(page) is None and "badge-new" not in page.get_data(as_text=True)


def test_the_list_is_in_the_reader_s_language(reminded):
    reminded.user.locale = "zh_CN"
    db.session.commit()

    text = reminded.get("/notifications").get_data(as_text=True)

    assert "您有一门新课程：《测试课程》" in text and "《测试课程》还有 3 天到期" in text
    assert "全部标为已读" in text


def test_someone_else_s_notice_is_not_found(reminded, signed_in):
    other = signed_in("manager", department="Domestic Trade")
    notice = notices_of(reminded.user)[0]

    assert other.get(f"/notifications/{notice.id}").status_code == 404
    assert notices_of(reminded.user)[0].read_at is None


def test_no_notice_yet(manager):
    text = manager.get("/notifications").get_data(as_text=True)
    assert "No notifications yet." in text and "Mark all as read" not in text


# --- HR ---


def test_hr_sees_each_channel_and_its_settings_with_secrets_masked(app, hr, smtp, robots):
    app.config["SMTP_URL"] = f"smtp://courses:s3cret-pass@127.0.0.1:{smtp.port}"

    text = hr.get("/hr/notifications").get_data(as_text=True)

    for label in ("In the site (the bell)", "E-mail", "WeCom robot", "DingTalk robot", "Feishu robot"):
        assert label in text
    assert f"smtp://courses:••••••@127.0.0.1:{smtp.port}" in text
    for secret in ("s3cret-pass", "wecom-key", "ding-token", "feishu-token", "test-secret"):
        assert secret not in text
    assert text.count("Send a test to the group") == 3 and text.count("Send me a test") == 2


def test_unconfigured_channels_say_so(hr):
    text = hr.get("/hr/notifications").get_data(as_text=True)
    assert text.count("Not configured") == 5 and "No delivery yet." in text  # with the work notice


def test_send_me_a_test_by_mail_arrives_and_the_page_says_sent(hr, smtp):
    hr.user.email = "hr@example.com"
    db.session.commit()

    response = hr.post("/hr/notifications/test", data={"channel": "email"}, follow_redirects=True)

    assert "Test sent on E-mail." in response.get_data(as_text=True)
    mail, = smtp.mailbox.to("hr@example.com")
    assert mail["Subject"] == "Test message from Culture Courses"
    assert "Hr Person" in mail.get_body(preferencelist=("plain",)).get_content()


def test_a_test_without_an_e_mail_address_says_what_to_do(hr, smtp):
    response = hr.post("/hr/notifications/test", data={"channel": "email"}, follow_redirects=True)

    message = "Your account has no e-mail address: add one under Accounts first."
    assert message in response.get_data(as_text=True)
    assert smtp.mailbox.messages == []


def test_a_test_in_the_bell_and_to_the_robots(hr, robots):
    hr.post("/hr/notifications/test", data={"channel": "app"})
    assert bell(hr.get("/")) == "1"

    robots.answers["wecom"] = {"errcode": 93000, "errmsg": "invalid webhook url"}
    failed = hr.post("/hr/notifications/test", data={"channel": "wecom"}, follow_redirects=True)
    sent = hr.post("/hr/notifications/test", data={"channel": "feishu"}, follow_redirects=True)

    reason = "The test on WeCom robot failed: errcode 93000: invalid webhook url"
    assert reason in failed.get_data(as_text=True)
    assert "Test sent on Feishu robot." in sent.get_data(as_text=True)
    assert "Test message from Culture Courses" in robots.of("feishu")[0].payload["content"]["text"]


def test_a_test_on_an_unconfigured_channel_is_refused(hr):
    response = hr.post("/hr/notifications/test", data={"channel": "dingtalk"}, follow_redirects=True)
    assert "DingTalk robot is not configured." in response.get_data(as_text=True)


def _log_rows(page) -> list[str]:
    body = page.get_data(as_text=True)
    table = body[body.index('id="log-title"'):]
    return re.findall(r"<tr>\s*<td class=\"nowrap\">", table)


def test_the_delivery_log_shows_failures_with_their_reason_and_filters(course, team, hr, smtp):
    assign(course, due_on=date(2031, 3, 6))
    smtp.stop()
    jobs.send_notifications(T0)

    everything = hr.get("/hr/notifications")
    failed = hr.get("/hr/notifications?state=failed")
    mail_kind = hr.get("/hr/notifications?state=sent&kind=assigned")

    assert len(_log_rows(everything)) == 5  # three in the bell, two mails
    text = failed.get_data(as_text=True)
    assert len(_log_rows(failed)) == 2
    assert "Reason: the SMTP server refused the connection (is it running?)" in text
    assert "Ada Lin" in text and "Next attempt 3 March 2031, 10:01" in text
    # Times are the reader's (the footer names the zone once), never labelled UTC.
    assert "UTC" not in text and "Times are in China Standard Time (Asia/Shanghai)." in text
    assert len(_log_rows(mail_kind)) == 3
    assert hr.get("/hr/notifications?state=nonsense").status_code == 400


def test_the_log_shows_50_a_page(hr, make_user):
    person = make_user()
    db.session.add_all([Delivery(key=f"{person.id}:test.{n}:-:app", user_id=person.id, channel="app",
                                 kind="test", reason=f"test.{n}", message="test", params={}, state="sent",
                                 attempts=1, created_at=T0 + timedelta(minutes=n)) for n in range(120)])
    db.session.commit()

    first, third = hr.get("/hr/notifications"), hr.get("/hr/notifications?page=3")

    assert len(_log_rows(first)) == 50 and len(_log_rows(third)) == 20
    assert "Page 1 of 3" in first.get_data(as_text=True)
    assert hr.get("/hr/notifications?page=4").status_code == 404


def test_the_log_keeps_180_days(app, hr, make_user, clock):
    person = make_user()
    for days, key in ((181, "old"), (179, "recent")):
        db.session.add(Delivery(key=f"{person.id}:{key}:-:app", user_id=person.id, channel="app", kind="test",
                                reason=key, message="test", params={}, state="sent", attempts=1,
                                created_at=T0 - timedelta(days=days)))
        db.session.add(Notification(user_id=person.id, kind="test", message="test", params={},
                                    created_at=T0 - timedelta(days=days), read_at=T0 - timedelta(days=days)))
    db.session.commit()

    assert jobs.tick(app)["purge-deliveries"] is True

    assert [d.reason for d in deliveries()] == ["recent"]
    assert len(notices_of(person)) == 1
