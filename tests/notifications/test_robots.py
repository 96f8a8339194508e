"""The group robots of WeCom, DingTalk and Feishu, against a local HTTP receiver that checks each
payload and signature as the platforms document them (tests/notifications/conftest.py): one message
per course and reason with how many people it concerns, never a name; an error answer is a failure
with the platform's reason, retried."""
from __future__ import annotations

import base64
import hmac
from datetime import date, datetime, timedelta
from urllib.parse import quote

from courseware import jobs
from courseware.services.notifications import robots as robot_service
from tests.notifications.conftest import T0, assign, deliveries


def test_each_robot_gets_one_signed_message_about_a_new_assignment(course, team, robots):
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)
    jobs.send_notifications(T0 + timedelta(hours=1))

    wecom, = robots.of("wecom")
    text = wecom.payload["markdown"]["content"]
    assert text.startswith("**Course assigned: Test Course**")
    assert "Test Course has been assigned to 3 people, to complete by 6 March 2031." in text
    assert "[Open in Culture Courses](https://courses.example.com/courses/test-course)" in text
    assert "Ada" not in text
    dingtalk, = robots.of("dingtalk")
    assert dingtalk.payload["markdown"]["title"] == "Course assigned: Test Course"
    assert dingtalk.query["access_token"] == ["ding-token"]
    feishu, = robots.of("feishu")
    assert feishu.payload["content"]["text"].startswith("Course assigned: Test Course\n")
    assert {(d.channel, d.state, d.user_id) for d in deliveries(kind="assigned", user_id=None)} == {
        ("wecom", "sent", None), ("dingtalk", "sent", None), ("feishu", "sent", None)}


def test_the_robots_hear_of_due_dates_and_overdue_courses_with_counts(course, team, robots):
    assign(course, due_on=date(2031, 3, 13))
    for day in (0, 3, 11):
        jobs.send_notifications(T0 + timedelta(days=day))

    titles = [call.payload["markdown"]["title"] for call in robots.of("dingtalk")]
    assert titles == ["Course assigned: Test Course", "Test Course is due on 13 March 2031",
                      "Test Course is overdue"]
    assert "3 people have not completed Test Course, which was due on 13 March 2031." in (
        robots.of("wecom")[-1].payload["markdown"]["content"])


def test_an_error_answer_is_a_failure_with_the_platform_s_reason_and_is_retried(course, team, robots):
    robots.answers["dingtalk"] = {"errcode": 310000, "errmsg": "sign not match"}
    robots.answers["feishu"] = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
    robots.answers["wecom"] = {"errcode": 93000, "errmsg": "invalid webhook url"}
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)

    failed = {d.channel: d.last_error for d in deliveries(user_id=None)}
    assert failed == {"dingtalk": "errcode 310000: sign not match",
                      "feishu": "code 19021: sign match fail or timestamp is not within one hour",
                      "wecom": "errcode 93000: invalid webhook url"}

    jobs.send_notifications(T0 + timedelta(minutes=1))

    assert {(d.state, d.attempts) for d in deliveries(user_id=None)} == {("sent", 2)}
    assert len(robots.of("wecom")) == 2


def test_an_unreachable_webhook_is_a_failure_with_its_reason(app, course, team, robots):
    app.config["WECOM_WEBHOOK_URL"] = "http://127.0.0.1:9/cgi-bin/webhook/send?key=x"
    assign(course, due_on=date(2031, 3, 6))

    jobs.send_notifications(T0)

    wecom, = deliveries(user_id=None, channel="wecom")
    assert wecom.state == "failed" and wecom.last_error.startswith("cannot reach the webhook")


def test_the_group_chats_have_quiet_hours_in_the_company_s_time_zone(course, team, robots):
    assign(course, due_on=date(2031, 3, 20))

    jobs.send_notifications(datetime(2031, 3, 3, 14, 0))  # 22:00 in Shanghai

    assert robots.calls == []
    assert {d.state for d in deliveries(user_id=None)} == {"held"}


def test_the_signatures_follow_the_platforms_recipes():
    """Computed here another way: DingTalk signs "timestamp\nsecret" keyed by the secret and
    url-encodes the base64; Feishu keys by "timestamp\nsecret" and signs nothing."""
    dingtalk = hmac.digest(b"this is secret", b"1577262236757\nthis is secret", "sha256")
    assert robot_service.dingtalk_sign("this is secret", 1577262236757) == quote(
        base64.b64encode(dingtalk).decode(), safe="")
    feishu = hmac.digest(b"1599360473\ndemo", b"", "sha256")
    assert robot_service.feishu_sign("demo", 1599360473) == base64.b64encode(feishu).decode()
