"""Refresh due: once a person's certificate enters its refresh window, one message per person and
expiry, in the bell and by mail in their language; quiet hours hold the mail; it cannot be turned
off; a second run sends nothing; the queries do not grow with the number of people."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from courseware import jobs
from courseware.extensions import db
from courseware.models import Certificate, NotificationOptOut
from courseware.services.errors import ValidationError
from courseware.services.notifications import deliveries as delivery_service
from courseware.services.notifications import preferences
from courseware.services.notifications.channels import Channel
from courseware.services.notifications.messages import Kind
from tests.notifications.conftest import T0, complete, deliveries, notices_of

EXPIRES = T0 + timedelta(days=20)  # 2031-03-23 10:00 in Shanghai; the window (30 days) opened 10 days ago


def send_due(when: datetime, dry_run: bool = False):
    return jobs.send_notifications(when, dry_run=dry_run)


def certify(user, course, expires_at: datetime = EXPIRES) -> Certificate:
    """The person completes the course (unless done already); their certificate expires at `expires_at`."""
    certificate = current(user, course)
    if certificate is None:
        complete(user, course)
        certificate = current(user, course)
    certificate.expires_at = expires_at
    course.refresh_window_days = 30
    db.session.commit()
    return certificate


def current(user, course) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.user_id == user.id, Certificate.course_id == course.id,
        Certificate.replaced_by_id.is_(None)))


def refreshes(user, channel: str = "app"):
    return deliveries(user_id=user.id, channel=channel, kind="refresh_due")


def test_a_refresh_due_reaches_the_person_once_in_the_bell_and_by_mail_in_their_language(course, team, smtp):
    certify(team.done, course)
    certify(team.bo, course)  # reads Chinese

    report = send_due(T0)

    assert [(d.reason, d.due_on) for d in refreshes(team.done)] == [
        (f"course-{course.id}.refresh", date(2031, 3, 23))]
    assert [n.message for n in notices_of(team.done)] == ["refresh_due"]
    assert refreshes(team.ada) == []
    mail = smtp.mailbox.to("dan@example.com")[0]
    assert mail["Subject"] == "Refresh due: Test Course"
    text = mail.get_body(("plain",)).get_content()
    assert "expires on 23 March 2031" in text or "expires on March 23, 2031" in text
    assert "https://courses.example.com/courses/test-course/refresh" in text
    assert "List-Unsubscribe" not in mail  # required learning: no way to stop it
    assert "due for renewal" in text
    html = mail.get_body(("html",)).get_content()
    assert 'href="https://courses.example.com/courses/test-course/refresh"' in html
    chinese = smtp.mailbox.to("bo@example.com")[0]
    assert chinese["Subject"] == "需要复训：《测试课程》" and chinese["Content-Language"] == "zh-CN"
    assert report.outcomes["sent"] == 2

    again = send_due(T0)
    later = send_due(T0 + timedelta(days=3))

    assert sum(again.new.values()) == 0 and sum(later.new.values()) == 0
    assert len(smtp.mailbox.messages) == 2 and len(notices_of(team.done)) == 1


def test_it_comes_when_the_window_opens_and_again_for_a_renewed_certificate(course, team):
    certificate = certify(team.done, course, expires_at=T0 + timedelta(days=40))
    send_due(T0)
    send_due(T0 + timedelta(days=9))
    assert refreshes(team.done) == []  # the window opens on day 10

    send_due(T0 + timedelta(days=10))
    assert [d.due_on for d in refreshes(team.done)] == [date(2031, 4, 12)]

    certificate.expires_at = T0 + timedelta(days=400)  # renewed: a new expiry
    db.session.commit()
    send_due(T0 + timedelta(days=369))
    assert len(refreshes(team.done)) == 1
    send_due(T0 + timedelta(days=370))
    assert [d.due_on for d in refreshes(team.done)] == [date(2031, 4, 12), date(2032, 4, 6)]


def test_quiet_hours_hold_the_mail_not_the_bell(course, team, smtp):
    certify(team.done, course)
    late = datetime(2031, 3, 3, 14, 0)  # 22:00 in Shanghai

    send_due(late)

    assert [n.message for n in notices_of(team.done)] == ["refresh_due"]
    held = refreshes(team.done, "email")[0]
    assert (held.state, held.not_before) == ("held", datetime(2031, 3, 4, 0, 0))
    assert smtp.mailbox.messages == []

    send_due(datetime(2031, 3, 4, 0, 0))  # 08:00

    assert [m["Subject"] for m in smtp.mailbox.to("dan@example.com")] == ["Refresh due: Test Course"]
    assert len(refreshes(team.done, "email")) == 1


def test_a_refresh_reminder_cannot_be_turned_off_only_moved(course, team, smtp):
    certify(team.done, course)
    with pytest.raises(ValidationError):
        preferences.opt_out(db.session, team.done.id, Kind.REFRESH_DUE, Channel.EMAIL)
    # Moved off e-mail (as the preferences page stores it): the bell still tells the person.
    db.session.add(NotificationOptOut(user_id=team.done.id, kind="refresh_due", channel="email"))
    db.session.commit()

    send_due(T0)

    assert refreshes(team.done, "email")[0].state == "suppressed"
    assert smtp.mailbox.to("dan@example.com") == []
    assert [n.message for n in notices_of(team.done)] == ["refresh_due"]


def test_an_expired_certificate_nobody_was_told_of_says_so_a_long_expired_one_says_nothing(course, team,
                                                                                         smtp):
    certify(team.done, course, expires_at=T0 - timedelta(days=3))
    certify(team.ada, course, expires_at=T0 - timedelta(days=90))

    send_due(T0)

    assert [m["Subject"] for m in smtp.mailbox.to("dan@example.com")] == [
        "Your certificate of Test Course has expired"]
    assert refreshes(team.ada) == []


def test_a_deactivated_person_is_not_told(course, team):
    certify(team.done, course)
    team.done.active = False
    db.session.commit()

    send_due(T0)

    assert refreshes(team.done) == []


def test_a_dry_run_lists_them_and_claims_nothing(runner, course, team, smtp):
    certify(team.done, course)

    result = runner.invoke(args=["notifications", "send-due", "--now", "2031-03-03T02:00", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "1 sent on app" in result.output and "1 queued on email" in result.output
    assert "Refresh due: 2" in result.output
    assert deliveries() == [] and smtp.mailbox.messages == []


def test_planning_them_takes_the_same_queries_for_any_number_of_people(course, team, make_user):
    from tests.test_performance_queries import counting

    certify(team.done, course)

    def queries() -> int:
        with counting() as statements:
            report = delivery_service.send_due(db.session, T0, {}, dry_run=True)
        assert report.new[("sent", "app")] >= 1
        return len(statements)

    few = queries()
    for n in range(6):
        certify(make_user(full_name=f"More {n}", username=f"more{n}"), course)
    assert queries() == few
