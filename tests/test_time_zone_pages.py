"""What people see of time zones: times in their zone, the zone named once a page, the account's
zone saved or refused, the publish form's time read in the president's zone, HR's audit log and CSV
exports; in English and in Chinese."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import AuditEvent, FocusItem, LessonProgress, LessonRevision, QuizAttempt, User
from courseware.practice import common as practice_common
from courseware.services.catalog import published
from courseware.services.learning import quizzes
from tests.author.test_publishing import revise
from tests.conftest import read_lesson

ENGLISH, CHINESE = {"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}
SUBMITTED = datetime(2026, 12, 3, 11, 40)  # naive UTC: 19:40 in Shanghai, 11:40 in London (GMT)
RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def set_zone(user: User, name: str | None) -> None:
    db.session.get(User, user.id).timezone = name
    db.session.commit()


@pytest.fixture
def attempt(manager, course) -> QuizAttempt:
    """The manager's attempt at the first quiz, submitted at SUBMITTED."""
    lesson = published.lessons(db.session, course)[0]
    opened = quizzes.open_attempt(db.session, manager.user, lesson.quiz)
    quizzes.submit_attempt(db.session, manager.user, opened.id, RIGHT)
    record = db.session.get(QuizAttempt, opened.id)
    record.submitted_at = SUBMITTED
    db.session.commit()
    return record


# --- a time shown ----------------------------------------------------------------------------------

def test_a_quiz_submitted_at_1140_utc_shows_1940_to_a_reader_in_the_companys_zone(manager, attempt):
    page = text_of(manager.get(f"/attempts/{attempt.id}", headers=ENGLISH).get_data(as_text=True))
    assert "submitted 3 December 2026, 19:40" in page
    assert "Times are in China Standard Time (Asia/Shanghai)." in page
    assert page.count("Times are in") == 1
    chinese = text_of(manager.get(f"/attempts/{attempt.id}", headers=CHINESE).get_data(as_text=True))
    assert "2026年12月3日 19:40" in chinese
    assert "时间均为北京时间（Asia/Shanghai）。" in chinese


def test_a_reader_in_london_sees_london_time(manager, attempt):
    set_zone(manager.user, "Europe/London")
    page = text_of(manager.get(f"/attempts/{attempt.id}", headers=ENGLISH).get_data(as_text=True))
    assert "submitted 3 December 2026, 11:40" in page  # GMT in winter
    assert "Times are in United Kingdom Time (Europe/London)." in page
    chinese = text_of(manager.get(f"/attempts/{attempt.id}", headers=CHINESE).get_data(as_text=True))
    assert "2026年12月3日 11:40" in chinese and "时间均为英国时间（Europe/London）。" in chinese

    summer = db.session.get(QuizAttempt, attempt.id)
    summer.submitted_at = datetime(2026, 7, 3, 11, 40)
    db.session.commit()
    page = text_of(manager.get(f"/attempts/{attempt.id}", headers=ENGLISH).get_data(as_text=True))
    assert "submitted 3 July 2026, 12:40" in page  # BST


def test_a_page_without_times_names_no_zone(manager, course):
    page = manager.get("/account", headers=ENGLISH).get_data(as_text=True)
    assert "Times are in" not in page and "data-time-zone" not in page


# --- the account's time zone -----------------------------------------------------------------------

def test_the_account_page_offers_the_companys_zone_first(manager):
    page = manager.get("/account", headers=ENGLISH).get_data(as_text=True)
    options = re.findall(r'<option(?: selected)? value="([^"]*)">([^<]*)</option>', page)
    assert options[0] == ("", "Company default (Asia/Shanghai)")
    values = [value for value, _label in options]
    for name in ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Tokyo", "Europe/London",
                 "America/New_York"):
        assert name in values
    assert ("Europe/London", "United Kingdom Time (Europe/London)") in options
    assert '<option selected value="">' in page
    chinese = manager.get("/account", headers=CHINESE).get_data(as_text=True)
    assert "公司默认（Asia/Shanghai）" in chinese and "北京时间（Asia/Shanghai）" in chinese
    assert "时区" in chinese and "截止日期仍以公司所在时区（Asia/Shanghai）的日历日为准" in chinese


def test_a_person_saves_a_zone_and_goes_back_to_the_companys(manager):
    response = manager.post("/account/timezone", data={"timezone": "Europe/London"}, headers=ENGLISH)
    assert response.status_code == 302
    assert db.session.get(User, manager.user.id).timezone == "Europe/London"
    page = text_of(manager.get("/account", headers=ENGLISH).get_data(as_text=True))
    assert "Your time zone is saved: the site shows times in United Kingdom Time (Europe/London)." in page
    assert '<option selected value="Europe/London">' in manager.get("/account").get_data(as_text=True)

    manager.post("/account/timezone", data={"timezone": ""}, headers=CHINESE)
    assert db.session.get(User, manager.user.id).timezone is None
    page = text_of(manager.get("/account", headers=CHINESE).get_data(as_text=True))
    assert "时区已保存：网站将按北京时间（Asia/Shanghai）为您显示时间。" in page


@pytest.mark.parametrize("value", ["Mars/Olympus", "<script>", "Asia/Shanghai/../x", "x" * 80])
def test_an_unknown_zone_is_a_form_error_not_a_crash(manager, value):
    manager.post("/account/timezone", data={"timezone": "Asia/Tokyo"})
    response = manager.post("/account/timezone", data={"timezone": value}, headers=ENGLISH)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a time zone from the list." in page and "<script>" not in page
    assert db.session.get(User, manager.user.id).timezone == "Asia/Tokyo"  # unchanged
    chinese = manager.post("/account/timezone", data={"timezone": value}, headers=CHINESE)
    assert chinese.status_code == 422 and "请从列表中选择一个时区。" in chinese.get_data(as_text=True)


