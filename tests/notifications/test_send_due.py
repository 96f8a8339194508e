"""`flask notifications send-due`: what is due at a moment, to whom, once. Assignment made; due in 7,
3 and 1 days; overdue, then weekly, at most 4 times; only to people not complete; quiet hours; a
second run at the same moment sends nothing new; a fixed number of queries for any number of people."""
from __future__ import annotations

import sys
import types
from datetime import date, datetime, timedelta

from courseware import jobs
from courseware.extensions import db
from courseware.services.catalog import published
from courseware.services.notifications import deliveries as delivery_service
from tests.conftest import read_lesson
from tests.notifications.conftest import T0, assign, complete, deliveries, notices_of


def send_due(when: datetime, dry_run: bool = False):
    return jobs.send_notifications(when, dry_run=dry_run)


def reasons(user, channel: str = "app") -> list[str]:
    return [d.reason.split(".", 1)[1] for d in deliveries(user_id=user.id, channel=channel)]


def test_an_assignment_reaches_each_person_not_complete_once_in_the_bell_and_by_mail(course, team, smtp):
    assign(course, due_on=date(2031, 3, 6))  # due in 3 days

    report = send_due(T0)

    for person in (team.ada, team.bo, team.cy):
        assert reasons(person) == ["assigned"]
        assert [n.message for n in notices_of(person)] == ["assigned"]
    assert reasons(team.done) == [] and reasons(team.di) == []
    assert sorted(m["To"] for m in smtp.mailbox.messages) == ["ada@example.com", "bo@example.com"]
    assert report.outcomes["sent"] == 2
    assert {(d.state, d.attempts) for d in deliveries(channel="email")} == {("sent", 1)}

    again = send_due(T0)

    assert sum(again.new.values()) == 0 and again.already == report.already + sum(report.new.values())
    assert len(smtp.mailbox.messages) == 2 and len(notices_of(team.ada)) == 1


def test_due_in_7_3_and_1_days_then_overdue_weekly_at_most_4_times(course, team):
    assign(course, due_on=date(2031, 3, 13))  # ten days after T0 (10:00 in Shanghai each day)
    for day in range(0, 45):
        send_due(T0 + timedelta(days=day))

    assert reasons(team.ada) == ["assigned", "due-7", "due-3", "due-1", "overdue-1", "overdue-2",
                                 "overdue-3", "overdue-4"]
    sent_on = [d.created_at.date() for d in deliveries(user_id=team.ada.id, channel="app")]
    assert sent_on == [date(2031, 3, 3), date(2031, 3, 6), date(2031, 3, 10), date(2031, 3, 12),
                       date(2031, 3, 14), date(2031, 3, 21), date(2031, 3, 28), date(2031, 4, 4)]
    assert reasons(team.done) == []


def test_a_course_completed_meanwhile_stops_the_reminders(course, team):
    assign(course, due_on=date(2031, 3, 13))
    send_due(T0)
    complete(team.ada, course)

    send_due(T0 + timedelta(days=3))

    assert reasons(team.ada) == ["assigned"]
    assert reasons(team.bo) == ["assigned", "due-7"]


def test_a_reminder_due_the_day_it_was_assigned_is_not_sent_as_well(course, team):
    """Assigned 5 days before its date: the assignment says it; the next reminder is at 3 days."""
    assign(course, due_on=date(2031, 3, 8))
    send_due(T0)
    send_due(T0 + timedelta(days=1))
    assert reasons(team.ada) == ["assigned"]

    send_due(T0 + timedelta(days=2))
    assert reasons(team.ada) == ["assigned", "due-3"]


def test_a_newcomer_to_an_assigned_department_gets_the_assignment_when_they_join(course, team, make_user):
    assign(course, due_days=30)
    send_due(T0)
    newcomer = make_user(full_name="Eve New", username="eve")
    newcomer.department_since = T0 + timedelta(days=40)
    db.session.commit()

    send_due(T0 + timedelta(days=40, hours=1))

    assert reasons(newcomer) == ["assigned"]
    assert deliveries(user_id=newcomer.id)[0].due_on == date(2031, 5, 12)  # 30 days after joining


