"""A person's page for HR: per course the state and why (learning.explanations), per lesson what is
missing, and every certificate held or once held, newest first, with its status and dates."""
from __future__ import annotations

from datetime import date, datetime

from courseware.extensions import db
from courseware.models import Assignment, Certificate, CertificateKind
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.learning import certificates, progress
from tests.conftest import read_lesson
from tests.hr.conftest import RIGHT, START, WRONG, add_lesson, revise, set_policy, take

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


def complete_course(user, course) -> None:
    first, second, *others = published.lessons(db.session, course)
    read_lesson(user, first)
    take(user, first, RIGHT)
    for lesson in (second, *others):
        read_lesson(user, lesson)


def renew(user, course, now) -> Certificate:
    held = certificates.current_certificate(db.session, user.id, course.id)
    outline = catalog.current(db.session).course_by_id(course.id)
    lessons = progress.course_progress(db.session, user, outline).lessons
    covered = [certificates.CoveredLesson(s.lesson.id, s.lesson.source.id, s.lesson.source.number,
                                          s.lesson.title) for s in lessons]
    renewed = certificates.issue(db.session, user, course, covered, reading_seconds=0, now=now,
                                 kind=CertificateKind.RENEWAL, replaces=held)
    db.session.commit()
    return renewed


def test_what_is_missing_for_each_lesson(hr, course, make_user, clock):
    person = make_user(full_name="Di Failed")
    first = published.lessons(db.session, course)[0]
    read_lesson(person, first)
    take(person, first, WRONG)
    page = hr.get(f"/hr/people/{person.id}", headers=EN).get_data(as_text=True)
    assert '<th scope="col">What is missing</th>' in page
    assert "Read; quiz failed 1 time, it can be taken again." in page
    assert "Not opened yet." in page
    assert '<span class="badge status-in_progress">In progress</span>' in page
    chinese = hr.get(f"/hr/people/{person.id}", headers=ZH).get_data(as_text=True)
    for text in ("还缺什么", "已阅读；测验未通过 1 次，可以再次作答。", "尚未打开。"):
        assert text in chinese, text


def test_a_complete_course_and_its_certificate(hr, course, make_user, clock):
    set_policy(course, 12)
    person = make_user()
    complete_course(person, course)
    code = certificates.current_certificate(db.session, person.id, course.id).code
    page = hr.get(f"/hr/people/{person.id}", headers=EN).get_data(as_text=True)
    assert '<span class="badge status-complete">Complete</span>' in page
    assert f'<a href="/certificates/{code}"><code>{code}</code></a>' in page
    assert '<span class="badge certificate-valid">Valid</span>' in page
    assert "15 May 2026" in page and "15 May 2027" in page


def test_refresh_due_and_expired_say_when(hr, course, make_user, clock):
    set_policy(course, 12)
    person = make_user()
    complete_course(person, course)
    clock.now = datetime(2027, 4, 20, 9, 0)
    page = hr.get(f"/hr/people/{person.id}", headers=EN).get_data(as_text=True)
    assert '<span class="badge status-refresh_due">Refresh due</span>' in page
    assert ("Refresh due: the certificate expires on 15 May 2027; the refresh check is not passed yet."
            in page)
    clock.now = datetime(2027, 6, 1, 9, 0)
    page = hr.get(f"/hr/people/{person.id}", headers=EN).get_data(as_text=True)
    assert '<span class="badge status-expired">Expired</span>' in page
    assert "The certificate expired on 15 May 2027: a refresh renews it." in page
    assert '<span class="badge certificate-expired">Expired</span>' in page
    chinese = hr.get(f"/hr/people/{person.id}", headers=ZH).get_data(as_text=True)
    assert "证书已于 2027年5月15日 过期：完成复训即可续期。" in chinese
    assert '<span class="badge certificate-expired">已过期</span>' in chinese


def test_an_earlier_version_names_what_changed(hr, course, make_user, clock):
    person = make_user()
    complete_course(person, course)
    add_lesson(course)
    revise(published.lessons(db.session, course)[1], material=True)
    page = hr.get(f"/hr/people/{person.id}", headers=EN).get_data(as_text=True)
    assert '<span class="badge status-updated">Complete for an earlier version</span>' in page
    assert "Completed an earlier version: 2 lessons are new or changed since." in page
    assert "Completed revision 1; revision 2 changed it materially: read it again." in page
    chinese = hr.get(f"/hr/people/{person.id}", headers=ZH).get_data(as_text=True)
    assert "已完成的是旧版本：此后有 2 课为新增或有重要修改。" in chinese


def test_every_certificate_newest_first_with_its_status(hr, course, make_user, clock):
    set_policy(course, 12)
    person = make_user()
    complete_course(person, course)
    first = certificates.current_certificate(db.session, person.id, course.id)
    clock.now = datetime(2026, 7, 1, 9, 0)
    add_lesson(course)
    read_lesson(person, published.lessons(db.session, course)[2])  # supersedes the first
    second = certificates.current_certificate(db.session, person.id, course.id)
    clock.now = datetime(2027, 5, 1, 9, 0)
    third = renew(person, course, clock.now)
    page = hr.get(f"/hr/people/{person.id}", headers=EN).get_data(as_text=True)
    assert page.index(third.code) < page.index(second.code) < page.index(first.code)
    for status in ('<span class="badge certificate-valid">Valid</span>',
                   '<span class="badge certificate-renewed">Renewed</span>',
                   '<span class="badge certificate-superseded">Superseded by a newer certificate</span>'):
        assert status in page, status
    assert "1 May 2028" in page  # the renewal's expiry
    chinese = hr.get(f"/hr/people/{person.id}", headers=ZH).get_data(as_text=True)
    for text in ("有效", "已续期", "已被新证书取代", "颁发日期", "到期日", "验证码"):
        assert text in chinese, text


def test_a_refresh_assignment_on_the_person_page(hr, course, make_user, clock):
    person = make_user()
    db.session.add(Assignment(course=course, user=person, due_on=date(2026, 6, 30), purpose="refresh",
                              created_at=START))
    db.session.commit()
    page = hr.get(f"/hr/people/{person.id}", headers=EN).get_data(as_text=True)
    assert '<span class="badge due-on_time">On time · 30 June 2026</span>' in page and "(a refresh)" in page
