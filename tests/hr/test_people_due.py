"""HR's people list, the Due column (issue 19): a person with an assignment shows its date and state,
one without says "No due date" and why (not assigned); the column filters and sorts."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from courseware.extensions import db
from courseware.models import Assignment
from courseware.services.reports import completion

NOW = datetime(2026, 12, 2, 4, 0)  # noon on 2 December 2026 in Shanghai


def _names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/hr/people/\d+[^"]*">([^<]+)</a>', page)


@pytest.fixture
def people(course, make_user, monkeypatch):
    monkeypatch.setattr(completion, "utcnow", lambda: NOW)
    late = make_user(full_name="Al Late", department="Domestic Trade")
    soon = make_user(full_name="Bo Soon", department="Domestic Trade")
    calm = make_user(full_name="Cy Calm", department="International Trade")
    make_user(full_name="Di Free", department="Finance Department")
    db.session.add_all([
        Assignment(course=course, user_id=late.id, due_on=date(2026, 11, 30)),
        Assignment(course=course, user_id=soon.id, due_on=date(2026, 12, 5)),
        Assignment(course=course, department_id=calm.department_id, due_on=date(2027, 3, 31)),
    ])
    db.session.commit()


def test_each_row_shows_its_due_date_and_state_or_says_there_is_none(hr, people):
    page = hr.get("/hr/people?course=test-course&role=manager").get_data(as_text=True)
    for state, day in (("overdue", "Overdue"), ("due_soon", "Due soon"), ("on_time", "On time")):
        assert f'<span class="badge due-{state}">{day}</span>' in page
    dates = re.findall(r'<span class="due-date"><span class="visually-hidden"> · </span>([^<]+)</span>', page)
    assert dates == ["30 November 2026", "5 December 2026", "31 March 2027"]
    # Nobody assigned Di Free the course: the cell says so and leads to the reason.
    row = re.search(r"Di Free</a>.*?</tr>", page, re.S).group(0)
    assert '<a class="due-none" href="#due-none-note">No due date</a>' in row
    assert 'id="due-none-note"' in page and "the course is not assigned to the person" in page
    assert 'href="/hr/assignments"' in page


def test_the_due_filter_keeps_one_state_and_the_people_with_none(hr, people):
    overdue = hr.get("/hr/people?course=test-course&role=manager&due=overdue").get_data(as_text=True)
    assert _names(overdue) == ["Al Late"]
    assert '<option value="overdue" selected>Overdue</option>' in overdue
    unassigned = hr.get("/hr/people?course=test-course&role=manager&due=none").get_data(as_text=True)
    assert _names(unassigned) == ["Di Free"]
    # The sort links keep the filter; the exports do not take it (they list the other filters' rows).
    assert re.search(r'class="sort-link" href="[^"]*due=none', unassigned)
    assert "export" not in " ".join(re.findall(r'href="([^"]*due=none[^"]*)"', unassigned))


def test_sorting_by_due_puts_the_soonest_first_and_no_date_last(hr, people):
    page = hr.get("/hr/people?course=test-course&role=manager&sort=due").get_data(as_text=True)
    assert _names(page) == ["Al Late", "Bo Soon", "Cy Calm", "Di Free"]


def test_an_unknown_due_filter_is_a_400(hr, people):
    response = hr.get("/hr/people?course=test-course&due=someday")
    assert response.status_code == 400
