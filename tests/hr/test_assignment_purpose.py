"""Assignments ask for the course's completion or for a refresh of its certificate: a refresh is met
by a certificate issued after the assignment (a renewal, or a new completion); of a person's
assignments, the earliest that is not met counts; the learner's due object says which it is."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Assignment, CertificateKind, Department
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.errors import ValidationError
from courseware.services.learning import certificates, progress
from courseware.services.people import assignments
from courseware.services.people.assignments import Due, DueState, Purpose
from courseware.services.reports import completion
from tests.conftest import read_lesson
from tests.hr.conftest import RIGHT, START, set_policy, take

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


def complete_course(user, course) -> None:
    first, second = published.lessons(db.session, course)
    read_lesson(user, first)
    take(user, first, RIGHT)
    read_lesson(user, second)


def renew(user, course, now: datetime) -> None:
    """A renewal, as a passed refresh issues it (services.learning.refresh, built beside this)."""
    held = certificates.current_certificate(db.session, user.id, course.id)
    outline = catalog.current(db.session).course_by_id(course.id)
    lessons = progress.course_progress(db.session, user, outline).lessons
    covered = [certificates.CoveredLesson(s.lesson.id, s.lesson.source.id, s.lesson.source.number,
                                          s.lesson.title) for s in lessons]
    certificates.issue(db.session, user, course, covered, reading_seconds=0, now=now,
                       kind=CertificateKind.RENEWAL, replaces=held)
    db.session.commit()


def due_of(course, username: str) -> tuple[DueState, date | None]:
    row = next(r for r in completion.person_rows(db.session, course) if r.username == username)
    return row.due_state, row.due_on


def test_a_refresh_is_met_only_by_a_certificate_issued_since():
    made = datetime(2027, 4, 1)
    due = Due(1, date(2027, 5, 1), Purpose.REFRESH.value, made)
    assert due.is_refresh and due.purpose == "refresh"
    assert due.state(True, date(2027, 4, 10), certified_at=datetime(2026, 5, 15)) is DueState.ON_TIME
    assert due.state(True, date(2027, 4, 28), certified_at=None) is DueState.DUE_SOON
    assert due.state(False, date(2027, 4, 10), certified_at=made) is DueState.DONE
    assert due.state(True, date(2027, 5, 2), certified_at=made - timedelta(seconds=1)) is DueState.OVERDUE
    completion_due = Due(1, date(2027, 5, 1))
    assert completion_due.purpose == "completion" and not completion_due.is_refresh
    assert completion_due.state(True, date(2027, 5, 2), certified_at=None) is DueState.DONE


def test_hr_assigns_a_refresh_and_the_list_says_so(hr, course, make_user):
    person = make_user(username="wang.lei")
    response = hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [person.id],
                                                "due_days": 30, "purpose": "refresh"})
    assert response.status_code == 302
    assert db.session.scalar(select(Assignment)).purpose == "refresh"
    page = hr.get("/hr/assignments", headers=EN).get_data(as_text=True)
    assert "<th scope=\"col\">Asks for</th>" in page and "<td>Refresh the certificate</td>" in page
    assert '<option value="refresh">Refresh the certificate</option>' in page
    chinese = hr.get("/hr/assignments", headers=ZH).get_data(as_text=True)
    assert "<td>复训并续期证书</td>" in chinese and "完成课程" in chinese


def test_without_a_purpose_an_assignment_asks_for_completion(hr, course, make_user):
    person = make_user(username="wang.lei")
    hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [person.id], "due_days": 30})
    assert db.session.scalar(select(Assignment)).purpose == "completion"


def test_an_unknown_purpose_is_refused(hr, course, make_user):
    person = make_user(username="wang.lei")
    response = hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [person.id],
                                                "due_days": 30, "purpose": "party"})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    with pytest.raises(ValidationError, match="Choose what the assignment asks for."):
        assignments.create_assignment(db.session, course=course, created_by=person, people=[person],
                                      due_days=3, purpose="party")


def test_a_refresh_assignment_is_met_by_a_renewal(course, make_user, clock):
    set_policy(course, 12)
    ada = make_user(username="ada")
    complete_course(ada, course)
    clock.now = datetime(2027, 4, 20, 9, 0)
    db.session.add(Assignment(course=course, user=ada, due_on=date(2027, 5, 10), purpose="refresh",
                              created_at=clock.now))
    db.session.commit()
    assert due_of(course, "ada") == (DueState.ON_TIME, date(2027, 5, 10))
    clock.now = datetime(2027, 5, 11, 9, 0)
    assert due_of(course, "ada") == (DueState.OVERDUE, date(2027, 5, 10))
    renew(ada, course, clock.now)
    assert due_of(course, "ada")[0] is DueState.DONE


def test_a_refresh_assignment_is_met_by_a_certificate_issued_after_it(course, make_user, clock):
    bo = make_user(username="bo")
    db.session.add(Assignment(course=course, user=bo, due_on=date(2026, 6, 30), purpose="refresh",
                              created_at=START - timedelta(days=1)))
    db.session.commit()
    assert due_of(course, "bo")[0] is DueState.ON_TIME
    complete_course(bo, course)  # a first certificate, issued after the assignment
    assert due_of(course, "bo")[0] is DueState.DONE


def test_a_done_completion_does_not_hide_a_later_refresh(course, make_user, clock):
    ada = make_user(username="ada")
    trade = db.session.scalar(select(Department).where(Department.name == "International Trade"))
    db.session.add(Assignment(course=course, department=trade, due_on=date(2026, 6, 1),
                              created_at=START - timedelta(days=30)))
    db.session.commit()
    complete_course(ada, course)
    assert due_of(course, "ada") == (DueState.DONE, date(2026, 6, 1))
    clock.now = datetime(2027, 4, 1, 9, 0)
    db.session.add(Assignment(course=course, user=ada, due_on=date(2027, 5, 1), purpose="refresh",
                              created_at=clock.now))
    db.session.commit()
    assert due_of(course, "ada") == (DueState.ON_TIME, date(2027, 5, 1))


def test_the_dashboard_due_object_says_what_is_asked(manager, course, clock, monkeypatch):
    """The learner's dashboard gets (due, state, days) per course; `due.purpose` and `due.is_refresh`
    let its template say "Refresh by <date>"."""
    db.session.add(Assignment(course=course, user=manager.user, due_on=date(2026, 6, 30), purpose="refresh",
                              created_at=START))
    db.session.commit()
    seen = {}
    from courseware.learn import views

    original = views.render_template

    def spy(template, **context):
        seen.update(context)
        return original(template, **context)

    monkeypatch.setattr(views, "render_template", spy)
    monkeypatch.setattr(assignments, "utcnow", lambda: clock.now)
    assert manager.get("/").status_code == 200
    due, state, days = seen["due"][course.id]
    assert (due.purpose, due.is_refresh, due.due_on, state) == ("refresh", True, date(2026, 6, 30),
                                                              DueState.ON_TIME)
    complete_course(manager.user, course)
    assert manager.get("/").status_code == 200
    assert seen["due"][course.id][1] is DueState.DONE