def test_a_form_without_a_zone_is_refused(manager):
    response = manager.post("/account/timezone", data={}, headers=ENGLISH)
    assert response.status_code == 422 and "Choose a time zone." in response.get_data(as_text=True)


# --- publishing at a time typed in the president's zone ------------------------------------------------

def test_publish_at_is_read_in_the_presidents_zone_and_stored_in_utc(president, course):
    second = published.lessons(db.session, course)[1]
    number = revise(president, second, "A text for later.")
    page = text_of(president.get(f"/author/lessons/{second.id}/publish", headers=ENGLISH)
                   .get_data(as_text=True))
    assert "Publish at" in page and "(UTC)" not in page
    assert "In your time zone: China Standard Time (Asia/Shanghai)." in page

    president.post(f"/author/lessons/{second.id}/schedule",
                   data={"number": number, "kind": "minor", "when": "2031-12-05T09:30"})
    revision = db.session.scalar(sa.select(LessonRevision).where(LessonRevision.lesson_id == second.id,
                                                                 LessonRevision.number == number))
    assert revision.scheduled_for == datetime(2031, 12, 5, 1, 30)
    page = text_of(president.get(f"/author/lessons/{second.id}/publish", headers=ENGLISH)
                   .get_data(as_text=True))
    assert "will be published at 5 December 2031, 09:30" in page

    set_zone(president.user, "Europe/London")  # summer time: UTC+1
    president.post(f"/author/lessons/{second.id}/schedule",
                   data={"number": number, "kind": "minor", "when": "2031-07-01T09:00"})
    db.session.refresh(revision)
    assert revision.scheduled_for == datetime(2031, 7, 1, 8, 0)
    chinese = text_of(president.get(f"/author/lessons/{second.id}/publish", headers=CHINESE)
                      .get_data(as_text=True))
    assert "2031年7月1日 09:00" in chinese
    assert "请按您的时区填写：英国时间（Europe/London）。" in chinese


# --- HR: the audit log and the exports ------------------------------------------------------------------

def test_the_audit_log_shows_local_times_and_names_the_zone(hr):
    db.session.add(AuditEvent(at=SUBMITTED, actor="li.hr", action="account.create", target="wang.wei"))
    db.session.commit()
    page = text_of(hr.get("/hr/audit", headers=ENGLISH).get_data(as_text=True))
    assert "3 December 2026, 19:40" in page and "UTC" not in page
    assert "Times are in China Standard Time (Asia/Shanghai)." in page
    chinese = text_of(hr.get("/hr/audit", headers=CHINESE).get_data(as_text=True))
    assert "2026年12月3日 19:40" in chinese and "时间均为北京时间（Asia/Shanghai）。" in chinese
    set_zone(hr.user, "America/New_York")
    page = text_of(hr.get("/hr/audit", headers=ENGLISH).get_data(as_text=True))
    assert "3 December 2026, 06:40" in page and "(America/New_York)" in page


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_csv_times_are_the_companys_and_the_header_says_so(hr, course, make_user):
    person = make_user(username="ada")
    lesson = published.lessons(db.session, course)[0]
    read_lesson(person, lesson)
    attempt = quizzes.open_attempt(db.session, person, lesson.quiz)
    quizzes.submit_attempt(db.session, person, attempt.id, RIGHT)
    db.session.get(QuizAttempt, attempt.id).submitted_at = SUBMITTED
    db.session.execute(sa.update(LessonProgress).where(LessonProgress.user_id == person.id)
                       .values(completed_at=SUBMITTED))
    db.session.commit()
    set_zone(hr.user, "Europe/London")  # a file is the same whoever downloads it

    progress = _csv(hr.get("/hr/export/progress.csv?q=ada", headers=ENGLISH))
    assert progress[0][8] == "completed_on (Asia/Shanghai)"
    assert progress[1][8] == "2026-12-03 19:40"
    attempts = _csv(hr.get("/hr/export/attempts.csv?q=ada", headers=ENGLISH))
    assert attempts[0][11] == "submitted_at (Asia/Shanghai)"
    assert attempts[1][11] == "2026-12-03 19:40"
    chinese = _csv(hr.get("/hr/export/progress.csv?q=ada", headers=CHINESE))
    assert chinese[0][8] == "完成时间（Asia/Shanghai）"


# --- practice days ---------------------------------------------------------------------------------------

def test_the_practice_day_is_the_persons(manager, monkeypatch):
    # 20:00 UTC on Wednesday 25 November: already Thursday in Shanghai, still Wednesday in London.
    monkeypatch.setattr(practice_common, "clock", lambda: datetime(2026, 11, 25, 20, 0))
    def today_page() -> str:
        return manager.get("/practice/today", headers=ENGLISH).get_data(as_text=True)

    assert "Thursday 26 November 2026" in today_page()
    set_zone(manager.user, "Europe/London")
    assert "Wednesday 25 November 2026" in today_page()


def test_a_persons_own_export_dates_things_by_their_day(manager, monkeypatch):
    db.session.add(FocusItem(user_id=manager.user.id, text="Answer the supplier", declined=True,
                             created_at=datetime(2026, 11, 25, 20, 0)))
    db.session.commit()

    def focus_dates() -> list[str]:
        rows = _csv(manager.get("/practice/export.csv", headers=ENGLISH))
        return [row[1] for row in rows[1:] if row[4] == "Answer the supplier"]

    assert focus_dates() == ["2026-11-26"]  # 04:00 on the 26th in Shanghai
    set_zone(manager.user, "Europe/London")
    assert focus_dates() == ["2026-11-25"]
