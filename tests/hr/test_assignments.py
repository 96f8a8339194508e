"""Assignments: due dates for departments and people, newcomers included, shown to managers."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from courseware.extensions import db
from courseware.models import Assignment, Department
from courseware.models._time import utcnow
from courseware.services.errors import ValidationError
from courseware.services.people import assignments


def dept(name):
    return db.session.scalar(select(Department).where(Department.name == name))


def test_hr_assigns_a_course_to_a_department_with_a_due_date(hr, course, make_user):
    make_user(username="in.trade")
    due = (utcnow().date() + timedelta(days=30)).isoformat()
    response = hr.post("/hr/assignments", data={"course_id": course.id,
                                                "department_ids": [dept("International Trade").id],
                                                "due_on": due})
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    assert assignment.department.name == "International Trade" and assignment.due_on.isoformat() == due
    assert assignment.created_by_id == hr.user.id
    assert "International Trade" in hr.get("/hr/assignments").get_data(as_text=True)


def test_assigning_to_people_by_username(hr, course, make_user):
    make_user(username="wang.lei")
    response = hr.post("/hr/assignments", data={"course_id": course.id, "usernames": "wang.lei, nobody",
                                                "due_days": 14})
    assert response.status_code == 422
    assert "No account with username: nobody." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    hr.post("/hr/assignments", data={"course_id": course.id, "usernames": "wang.lei", "due_days": 14})
    assert db.session.scalar(select(Assignment)).user.username == "wang.lei"


@pytest.mark.parametrize("data,message", [
    ({}, "Choose at least one department or person."),
    ({"usernames": "x", "due_on": "2099-01-01", "due_days": 3}, "not both"),
    ({"usernames": "x"}, "not both"),
    ({"usernames": "x", "due_on": "2000-01-01"}, "in the past"),
])
def test_assignment_form_errors(hr, course, make_user, data, message):
    make_user(username="x")
    response = hr.post("/hr/assignments", data={"course_id": course.id, **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_someone_who_joins_later_gets_the_assignment_with_days_of_their_own(app, course, make_user):
    hr_user = make_user(role="hr")
    trade = dept("International Trade") or Department(name="International Trade")
    assignment = Assignment(course=course, department=trade, due_days=10, created_by=hr_user,
                            created_at=datetime(2026, 1, 1))
    db.session.add(assignment)
    db.session.commit()
    early = make_user(username="early")
    early.department_since = datetime(2025, 6, 1)
    late = make_user(username="late")
    late.department_since = datetime(2026, 3, 1)
    elsewhere = make_user(username="elsewhere", department="Finance Department")
    db.session.commit()
    due = assignments.DueDates(db.session)
    assert due.for_user(early, course.id).due_on == date(2026, 1, 11)
    assert due.for_user(late, course.id).due_on == date(2026, 3, 11)
    assert due.for_user(elsewhere, course.id) is None


def test_the_earliest_of_several_assignments_counts(app, course, make_user):
    person = make_user()
    db.session.add_all([
        Assignment(course=course, user=person, due_on=date(2027, 5, 1)),
        Assignment(course=course, department=person.department, due_on=date(2027, 3, 1)),
    ])
    db.session.commit()
    assert assignments.DueDates(db.session).for_user(person, course.id).due_on == date(2027, 3, 1)


def test_create_assignment_validates_days(app, course, make_user):
    person = make_user()
    with pytest.raises(ValidationError, match="between 1 and 730"):
        assignments.create_assignment(db.session, course=course, created_by=person, people=[person],
                                      due_days=0)


def fix_clock(monkeypatch, now: datetime) -> None:
    """The clock due dates are counted on (naive UTC)."""
    monkeypatch.setattr(assignments, "utcnow", lambda: now)


def test_the_manager_dashboard_shows_due_and_overdue(manager, course, monkeypatch):
    fix_clock(monkeypatch, datetime(2026, 12, 2, 4, 0))  # noon on 2 December in Shanghai
    db.session.add(Assignment(course=course, user_id=manager.user.id, due_on=date(2026, 12, 5)))
    db.session.commit()
    assert "Due soon: complete it by 5 December 2026 (in 3 days)" in manager.get("/").get_data(as_text=True)
    db.session.query(Assignment).update({"due_on": date(2026, 11, 30)})
    db.session.commit()
    page = manager.get("/").get_data(as_text=True)
    assert "Overdue: this course was due on 30 November 2026 (2 days ago)" in page


def test_a_due_date_ends_at_midnight_in_the_companys_zone_for_everyone(manager, course, monkeypatch):
    """Due on 5 December: due until 23:59 that day in Shanghai (15:59 UTC), overdue from 00:00 on the
    6th there, also for someone who reads times in London (where it is still the 5th)."""
    db.session.add(Assignment(course=course, user_id=manager.user.id, due_on=date(2026, 12, 5)))
    db.session.commit()
    fix_clock(monkeypatch, datetime(2026, 12, 5, 15, 59))
    assert "Due soon: complete it by 5 December 2026 (today)." in manager.get("/").get_data(as_text=True)

    fix_clock(monkeypatch, datetime(2026, 12, 5, 16, 0))
    overdue = "Overdue: this course was due on 5 December 2026 (1 day ago)."
    assert overdue in manager.get("/").get_data(as_text=True)
    manager.user.timezone = "Europe/London"
    db.session.commit()
    assert overdue in manager.get("/").get_data(as_text=True)


def test_days_to_complete_count_from_the_companys_day_of_the_assignment(app, course, make_user):
    person = make_user()
    # 17:00 UTC on 1 March is already 2 March in Shanghai: ten days later is 12 March.
    db.session.add(Assignment(course=course, user=person, due_days=10,
                              created_at=datetime(2026, 3, 1, 17, 0)))
    db.session.commit()
    assert assignments.DueDates(db.session).for_user(person, course.id).due_on == date(2026, 3, 12)


def test_removing_an_assignment(hr, course, make_user):
    person = make_user()
    assignment = Assignment(course=course, user=person, due_days=5)
    db.session.add(assignment)
    db.session.commit()
    assignment_id = assignment.id
    assert hr.post(f"/hr/assignments/{assignment_id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    assert hr.post(f"/hr/assignments/{assignment_id}/delete").status_code == 404
