"""The line managers' weekly digest: from Monday 08:00 in the manager's zone, once per ISO week, by
mail in their language and in the bell; counts and names of their people; department heads without
line reports get their department's; nothing without an assignment; switched off from its link;
a fixed number of queries for any number of managers and people."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from courseware import jobs
from courseware.extensions import db
from courseware.models import Department, User
from courseware.services.notifications import deliveries as delivery_service
from courseware.services.notifications import digest
from tests.notifications.conftest import T0, assign, deliveries, notices_of

MONDAY = T0  # 2031-03-03 10:00 in Shanghai


def send_due(when: datetime, dry_run: bool = False):
    return jobs.send_notifications(when, dry_run=dry_run)


def digests(user, channel: str = "app"):
    return deliveries(user_id=user.id, channel=channel, kind="digest")


def plain(mail) -> str:
    return mail.get_body(("plain",)).get_content()


@dataclass
class Lines:
    mia: User  # manages Ada, Bo, Cy and Dan (International Trade); English
    wu: User   # manages Di (Domestic Trade); reads Chinese


@pytest.fixture
def lines(team, make_user) -> Lines:
    mia = make_user(full_name="Mia Manager", username="mia")
    wu = make_user(full_name="Wu Lead", username="wu", department="Domestic Trade")
    mia.email, wu.email, wu.locale = "mia@example.com", "wu@example.com", "zh_CN"
    for person in (team.ada, team.bo, team.cy, team.done):
        person.manager = mia
    team.di.manager = wu
    db.session.commit()
    return Lines(mia, wu)


def test_each_line_manager_gets_one_digest_a_week_from_monday_8_with_counts_and_names(course, team, lines,
                                                                                      smtp):
    assign(course, due_on=date(2031, 3, 6))  # International Trade, due in 3 days

    send_due(MONDAY)

    assert [(d.reason, d.due_on, d.link) for d in digests(lines.mia)] == [("digest", MONDAY.date(), "/team")]
    assert digests(lines.wu) == []  # nobody in Wu's team has a course assigned
    mail = smtp.mailbox.to("mia@example.com")[-1]
    assert mail["Subject"] == "Your team this week"
    text = plain(mail)
    assert ("Courses assigned to your people: 1 completed, 0 in progress, 3 not started, 0 overdue, "
            "0 refresh due.") in text
    assert "Overdue or due within 7 days:" in text
    for name in ("Ada Lin", "Bo Wang", "Cy Zhou"):
        assert f"• {name}: Test Course, due on" in text
    assert "Dan Done" not in text  # complete: counted, not named
    assert "https://courses.example.com/team" in text
    assert mail["List-Unsubscribe"].startswith("<https://courses.example.com/unsubscribe/")
    assert "weekly digest because people report to you" in text
    assert "<br>" in mail.get_body(("html",)).get_content()
    assert [n.message for n in notices_of(lines.mia) if n.kind == "digest"] == ["digest"]

    for later in (MONDAY, MONDAY + timedelta(hours=5), MONDAY + timedelta(days=3)):
        assert send_due(later).kinds["digest"] == 0
    subjects = [m["Subject"] for m in smtp.mailbox.to("mia@example.com")]
    assert len(digests(lines.mia)) == 1 and subjects.count("Your team this week") == 1

    send_due(MONDAY + timedelta(days=7))

    assert [d.due_on for d in digests(lines.mia)] == [date(2031, 3, 3), date(2031, 3, 10)]
    text = plain(smtp.mailbox.to("mia@example.com")[-1])
    assert "1 completed, 0 in progress, 0 not started, 3 overdue, 0 refresh due." in text
    assert "• Ada Lin: Test Course, overdue since" in text


def test_the_digest_is_in_the_manager_s_language(course, team, lines, smtp):
    assign(course, department="Domestic Trade", due_on=date(2031, 3, 20))

    send_due(MONDAY)

    assert digests(lines.mia) == []  # nothing assigned in International Trade
    mail = smtp.mailbox.to("wu@example.com")[-1]
    assert mail["Subject"] == "您团队的本周概况" and mail["Content-Language"] == "zh-CN"
    text = plain(mail)
    assert "您下属的指派课程：已完成 0，进行中 0，未开始 1，已逾期 0，待复训 0。" in text
    assert "目前没有人逾期，未来 7 天内也没有到期的课程。" in text


def test_nothing_before_monday_8_nor_at_the_weekend_a_late_week_catches_up_once(course, team, lines):
    assign(course, due_on=date(2031, 3, 20))

    send_due(datetime(2031, 3, 2, 23, 0))  # Monday 07:00 in Shanghai
    send_due(datetime(2031, 3, 1, 4, 0))   # Saturday noon
    assert digests(lines.mia) == []

    send_due(datetime(2031, 3, 6, 4, 0))  # Thursday noon: the site was down since
    send_due(datetime(2031, 3, 8, 4, 0))  # Saturday
    send_due(datetime(2031, 3, 9, 23, 30))  # the next Monday 07:30
    assert [d.due_on for d in digests(lines.mia)] == [date(2031, 3, 3)]

    send_due(datetime(2031, 3, 10, 0, 0))  # Monday 08:00
    assert [d.due_on for d in digests(lines.mia)] == [date(2031, 3, 3), date(2031, 3, 10)]


def test_monday_8_is_in_the_manager_s_own_zone(course, team, lines):
    assign(course, due_on=date(2031, 3, 20))
    lines.mia.timezone = "Europe/London"
    db.session.commit()

    send_due(datetime(2031, 3, 3, 7, 59))
    assert digests(lines.mia) == []

    send_due(datetime(2031, 3, 3, 8, 0))
    assert [d.due_on for d in digests(lines.mia)] == [date(2031, 3, 3)]


def test_quiet_hours_hold_a_late_digest_mail_until_8_not_the_bell(course, team, lines, smtp):
    assign(course, due_on=date(2031, 3, 20))

    send_due(datetime(2031, 3, 3, 14, 0))  # Monday 22:00 in Shanghai: the first run that day

    assert len(digests(lines.mia)) == 1
    held = digests(lines.mia, "email")[0]
    assert (held.state, held.not_before) == ("held", datetime(2031, 3, 4, 0, 0))
    assert smtp.mailbox.to("mia@example.com") == []

    send_due(datetime(2031, 3, 4, 0, 0))
    assert [m["Subject"] for m in smtp.mailbox.to("mia@example.com")] == [
        "New course for you: Test Course", "Your team this week"]


def test_a_department_head_without_line_reports_gets_the_department_s(course, team, lines, make_user, smtp):
    assign(course, due_on=date(2031, 3, 20))  # International Trade
    head = make_user(role="hr", full_name="Hu Head", username="hu", department="HR")
    plain_head = make_user(full_name="Pat Plain", username="pat", department="HR")
    sam = make_user(full_name="Sam Sub", username="sam", department="Trade Desk")
    head.email, plain_head.email = "hu@example.com", "pat@example.com"
    trade = db.session.scalar(sa.select(Department).where(Department.name == "International Trade"))
    domestic = db.session.scalar(sa.select(Department).where(Department.name == "Domestic Trade"))
    sam.department.parent = trade  # a department under International Trade
    trade.head_id, domestic.head_id = head.id, plain_head.id
    db.session.add(Department(name="Export", head_id=lines.mia.id))  # Mia has line reports as well
    db.session.commit()
    assign(course, user=sam, due_on=date(2031, 3, 20))

    send_due(MONDAY)

    link = f"/hr/people?department={trade.id}"
    assert [(d.due_on, d.link) for d in digests(head)] == [(MONDAY.date(), link)]
    mail = smtp.mailbox.to("hu@example.com")[-1]
    assert mail["Subject"] == "Your department this week"
    # Ada, Bo, Cy, Mia and Sam (the department under it) not started; Dan complete; not Wu nor Di.
    assert "1 completed, 0 in progress, 5 not started" in plain(mail)
    assert digests(plain_head) == []  # Domestic Trade has nothing assigned
    assert [d.link for d in digests(lines.mia)] == ["/team"]  # one digest: her team's


def test_a_manager_switches_the_digest_mail_off_from_its_link(client, course, team, lines, smtp):
    assign(course, due_on=date(2031, 3, 20))
    send_due(MONDAY)
    link = smtp.mailbox.to("mia@example.com")[-1]["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("https://courses.example.com")

    page = client.get(path).get_data(as_text=True)
    assert "Weekly digest of your people" in page
    done = client.post(path)
    assert done.status_code == 200
    assert "The weekly digest still appears under Notifications" in done.get_data(as_text=True)

    send_due(MONDAY + timedelta(days=7))

    assert [d.state for d in digests(lines.mia, "email")] == ["sent", "suppressed"]
    assert len(digests(lines.mia)) == 2  # the bell still has it
    assert [m["Subject"] for m in smtp.mailbox.to("mia@example.com")].count("Your team this week") == 1


def test_people_who_left_do_not_count_and_a_manager_of_none_gets_nothing(course, team, lines, smtp):
    assign(course, due_on=date(2031, 3, 20))
    lines.wu.manager = lines.mia  # Mia's team, through Wu, includes Di (nothing assigned)
    for person in (team.ada, team.bo, team.done):
        person.active = False
    team.cy.manager = None
    db.session.commit()

    send_due(MONDAY)

    # Mia's active team now: Wu and, through him, Di, both in Domestic Trade: nothing assigned.
    assert digests(lines.mia) == []


def test_a_digest_is_listed_by_a_dry_run(runner, course, team, lines):
    assign(course, due_on=date(2031, 3, 20))

    result = runner.invoke(args=["notifications", "send-due", "--now", "2031-03-03T02:00", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Weekly digest of your people: 1" in result.output  # in the bell (no mail configured)
    assert digests(lines.mia) == []


def test_the_week_of_a_moment():
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    assert digest.week_of(datetime(2031, 3, 3, 0, 0), shanghai) == date(2031, 3, 3)   # Mon 08:00
    assert digest.week_of(datetime(2031, 3, 2, 23, 59), shanghai) is None             # Mon 07:59
    assert digest.week_of(datetime(2031, 3, 7, 15, 59), shanghai) == date(2031, 3, 3)  # Fri 23:59
    assert digest.week_of(datetime(2031, 3, 7, 16, 0), shanghai) is None               # Saturday


def test_planning_digests_takes_the_same_queries_for_any_number_of_managers_and_people(course, team, lines,
                                                                                      make_user):
    from tests.test_performance_queries import counting

    assign(course, due_on=date(2031, 3, 6))

    def queries() -> int:
        with counting() as statements:
            report = delivery_service.send_due(db.session, MONDAY, {}, dry_run=True)
        assert report.kinds["digest"] >= 1
        return len(statements)

    few = queries()
    for n in range(4):
        boss = make_user(full_name=f"Boss {n}", username=f"boss{n}")
        for m in range(3):
            make_user(full_name=f"Report {n}-{m}", username=f"report{n}{m}").manager = boss
    db.session.commit()
    more = queries()
    assert more == few


def test_the_digest_in_the_bell_shows_its_lines_and_leads_to_the_team(client, course, team, lines):
    from tests.conftest import login

    assign(course, due_on=date(2031, 3, 6))
    send_due(MONDAY)
    login(client, "mia")

    page = client.get("/notifications").get_data(as_text=True)

    assert "Your team this week" in page
    assert "3 not started" in page and "• Bo Wang: Test Course, due on" in page
    notice = next(n for n in notices_of(lines.mia) if n.kind == "digest")
    opened = client.get(f"/notifications/{notice.id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/team")
    assert client.get("/team").status_code == 200


def test_hr_s_delivery_log_filters_digests_and_refreshes(hr, course, team, lines):
    assign(course, due_on=date(2031, 3, 6))
    send_due(MONDAY)

    page = hr.get("/hr/notifications?kind=digest").get_data(as_text=True)
    assert "Weekly digest of your people" in page and "Mia Manager" in page and "Ada Lin" not in page
    assert hr.get("/hr/notifications?kind=refresh_due").status_code == 200
