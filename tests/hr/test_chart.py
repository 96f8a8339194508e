"""The overview's chart laid out in Python (courseware/hr/chart.py): bars in proportion to the
largest department, counts written where a segment is wide enough, the screen reader's text in the
page's language, and a legend of the states someone is in."""
from __future__ import annotations

import pytest
from flask_babel import refresh

from courseware.hr.chart import completion_chart
from courseware.services.reports.completion import DepartmentSummary


def summary(name: str, **counts: int) -> DepartmentSummary:
    department = DepartmentSummary(name=name, department_id=None)
    department.counts.update(counts)
    department.people = sum(counts.values())
    return department


@pytest.fixture
def departments() -> list[DepartmentSummary]:
    return [summary("Sales", complete=1200, in_progress=300, not_started=500),
            summary("Legal", complete=1, not_started=9)]


def test_each_bar_is_in_proportion_to_the_largest_department(app, departments):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        chart = completion_chart(departments)
    assert chart.largest == 2000
    sales, legal = chart.bars
    assert [(s.key, s.x, s.width, s.middle) for s in sales.segments] == [
        ("complete", 0.0, 60.0, 30.0), ("in_progress", 60.0, 15.0, 67.5), ("not_started", 75.0, 25.0, 87.5)]
    assert [(s.key, s.width, s.labelled) for s in legal.segments] == [
        ("complete", 0.05, False), ("not_started", 0.45, False)]
    assert [s.count for s in sales.segments] == ["1,200", "300", "500"]


def test_the_screen_readers_text_counts_every_state_in_the_pages_language(app, departments):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        sales, legal = completion_chart(departments).bars
    assert sales.people_text == "2,000 people" and legal.people_text == "10 people"
    assert sales.label == ("Sales: 1,200 complete, 0 complete for an earlier version, 0 refresh due, "
                           "0 expired, 300 in progress, 0 overdue, 500 not started.")
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        refresh()  # the test's app context holds the language the first request chose
        chinese = completion_chart(departments).bars[0]
    assert chinese.label.startswith("Sales") and "1,200" in chinese.label and "complete" not in chinese.label
    assert "2,000" in chinese.people_text and "people" not in chinese.people_text


def test_the_legend_names_only_the_states_someone_is_in(app, departments):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        chart = completion_chart(departments)
    assert chart.legend == (("complete", "Complete"), ("in_progress", "In progress"),
                            ("not_started", "Not started"))


def test_no_departments_make_an_empty_chart(app):
    with app.test_request_context("/"):
        chart = completion_chart([])
    assert chart.bars == () and chart.largest == 0 and chart.legend == ()
