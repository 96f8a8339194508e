"""services/reports/team.py's one pass: the team overview's special people, groups and funnel read in
one query give the same figures as HR's questions asked one at a time, and the questions are asked
one at a time whenever the one pass cannot answer them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from courseware.extensions import db
from courseware.models import Assignment, Department, Lesson, User
from courseware.services.catalog import published
from courseware.services.people import reporting
from courseware.services.reports import completion, team

TODAY = date(2026, 11, 25)


@pytest.fixture
def lead(company, make_user) -> User:
    """Ada, Bo and Di report to the lead, Cy through Max; Eve, outside the team, has done everything."""
    lead = make_user(username="lena", full_name="Lena Lead")
    middle = make_user(username="max", full_name="Max Middle")
    for person in (company.done, company.started, company.failed, middle):
        person.manager = lead
    company.idle.manager = middle
    make_user(username="eve", full_name="Eve Outside")
    db.session.commit()
    return lead


def figures(report: completion.Overview) -> tuple:
    departments = [(s.name, s.department_id, s.people, dict(s.counts), dict(s.due), s.percent_sum)
                   for s in report.departments]
    total = (report.total.name, report.total.people, dict(report.total.counts), report.total.percent_sum)
    return departments, total, report.funnel


def one_at_a_time(course, within, monkeypatch) -> tuple:
    with monkeypatch.context() as patched:
        patched.setattr(team, "one_pass", lambda *_args: None)
        return figures(team.overview(db.session, course, within, today=TODAY))


def special_names(once: team.OnePass) -> set[str]:
    return set(db.session.scalars(select(User.full_name).where(User.id.in_(once.special))))


def test_one_pass_gives_the_figures_of_the_questions_one_at_a_time(course, company, lead, monkeypatch):
    company.started.active = False  # a deactivated report leaves the figures
    db.session.commit()
    within = reporting.team(db.session, lead.id)
    once = team.one_pass(db.session, course, within)
    assert once is not None and special_names(once) == {"Ada Done"}  # her certificate
    report = team.overview(db.session, course, within, today=TODAY)
    assert figures(report) == one_at_a_time(course, within, monkeypatch)
    assert report.total.people == 4  # Ada, Cy, Di, Max
    assert [(f.opened, f.read, f.quiz_passed, f.completed) for f in report.funnel] == [(2, 2, 1, 1),
                                                                                    (1, 1, 0, 1)]


def test_assigned_people_are_read_one_by_one_in_the_one_pass(course, company, lead, monkeypatch):
    domestic = db.session.scalar(select(Department).where(Department.name == "Domestic Trade"))
    db.session.add_all([Assignment(course=course, department=domestic, due_on=TODAY - timedelta(days=1)),
                        Assignment(course=course, user=company.started, due_on=TODAY + timedelta(days=3))])
    db.session.commit()
    within = reporting.team_ids(lead.id)  # the recursive query itself, as the tests of /team pass it
    once = team.one_pass(db.session, course, within)
    assert once is not None and special_names(once) == {"Ada Done", "Bo Started", "Di Failed"}
    report = team.overview(db.session, course, within, today=TODAY)
    assert figures(report) == one_at_a_time(course, within, monkeypatch)
    by_name = {s.name: s for s in report.departments}
    assert by_name["Domestic Trade"].counts["overdue"] == 1 and report.total.people == 5


def test_an_assignment_naming_nobody_is_asked_one_question_at_a_time(course, company, lead, monkeypatch):
    # Neither a person nor a department: groups.special_people reads everyone one by one then.
    db.session.add(Assignment(course=course, due_on=TODAY - timedelta(days=1)))
    db.session.commit()
    within = reporting.team(db.session, lead.id)
    assert team.one_pass(db.session, course, within) is None
    report = team.overview(db.session, course, within, today=TODAY)
    assert figures(report) == one_at_a_time(course, within, monkeypatch)
    assert (report.total.people, report.total.counts["completed"]) == (5, 1)


def test_a_withdrawn_lesson_or_one_without_a_bit_is_asked_one_question_at_a_time(course, company, lead):
    within = reporting.team(db.session, lead.id)
    first, second = published.lessons(db.session, course)
    db.session.execute(text("DELETE FROM lesson_mask_bits WHERE lesson_id = :lesson"), {"lesson": second.id})
    assert team.one_pass(db.session, course, within) is None
    db.session.rollback()
    assert team.one_pass(db.session, course, within) is not None
    db.session.get(Lesson, first.id).published_revision_id = None
    db.session.commit()
    assert team.one_pass(db.session, course, within) is None
    report = team.overview(db.session, course, within, today=TODAY)
    assert [(f.opened, f.completed) for f in report.funnel] == [(1, 1)]  # the second lesson: Ada's
