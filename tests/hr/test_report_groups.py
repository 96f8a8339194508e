"""The overview counts most people in groups (reports.groups) and the rest one by one: the figures are
the same as counting everyone one by one, with certificates, assignments, a team and a lesson
withdrawn after people opened it (then the progress totals are not used)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import literal, select

from courseware.extensions import db
from courseware.models import Assignment, Department, Lesson, User
from courseware.services.catalog import published
from courseware.services.people import reporting
from courseware.services.reports import completion, groups, totals

TODAY = date(2026, 11, 25)


def one_by_one(course, within=None) -> dict:
    summaries: dict[int | None, completion.DepartmentSummary] = {}
    for row in completion.person_rows(db.session, course, completion.Filters(within=within), today=TODAY,
                                      with_activity=False):
        summary = summaries.setdefault(row.department_id,
                                       completion.DepartmentSummary(row.department, row.department_id))
        summary.add(row)
    return {key: (s.name, s.people, s.counts, s.due, s.percent_sum) for key, s in summaries.items()}


def grouped(course, within=None) -> dict:
    return {s.department_id: (s.name, s.people, s.counts, s.due, s.percent_sum)
            for s in completion.department_summaries(db.session, course, within, today=TODAY)}


def special_names(course) -> set[str]:
    special = groups.special_people(db.session, course)
    assert special is not None
    return set(db.session.scalars(select(User.full_name).where(User.id.in_(special))))


def test_people_without_a_certificate_or_an_assignment_are_counted_in_groups(course, company):
    assert special_names(course) == {"Ada Done"}  # her certificate
    figures = grouped(course)
    assert figures == one_by_one(course)
    assert sum(people for _name, people, *_rest in figures.values()) == 4


def test_assignments_make_their_people_special_and_the_figures_stay_the_same(course, company):
    domestic = db.session.scalar(select(Department).where(Department.name == "Domestic Trade"))
    db.session.add_all([Assignment(course=course, department=domestic, due_on=TODAY - timedelta(days=1)),
                        Assignment(course=course, user=company.started, due_on=TODAY + timedelta(days=3))])
    db.session.commit()
    assert special_names(course) == {"Ada Done", "Di Failed", "Bo Started"}
    figures = grouped(course)
    assert figures == one_by_one(course)
    assert figures[domestic.id][2]["overdue"] == 1


def test_a_team_is_counted_the_same_way(course, company, make_user):
    lead = make_user(full_name="Lead")
    for person in (company.done, company.idle, company.failed):
        person.manager_id = lead.id
    db.session.commit()
    team = reporting.team(db.session, lead.id)
    figures = grouped(course, team)
    assert figures == one_by_one(course, team)
    assert sum(people for _name, people, *_rest in figures.values()) == 3


def test_a_lesson_withdrawn_after_people_opened_it_reads_the_progress_rows(course, company):
    first, _second = published.lessons(db.session, course)
    assert totals.totals_count_published_only(db.session, course.id)
    db.session.get(Lesson, first.id).published_revision_id = None
    db.session.commit()
    assert not totals.totals_count_published_only(db.session, course.id)
    figures = grouped(course)
    assert figures == one_by_one(course)
    rows = {row.full_name: row for row in completion.person_rows(db.session, course, today=TODAY)}
    assert (rows["Ada Done"].opened, rows["Bo Started"].opened) == (1, 0)  # the second lesson only


def test_a_groups_percents_are_rounded_in_sql_as_each_persons_are(app):
    # Halves to even, as Python's round() (PersonRow.percent): 1 of 8 is 12 %, 3 of 8 is 38 %.
    for lessons_total in (1, 3, 8, 40):
        for completed in range(lessons_total + 1):
            expected = round(100 * completed / lessons_total)
            assert db.session.scalar(select(groups.percent_of(literal(completed), lessons_total))) == expected
    assert db.session.scalar(select(groups.percent_of(literal(0), 0))) == 0
