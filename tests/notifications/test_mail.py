"""Mail received by a real SMTP server (aiosmtpd): headers, plain text and HTML in the recipient's
language, the unsubscribe header and link of optional mail; SMTP down: failed, retried, delivered
once it is back, nothing lost and nothing twice."""
from __future__ import annotations

import re
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest

from courseware import jobs
from courseware.extensions import db
from courseware.models import NotificationOptOut
from courseware.services.authoring import publishing
from courseware.services.catalog import published
from courseware.services.notifications import channels, mail
from tests.author.conftest import editor_data
from tests.conftest import read_lesson
from tests.notifications.conftest import T0, assign, deliveries, notices_of


def send_due(when):
    return jobs.send_notifications(when)


def parts(message) -> tuple[str, str]:
    return (message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def test_each_person_gets_the_reminder_in_their_language_as_plain_text_and_html(course, team, smtp):
    assign(course, due_on=date(2031, 3, 6))

    send_due(T0)

    english, = smtp.mailbox.to("ada@example.com")
    assert english["Subject"] == "New course for you: Test Course"
    assert english["From"] == "Culture Courses <courses@example.com>"
    assert english["Content-Language"] == "en" and english["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in english  # a reminder of an assigned course cannot be turned off
    text, html = parts(english)
    assert "Test Course has been assigned to you. Please complete it by 6 March 2031." in text
    assert "Open in Culture Courses: https://courses.example.com/courses/test-course" in text
    assert "They stop once you complete it." in text
    assert '<a href="https://courses.example.com/courses/test-course">Open in Culture Courses</a>' in html
    assert '<html lang="en">' in html

    chinese, = smtp.mailbox.to("bo@example.com")
    assert chinese["Subject"] == "您有一门新课程：《测试课程》"  # the course's Chinese title
    assert chinese["Content-Language"] == "zh-CN"
    text, html = parts(chinese)
    assert "《测试课程》已分配给您，请在 2031年3月6日 前完成。" in text
    assert "在文化课程中打开：" not in text and "在文化课程中打开: https://courses.example.com" in text
    assert '<html lang="zh-CN">' in html


def revise_and_publish(president, lesson, source: str, when) -> None:
    """A material revision of the lesson, written in the editor and published at `when`."""
    response = president.post(f"/author/lessons/{lesson.id}/edit", data=editor_data(lesson, source=source))
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    publishing.publish(db.session, lesson, lesson.revisions_in("en")[-1].number, material=True, now=when)


@pytest.fixture
def revised_lesson(course, team, president):
    """The second lesson materially revised an hour before T0; Ada and Bo have started the course."""
    second = published.lessons(db.session, course)[1]
    revise_and_publish(president, second, "New text.", T0 - timedelta(hours=1))
    first = published.lessons(db.session, course)[0]
    read_lesson(team.ada, first)
    read_lesson(team.bo, first)
    return second


def unsubscribe_path(message) -> str:
    header = message["List-Unsubscribe"]
    match = re.fullmatch(r"<https://courses\.example\.com(/unsubscribe/[^>]+)>", header)
    assert match, header
    return match[1]


def test_an_optional_mail_can_be_unsubscribed_from_by_its_link(course, team, smtp, revised_lesson, client,
                                                                president):
    send_due(T0)
    mail, = smtp.mailbox.to("ada@example.com")
    assert mail["Subject"] == "Lesson updated: The second lesson"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(mail)
    assert f"https://courses.example.com{path}" in parts(mail)[0]

    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Stop e-mails of this kind to Ada Lin: New or revised lesson?" in text
    assert db.session.query(NotificationOptOut).count() == 0  # opening the link changes nothing

    done = client.post(path)
    assert done.status_code == 200
    assert "Done: Ada Lin will no longer receive e-mails of this kind: New or revised lesson." in (
        done.get_data(as_text=True))

    revise_and_publish(president, published.lessons(db.session, course)[0], "Another text.",
                       T0 + timedelta(hours=1))
    send_due(T0 + timedelta(hours=2))

    assert [m["Subject"] for m in smtp.mailbox.to("ada@example.com")] == ["Lesson updated: The second lesson"]
    assert [m["Subject"] for m in smtp.mailbox.to("bo@example.com")][-1].startswith("课程已更新")
    suppressed = deliveries(user_id=team.ada.id, channel="email", state="suppressed")
    assert len(suppressed) == 1 and suppressed[0].kind == "new_lesson"
    assert [n.message for n in notices_of(team.ada)] == ["new_lesson", "new_lesson"]  # still in the bell


def test_a_mail_program_may_unsubscribe_in_one_click_without_a_form(course, team, smtp, revised_lesson,
                                                                     client):
    send_due(T0)
    path = unsubscribe_path(smtp.mailbox.to("bo@example.com")[0])

    response = client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    page = client.get(path, headers={"Accept-Language": "zh-CN"})
    assert "将不再收到此类邮件" in page.get_data(as_text=True)
    assert db.session.query(NotificationOptOut).count() == 1


def test_a_damaged_unsubscribe_link_is_not_found(client, team):
    response = client.get("/unsubscribe/not-a-token")

    assert response.status_code == 404
    assert "This unsubscribe link is not valid." in response.get_data(as_text=True)


def test_smtp_down_the_mail_fails_is_retried_and_goes_once_the_server_is_back(course, team, smtp):
    assign(course, due_on=date(2031, 3, 6))
    smtp.stop()

    send_due(T0)

    failed = deliveries(channel="email")
    assert {(d.state, d.attempts) for d in failed} == {("failed", 1)}
    assert "refused the connection" in failed[0].last_error
    assert failed[0].not_before == T0 + timedelta(minutes=1)

    send_due(T0 + timedelta(seconds=30))  # too early for the retry
    assert {d.attempts for d in deliveries(channel="email")} == {1}

    smtp.start()
    send_due(T0 + timedelta(minutes=1))

    assert {(d.state, d.attempts, d.last_error) for d in deliveries(channel="email")} == {("sent", 2, None)}
    assert sorted(m["To"] for m in smtp.mailbox.messages) == ["ada@example.com", "bo@example.com"]
    send_due(T0 + timedelta(minutes=30))
    assert len(smtp.mailbox.messages) == 2


def test_after_six_failed_attempts_a_delivery_is_given_up_with_its_reason(course, team, smtp):
    assign(course, due_on=date(2031, 3, 6))
    smtp.stop()
    when = T0
    for _ in range(10):
        send_due(when)
        when += timedelta(hours=5)

    failed = deliveries(user_id=team.ada.id, channel="email")[0]
    assert (failed.state, failed.attempts, failed.not_before) == ("failed", 6, None)


def test_the_site_signs_in_to_the_smtp_server_with_the_url_s_user(app, course, team, smtp):
    app.config["SMTP_URL"] = f"smtp://courses%40example.com:right%20password@127.0.0.1:{smtp.port}"
    assign(course, due_on=date(2031, 3, 6))

    send_due(T0)

    assert ("courses@example.com", "right password") in smtp.mailbox.logins
    assert len(smtp.mailbox.messages) == 2


def test_a_wrong_smtp_password_is_the_delivery_s_reason(app, course, team, smtp):
    app.config["SMTP_URL"] = f"smtp://courses:wrong@127.0.0.1:{smtp.port}"
    assign(course, due_on=date(2031, 3, 6))

    send_due(T0)

    reasons = {d.last_error for d in deliveries(channel="email")}
    assert reasons == {"SMTP 535: 5.7.8 Authentication credentials invalid"}


def test_a_run_sends_its_mails_over_one_smtp_connection(course, team, smtp):
    assign(course, due_on=date(2031, 3, 6))

    send_due(T0)

    assert sorted(m["To"] for m in smtp.mailbox.messages) == ["ada@example.com", "bo@example.com"]
    assert len(set(smtp.mailbox.peers)) == 1  # one connection (a TLS handshake and login) for the batch


def test_a_connection_the_server_dropped_between_mails_is_opened_again(app, smtp):
    with mail.Connection(app.config) as connection:
        connection.send(_outgoing("ada@example.com"))
        smtp.stop()  # the server goes away between two mails, then comes back
        smtp.start()
        connection.send(_outgoing("bo@example.com"))

    assert [m["To"] for m in smtp.mailbox.messages] == ["ada@example.com", "bo@example.com"]
    assert len(set(smtp.mailbox.peers)) == 2


def _outgoing(to: str) -> channels.Outgoing:
    return channels.Outgoing(channels.Channel.EMAIL, "en", "Hello", "Body", to=to)


def test_hr_sees_the_smtp_setting_without_its_password():
    shown = channels.mask("SMTP_URL", "smtp://courses:s3cret@mail.example.com:587")
    assert shown == "smtp://courses:••••••@mail.example.com:587"
    assert channels.mask("DINGTALK_SECRET", "SECabc") == "••••••"
    webhook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"
    assert channels.mask("WECOM_WEBHOOK_URL", webhook) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?••••••"


def test_what_the_mail_shows_is_escaped_in_its_html(course, team, smtp):
    course.title = 'Tea & <img src=x onerror="alert(1)">'
    db.session.commit()
    assign(course, due_on=date(2031, 3, 6))

    send_due(T0)

    text, html = parts(smtp.mailbox.to("ada@example.com")[0])
    assert 'Tea & <img src=x onerror="alert(1)"> has been assigned to you.' in text
    assert "<img" not in html and "Tea &amp; &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_a_mail_goes_out_with_smtp_line_ends_and_an_encoded_chinese_sender():
    outgoing = channels.Outgoing(channels.Channel.EMAIL, "zh_CN", "课程将在 3 天后到期：" + "企业文化" * 20,
                                 "第一行\n第二行", link="https://courses.example.com/" + "x" * 120,
                                 link_text="打开", to="bo@example.com",
                                 unsubscribe="https://courses.example.com/unsubscribe/" + "t" * 90)
    wire = mail.build(outgoing, "文化课程 <courses@example.com>").as_bytes(policy=mail._WIRE)

    assert b"\n" not in wire.replace(b"\r\n", b"")  # no bare line feed anywhere
    assert all(len(line) <= 998 for line in wire.split(b"\r\n"))
    parsed = message_from_bytes(wire, policy=policy.default)
    assert parsed["From"] == "文化课程 <courses@example.com>" and b"=?utf-8?" in wire.split(b"\r\n\r\n")[0]
    assert parsed["Subject"] == "课程将在 3 天后到期：" + "企业文化" * 20
    assert parsed["List-Unsubscribe"] == "<https://courses.example.com/unsubscribe/" + "t" * 90 + ">"
    assert "第二行" in parsed.get_body(("plain",)).get_content()
