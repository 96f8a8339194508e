"""What HR and the president see: counts and rates by department, retention per lesson, no text."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from courseware.extensions import db
from courseware.models import DailyEntry, Department, FollowUpCheck, Goal, Reflection
from courseware.services.reports.participation import participation
from tests.practice.conftest import NOW, TODAY

SECRETS = ["SECRET-GOAL", "SECRET-PLAN", "SECRET-SUMMARY", "SECRET-REFLECTION", "SECRET-MEASURE"]


def goal(user, *, done=False, deleted=False, title="SECRET-GOAL") -> Goal:
    item = Goal(
        user_id=user.id,
        title=title,
        measure="SECRET-MEASURE",
        starts_on=date(2026, 7, 1),
        target_on=date(2026, 12, 31),
        done_at=NOW if done else None,
        deleted_at=NOW if deleted else None,
    )
    db.session.add(item)
    return item


def day(user, offset: int, *, planned=True, summarized=False) -> None:
    db.session.add(
        DailyEntry(
            user_id=user.id,
            day=TODAY - timedelta(days=offset),
            most_important="SECRET-PLAN" if planned else None,
            planned_at=NOW if planned else None,
            done="SECRET-SUMMARY" if summarized else None,
            summarized_at=NOW if summarized else None,
        )
    )


def check(user, lesson, stage, correct, questions=2, skipped=False) -> None:
    db.session.add(
        FollowUpCheck(
            user_id=user.id,
            lesson_id=lesson.id,
            stage=stage,
            due_on=TODAY,
            skipped=skipped,
            correct_count=correct,
            question_count=0 if skipped else questions,
        )
    )


@pytest.fixture
def company(make_user, lessons, hr):
    """International Trade: Ada (goal, 3 days planned, 2 summarized), Bo (only a done and a deleted
    goal; 1 day planned), Cy (nothing), Dee (inactive: not counted). Domestic Trade: Di (goal; a day
    summarized without a plan). Human Resources: the HR viewer."""
    ada, bo = make_user(username="ada"), make_user(username="bo")
    make_user(username="cy")
    dee = make_user(username="dee", active=False)
    di = make_user(username="di", department="Domestic Trade")
    goal(ada)
    goal(bo, done=True)
    goal(bo, deleted=True)
    goal(dee)
    goal(di)
    day(ada, 0, summarized=True)
    day(ada, 1, summarized=True)
    day(ada, 29)
    day(ada, 30, summarized=True)  # outside the 30 days
    day(bo, 5)
    day(dee, 0, summarized=True)
    day(di, 2, planned=False, summarized=True)
    first = lessons[0]
    db.session.add(
        Reflection(user_id=ada.id, lesson_id=first.id, prompt="Q", answer="SECRET-REFLECTION", shared_at=NOW)
    )
    check(ada, first, 30, 1)
    check(bo, first, 30, 2)
    check(di, first, 30, 0, skipped=True)
    check(ada, first, 90, 2)
    db.session.commit()
    return first


def figures(row) -> tuple:
    return (
        row.people,
        row.with_goals,
        row.goals_rate,
        row.planning,
        row.planned_days,
        row.planned_rate,
        row.summarized_days,
        row.summarized_rate,
    )


def test_counts_by_department_computed_by_hand(company):
    report = participation(db.session, TODAY)
    rows = {row.name: figures(row) for row in report.departments}
    assert rows == {
        "Domestic Trade": (1, 1, 100, 0, 0, 0, 1, 3),
        "Human Resources": (1, 0, 0, 0, 0, 0, 0, 0),
        "International Trade": (3, 1, 33, 2, 4, 4, 2, 2),
    }
    assert figures(report.total) == (5, 2, 40, 2, 4, 3, 3, 2)
    assert (report.since, report.until) == (TODAY - timedelta(days=29), TODAY)


def test_retention_per_lesson_and_stage(company):
    [lesson] = participation(db.session, TODAY).retention
    thirty, ninety = lesson.stages[30], lesson.stages[90]
    assert (thirty.answered, thirty.skipped, thirty.questions, thirty.correct, thirty.retention) == (
        2,
        1,
        4,
        3,
        75,
    )
    assert (ninety.answered, ninety.skipped, ninety.retention) == (1, 0, 100)
    domestic = db.session.query(Department).filter_by(name="Domestic Trade").one()
    [lesson] = participation(db.session, TODAY, domestic.id).retention
    assert (lesson.stages[30].answered, lesson.stages[30].skipped, lesson.stages[30].retention) == (
        0,
        1,
        None,
    )
    assert 90 not in lesson.stages


def test_the_page_shows_figures_and_no_text_anyone_wrote(company, hr, signed_in):
    for reader in (hr, signed_in("president")):
        response = reader.get("/practice/participation")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "International Trade" in page and "75%" in page
        for secret in SECRETS:
            assert secret not in page
    assert signed_in("manager").get("/practice/participation").status_code == 403


def test_an_unknown_department_filter_is_not_found(company, hr):
    assert hr.get("/practice/participation?department=99999").status_code == 404


def test_the_participation_page_lights_reports_in_the_main_navigation(company, hr):
    """An HR page: the header's navigation marks "Reports" as the current section, not "Practice"."""
    page = hr.get("/practice/participation").get_data(as_text=True)
    current = [line for line in page.splitlines() if 'aria-current="page"' in line and "<li><a" in line]
    assert current and all(">Reports</a>" in line for line in current), current
    today = hr.get("/practice/today").get_data(as_text=True)
    assert any(">Practice</a>" in line for line in today.splitlines() if 'aria-current="page"' in line)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_percentages_are_written_one_way_in_each_language(language, company, hr):
    """"75%" in English and in Chinese, as the `percent` filter writes it everywhere: never "75 %"."""
    page = hr.get("/practice/participation", headers={"Accept-Language": language}).get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", page)
    assert re.search(r"\b75%", text)
    assert not re.search(r"\d\s+%", text), re.findall(r".{20}\d\s+%.{5}", text)