def test_quiet_hours_hold_mail_until_8_in_the_recipients_zone_but_not_the_bell(course, team, smtp):
    assign(course, due_on=date(2031, 3, 20))
    late = datetime(2031, 3, 3, 14, 0)  # 22:00 in Shanghai

    send_due(late)

    assert [n.message for n in notices_of(team.ada)] == ["assigned"]
    held = deliveries(user_id=team.ada.id, channel="email")[0]
    assert (held.state, held.not_before, held.held_until) == ("held", datetime(2031, 3, 4, 0, 0),
                                                              datetime(2031, 3, 4, 0, 0))
    assert smtp.mailbox.messages == []

    send_due(datetime(2031, 3, 3, 23, 59))  # 07:59: still quiet
    assert smtp.mailbox.messages == []

    send_due(datetime(2031, 3, 4, 0, 0))  # 08:00
    assert sorted(m["To"] for m in smtp.mailbox.messages) == ["ada@example.com", "bo@example.com"]
    sent = deliveries(user_id=team.ada.id, channel="email")[0]
    assert (sent.state, sent.held_until, sent.sent_at) == ("sent", datetime(2031, 3, 4), datetime(2031, 3, 4))


def test_the_company_time_zone_decides_the_day_and_the_quiet_hours(app, course, team, smtp):
    app.config["COMPANY_TIMEZONE"] = "Europe/London"
    assign(course, due_on=date(2031, 3, 20))

    send_due(datetime(2031, 3, 3, 6, 0))  # 06:00 in London, 14:00 in Shanghai

    assert deliveries(user_id=team.ada.id, channel="email")[0].state == "held"


def test_a_dry_run_counts_and_claims_nothing(course, team, smtp):
    assign(course, due_on=date(2031, 3, 6))

    report = send_due(T0, dry_run=True)

    assert report.new[("sent", "app")] == 3 and report.new[("queued", "email")] == 2
    assert deliveries() == [] and smtp.mailbox.messages == []


def test_a_new_or_materially_revised_lesson_reaches_everyone_who_started_the_course(course, team,
                                                                                    president, smtp):
    from courseware.services.authoring import publishing
    from tests.author.conftest import editor_data

    second = published.lessons(db.session, course)[1]
    response = president.post(f"/author/lessons/{second.id}/edit",
                              data=editor_data(second, source="A new text of the lesson."))
    assert response.status_code == 303
    number = second.revisions_in("en")[-1].number
    publishing.publish(db.session, second, number, material=True, now=T0 - timedelta(hours=1))
    started = {team.done.id}  # only the person who completed it has opened the course
    read_lesson(team.ada, published.lessons(db.session, course)[0])
    started.add(team.ada.id)

    send_due(T0)

    told = {d.user_id for d in deliveries(kind="new_lesson", channel="app")}
    assert told == started
    mail = smtp.mailbox.to("ada@example.com")[0]
    assert mail["Subject"] == "Lesson updated: The second lesson" and "List-Unsubscribe" in mail


def test_what_is_due_takes_the_same_queries_for_any_number_of_people(course, team, make_user):
    from tests.test_performance_queries import counting

    assign(course, due_on=date(2031, 3, 6))

    def queries() -> int:
        with counting() as statements:
            delivery_service.send_due(db.session, T0, {}, dry_run=True)
        return len(statements)

    few = queries()
    for n in range(12):
        make_user(full_name=f"More {n}", username=f"more{n}")
    assert queries() == few


def test_flask_notifications_send_due_at_a_moment(runner, course, team, smtp):
    """As in the issue: assigned due in 3 days, then a run four days later: one overdue mail each."""
    assign(course, due_on=date(2031, 3, 6))
    send_due(T0)

    first = runner.invoke(args=["notifications", "send-due", "--now", "2031-03-07T02:00"])
    second = runner.invoke(args=["notifications", "send-due", "--now", "2031-03-07T02:00"])

    assert first.exit_code == 0, first.output
    assert "3 sent on app" in first.output and "2 queued on email" in first.output
    assert "Sent now: 2; failed (retried later): 0." in first.output
    assert "0 new message(s) claimed, 10 claimed before." in second.output  # the assignment too
    assert [m["Subject"] for m in smtp.mailbox.to("ada@example.com")] == [
        "New course for you: Test Course", "Test Course is overdue"]


def test_a_person_s_own_time_zone_comes_from_courseware_timezones_when_the_site_has_it(course, team, smtp,
                                                                                      monkeypatch):
    from zoneinfo import ZoneInfo

    from courseware.services.notifications import zones

    timezones = types.ModuleType("courseware.timezones")
    timezones.zone_of = lambda user: ZoneInfo("America/New_York" if user.username == "ada"
                                              else "Asia/Shanghai")
    monkeypatch.setitem(sys.modules, "courseware.timezones", timezones)
    zones._zone_of.cache_clear()
    assign(course, due_on=date(2031, 3, 20))
    try:
        send_due(T0)  # 10:00 in Shanghai, 21:00 the evening before in New York
    finally:
        zones._zone_of.cache_clear()

    assert deliveries(user_id=team.ada.id, channel="email")[0].state == "held"
    assert deliveries(user_id=team.bo.id, channel="email")[0].state == "sent"
