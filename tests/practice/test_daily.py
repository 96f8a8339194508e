"""The daily to-do and summary, the 12-week calendar and the streak."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from courseware.extensions import db
from courseware.models import DailyEntry
from courseware.services.practice import daily as practice_daily
from courseware.services.practice.common import InvalidFields
from courseware.services.practice.daily import streaks
from courseware.timezones import local_today, zone_named
from tests.practice.conftest import NOW, TODAY, form_errors

MON = date(2026, 11, 23)  # TODAY is the Wednesday after


def days(*offsets: int) -> set[date]:
    return {MON + timedelta(days=n) for n in offsets}


def test_plan_and_summary_are_kept_per_day(make_user):
    user = make_user()
    practice_daily.save_plan(
        db.session, user, TODAY, most_important=" Call   Mr Li ", do_well="The offer", goal_id=None, now=NOW
    )
    practice_daily.save_summary(
        db.session, user, TODAY, done="Called.\r\nOffer sent.", learned="", tomorrow="Follow up", now=NOW
    )
    entry = practice_daily.entry_for(db.session, user, TODAY)
    assert (entry.most_important, entry.do_well, entry.done, entry.learned) == (
        "Call Mr Li",
        "The offer",
        "Called.\nOffer sent.",
        None,
    )
    assert entry.planned_at == entry.summarized_at == NOW
    practice_daily.save_plan(
        db.session,
        user,
        TODAY,
        most_important="Call Mr Wang",
        do_well="",
        goal_id=None,
        now=NOW + timedelta(hours=2),
    )
    assert entry.most_important == "Call Mr Wang" and entry.planned_at == NOW  # first planned, kept
    assert db.session.query(DailyEntry).count() == 1
    assert (
        practice_daily.previous_tomorrow(db.session, user, TODAY + timedelta(days=1)).tomorrow == "Follow up"
    )


def test_empty_and_over_long_entries_are_refused(make_user):
    user = make_user()
    with pytest.raises(InvalidFields) as raised:
        practice_daily.save_plan(
            db.session, user, TODAY, most_important="", do_well="x" * 301, goal_id=99, now=NOW
        )
    assert raised.value.errors == {
        "most_important": "Write the most important thing to do today.",
        "do_well": "This line is too long: at most 300 characters (it has 301).",
        "goal_id": "Choose one of your goals in progress, or none.",
    }
    with pytest.raises(InvalidFields) as raised:
        practice_daily.save_summary(
            db.session, user, TODAY, done="  \n ", learned="y" * 2001, tomorrow="", now=NOW
        )
    assert raised.value.errors == {
        "done": "Write what you did today, even in one line.",
        "learned": "This answer is too long: at most 2,000 characters (it has 2,001).",
    }
    assert practice_daily.entry_for(db.session, user, TODAY) is None


@pytest.mark.parametrize(
    ("written", "today", "current"),
    [
        (set(), 2, 0),
        (days(2), 2, 1),  # today counts as soon as it is written
        (days(0, 1), 2, 2),  # ... and until then the streak runs to yesterday
        (days(0, 2), 2, 1),  # a missed working day ends it
        (days(-3, 0, 1), 2, 3),  # Friday, then Monday: the weekend does not break it
        (days(-3, -2, 0), 2, 0),  # nothing since Monday, a working day, and it is Wednesday
        (days(-3, -2, -1, 0, 1), 2, 5),  # weekend days count when used
        (days(-10), 2, 0),
    ],
    ids=["nothing", "today", "up-to-yesterday", "gap", "weekend", "lapsed", "weekend-used", "long-ago"],
)
def test_streak(written, today, current):
    assert streaks(written, MON + timedelta(days=today)).current == current


def test_longest_streak():
    # Friday, then Monday to Thursday (the weekend skipped): 5; a gap; Monday; a gap; Wednesday.
    assert streaks(days(-10, -7, -6, -5, -4, 0, 2), MON + timedelta(days=2)) == practice_daily.Streak(1, 5)


def test_calendar_has_twelve_weeks_of_monday_to_sunday(make_user):
    user = make_user()
    for offset, planned, summarized in ((0, True, True), (-1, True, False), (-30, False, True)):
        db.session.add(
            DailyEntry(
                user_id=user.id,
                day=TODAY + timedelta(days=offset),
                planned_at=NOW if planned else None,
                summarized_at=NOW if summarized else None,
            )
        )
    db.session.commit()
    cal = practice_daily.calendar(db.session, user, TODAY)
    assert len(cal.weeks) == 12 and all(len(week) == 7 for week in cal.weeks)
    assert cal.first == date(2026, 9, 7) and cal.first.weekday() == 0
    states = {d.day: d.state for week in cal.weeks for d in week}
    assert states[TODAY] == "both" and states[TODAY - timedelta(days=1)] == "planned"
    assert (
        states[TODAY - timedelta(days=30)] == "summarized" and states[TODAY + timedelta(days=1)] == "future"
    )
    assert (cal.planned, cal.summarized) == (2, 2)


def test_the_today_page_plans_and_summarizes(manager, clock):
    page = manager.get("/practice/today").get_data(as_text=True)
    assert "Plan or summarize a day to start a streak." in page
    response = manager.post(
        "/practice/today/plan", data={"most_important": "Close the Li deal", "do_well": ""}
    )
    assert response.status_code == 303
    response = manager.post(
        "/practice/today/summary", data={"done": "Closed <b>it</b>", "tomorrow": "Invoice"}
    )
    assert response.status_code == 303
    page = manager.get("/practice/today").get_data(as_text=True)
    assert "Streak: <strong>1 day</strong>" in page
    assert "Closed &lt;b&gt;it&lt;/b&gt;" in page and "<b>it</b>" not in page
    clock.move(days=1)
    page = manager.get("/practice/today").get_data(as_text=True)
    assert "you wrote for the next day:" in page and "Invoice" in page


def test_the_calendar_reads_out_each_day(manager, clock):
    manager.post("/practice/today/plan", data={"most_important": "Close the Li deal"})
    page = manager.get("/practice/today").get_data(as_text=True)
    table = page.split('<table class="practice-calendar">')[1].split("</table>")[0]
    assert "<caption" in table and table.count('<th scope="row">') == 12 and table.count("<td") == 84
    assert 'aria-current="date"' in table
    assert re.search(
        r'<a href="/practice/days/2026-11-25">.*Wednesday 25 November: planned</span></a>', table
    )
    assert "Tuesday 24 November: nothing written" in table
    assert "Sunday 29 November: still to come" in table


def test_an_empty_plan_comes_back_with_an_error(manager, clock):
    response = manager.post("/practice/today/plan", data={"most_important": "   "})
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == ["Write the most important thing to do today."]


def test_past_days_can_be_read_not_future_ones(manager, clock):
    manager.post("/practice/today/summary", data={"done": "Met the Tax-free team"})
    clock.move(days=2)
    page = manager.get("/practice/days/2026-11-25").get_data(as_text=True)
    assert "Met the Tax-free team" in page and "Not planned." in page
    assert manager.get("/practice/days/2026-11-30").status_code == 404
    assert manager.get("/practice/days/not-a-date").status_code == 404
    assert manager.get("/practice/days/2026-11-27").status_code == 302  # today: the editable page


def test_the_day_is_the_companys_not_the_servers():
    shanghai = zone_named("Asia/Shanghai")
    assert local_today(shanghai, datetime(2026, 11, 24, 15, 59)) == date(2026, 11, 24)
    assert local_today(shanghai, datetime(2026, 11, 24, 16, 0)) == date(2026, 11, 25)  # 00:00 there


def test_a_wrong_time_zone_stops_the_app_at_start(monkeypatch, database):
    from courseware import create_app

    monkeypatch.delenv("COMPANY_TIMEZONE", raising=False)
    monkeypatch.setenv("PRACTICE_TIMEZONE", "Mars/Olympus")  # the deprecated name still counts
    with pytest.raises(RuntimeError, match="PRACTICE_TIMEZONE='Mars/Olympus' is not a time zone name"):
        create_app({"TESTING": True, **database})
