"""Assignments: due dates for departments and people, newcomers included, shown to managers."""
from __future__ import annotations

import re
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


def sub_department(name: str, parent: str) -> Department:
    department = Department(name=name, parent=dept(parent) or Department(name=parent))
    db.session.add(department)
    db.session.commit()
    return department


def test_ticking_a_department_includes_its_sub_departments(hr, course, make_user):
    make_user(username="in.trade")
    east = sub_department("Trade East", "International Trade")
    north = sub_department("Trade East North", "Trade East")
    page = hr.get("/hr/assignments").get_data(as_text=True)
    # A tree of checkboxes, each sub-department below its parent.
    tree = re.search(r'<ul class="department-tree" data-department-tree>.*?</fieldset>', page, re.S).group(0)
    parent = dept("International Trade").id
    assert f'id="department-{parent}"' in tree and tree.index(f'"department-{parent}"') < tree.index(
        f'"department-{east.id}"') < tree.index(f'"department-{north.id}"')
    assert "(and its 1 sub-department)" in tree
    response = hr.post("/hr/assignments", data={"course_id": course.id, "department_ids": [parent],
                                                "due_days": 20})
    assert response.status_code == 302
    assigned = set(db.session.scalars(select(Department.name).join(Assignment.department)))
    assert assigned == {"International Trade", "Trade East", "Trade East North"}
    assert "(3 assignments)" in hr.get("/hr/assignments").get_data(as_text=True)


def test_a_form_sent_back_shows_the_sub_departments_of_a_ticked_one_ticked(hr, course, make_user):
    make_user(username="in.trade")
    east = sub_department("Trade East", "International Trade")
    response = hr.post("/hr/assignments", data={"course_id": course.id, "due_days": 0,
                                                "department_ids": [dept("International Trade").id]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(rf'value="{east.id}" id="department-{east.id}" checked', page)


def test_people_are_found_by_name_username_or_department_and_ticked(hr, course, make_user):
    wang = make_user(username="wang.lei", full_name="Wang Lei", department="Finance Department")
    make_user(username="liu.fang", full_name="Liu Fang", department="Finance Department")
    make_user(username="zhou.ming", full_name="Zhou Ming", department="International Trade")
    gone = make_user(username="wang.gone", full_name="Wang Gone")
    gone.active = False
    db.session.commit()
    # Without script: a search in the address, or the form's "Find" button.
    found = hr.get("/hr/assignments?q=WANG").get_data(as_text=True)
    assert "1 person found for “WANG”" in found and f'name="user_ids" value="{wang.id}"' in found
    assert "Wang Gone" not in found
    by_department = hr.post("/hr/assignments", data={
        "find": "1", "q": "finance", "course_id": course.id, "user_ids": [wang.id], "due_days": "14",
        "department_ids": [dept("International Trade").id]})
    page = by_department.get_data(as_text=True)
    assert by_department.status_code == 200 and db.session.scalar(select(func.count(Assignment.id))) == 0
    # What was chosen stays chosen (the person ticked, the department, the days); matches add to it.
    assert re.search(rf'value="{wang.id}" id="person-{wang.id}" checked', page)
    assert "1 person found for “finance”" in page and "Liu Fang" in page and "Zhou Ming" not in page
    trade = dept("International Trade").id
    assert 'value="14"' in page and re.search(rf'id="department-{trade}" checked', page)
    nobody = hr.get("/hr/assignments?q=nobody-at-all").get_data(as_text=True)
    assert "Nobody else found for “nobody-at-all”." in nobody
    hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [wang.id], "due_days": 14})
    assert db.session.scalar(select(Assignment)).user.username == "wang.lei"


def test_a_person_chosen_beforehand_comes_ticked(hr, make_user):
    person = make_user(username="wang.lei", full_name="Wang Lei")
    page = hr.get(f"/hr/assignments?user={person.id}").get_data(as_text=True)
    assert re.search(rf'value="{person.id}" id="person-{person.id}" checked', page)
    assert "1 person chosen (untick to leave out):" in page


def test_a_search_treats_wildcards_as_text(hr, make_user):
    make_user(username="a_b", full_name="Under Score")
    make_user(username="axb", full_name="Not Matched")
    page = hr.get("/hr/assignments?q=a_b").get_data(as_text=True)
    assert "Under Score" in page and "Not Matched" not in page


def test_someone_no_longer_active_is_refused_by_name(hr, course, make_user):
    person = make_user(username="left", full_name="Has Left")
    person.active = False
    db.session.commit()
    response = hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [person.id],
                                                "due_days": 14})
    assert response.status_code == 422
    assert "no longer has an active account: Has Left" in response.get_data(as_text=True)
    unknown = hr.post("/hr/assignments", data={"course_id": course.id, "department_ids": [99999],
                                               "due_days": 14})
    assert unknown.status_code == 422
    assert "A department chosen no longer exists" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("data,message,field", [
    ({}, "Choose at least one department or person.", "department_ids"),
    ({"due_on": "2099-01-01", "due_days": 3}, "not both", "due_on"),
    ({"person": 1}, "not both", "due_on"),
    ({"due_on": "2000-01-01"}, "in the past", "due_on"),
    ({"due_on": "2027-02-30"}, "Enter the due date as a day, for example 2027-03-31.", "due_on"),
    ({"due_on": "tomorrow"}, "Enter the due date as a day, for example 2027-03-31.", "due_on"),
    ({"due_days": "0"}, "Number must be between 1 and 730.", "due_days"),
])
def test_assignment_form_errors(hr, course, make_user, data, message, field):
    person = make_user(username="x")
    data = {"course_id": course.id, **data}
    if "due_on" in data or "due_days" in data or data.pop("person", None):
        data["user_ids"] = [person.id]
    response = hr.post("/hr/assignments", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # One summary atop the form, focused by the page's script, each message a link to its field.
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert f'<a href="#{field}">' in summary and message in summary
    assert f'id="{field}"' in page
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_the_assignments_table_scrolls_in_its_own_box(hr, course, make_user):
    person = make_user(username="wang.lei")
    hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [person.id], "due_days": 14})
    page = hr.get("/hr/assignments").get_data(as_text=True)
    assert re.search(r'<div class="table-wrap" role="region" aria-label="Current assignments" '
                     r'tabindex="0">\s*<table class="data-table">', page)


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
