"""Certificates that stay true: what a certificate covers, a ninth lesson and material revisions
(superseded), minor revisions (no effect), validity, the refresh window and expiry, on a fixed clock."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from courseware.extensions import db
from courseware.models import Certificate, CertificateKind, Lesson
from courseware.services import catalog
from courseware.services.authoring import lessons as authoring
from courseware.services.authoring import publishing
from courseware.services.catalog import published
from courseware.services.learning import certificates, completion, progress
from courseware.services.learning.certificates import CertificateStatus
from courseware.services.learning.course_state import CourseState
from tests.conftest import read_lesson
from tests.services.test_learning_progress import pass_quiz

START = datetime(2026, 1, 15, 9, 30)


@pytest.fixture
def clock(monkeypatch):
    """The clock completion and progress read: it stands still until moved."""

    class Clock:
        now = START

        def move(self, **delta) -> None:
            self.now = self.now + timedelta(**delta)

    fixed = Clock()
    for module in (completion, progress):
        monkeypatch.setattr(module, "utcnow", lambda: fixed.now)
    return fixed


def standing(user, course, now):
    shown = catalog.current(db.session).course_by_id(course.id)
    return progress.course_progress(db.session, user, shown).standing(now)


def finish(user, course):
    first, second = published.lessons(db.session, course)
    read_lesson(user, first)
    pass_quiz(user, first)
    read_lesson(user, second)
    return certificates.current_certificate(db.session, user.id, course.id)


def add_lesson(course, author, title="The third lesson") -> Lesson:
    module = course.modules[0]
    lesson = authoring.create_lesson(db.session, course, author, authoring.LessonFields(
        title=title, module_id=module.id, minutes=2, summary="New.", source="A new lesson.\n"))
    publishing.publish(db.session, lesson, 1, material=True)
    return lesson


def revise(lesson, author, material: bool) -> None:
    latest = authoring.latest_revision(db.session, lesson)
    authoring.save_draft(db.session, lesson, author, authoring.LessonFields(
        title=latest.title, module_id=lesson.module_id, minutes=latest.minutes, summary=latest.summary,
        source=latest.source + "\n\nOne more paragraph.\n"), latest.number)
    publishing.publish(db.session, lesson, latest.number + 1, material=material)


def test_a_certificate_names_the_lessons_and_revisions_it_covers(course, make_user, clock):
    president = make_user(role="president", full_name="Zhao Ming")
    president.title = "President"
    db.session.commit()
    user = make_user()
    certificate = finish(user, course)
    covered = certificates.covered_lessons(certificate)
    assert [(c.title, c.number) for c in covered] == [("The first lesson", 1), ("The second lesson", 1)]
    assert certificate.reading_seconds == (3 + 2) * 60
    assert (certificate.signatory_name, certificate.signatory_title) == ("Zhao Ming", "President")
    assert certificate.issued_at == certificate.valid_from == START and certificate.expires_at is None
    assert standing(user, course, START).state is CourseState.COMPLETE
    assert certificates.status_of(certificate, START + timedelta(days=3650)) is CertificateStatus.VALID


def test_a_new_lesson_makes_it_complete_for_an_earlier_version_until_it_is_done(course, make_user, clock):
    author, user = make_user(role="president"), make_user()
    first = finish(user, course)
    clock.move(days=40)
    third = add_lesson(course, author)
    now_standing = standing(user, course, clock.now)
    assert now_standing.state is CourseState.UPDATED
    assert [s.lesson.slug for s in now_standing.waiting] == [third.slug]
    shown = progress.course_progress(db.session, user, catalog.current(db.session).course_by_id(course.id))
    assert shown.next_lesson.lesson.slug == third.slug

    read_lesson(user, third)
    second = certificates.current_certificate(db.session, user.id, course.id)
    assert second.id != first.id and second.kind == CertificateKind.COMPLETION
    assert "The third lesson" in [c.title for c in certificates.covered_lessons(second)]
    db.session.refresh(first)
    assert first.replaced_by_id == second.id and first.replaced_at == clock.now
    assert certificates.status_of(first, clock.now) is CertificateStatus.SUPERSEDED
    assert second.valid_from == first.valid_from  # new content keeps the validity it had
    assert standing(user, course, clock.now).state is CourseState.COMPLETE


def test_a_material_revision_asks_for_the_lesson_again_then_supersedes(course, make_user, clock):
    author, user = make_user(role="president"), make_user()
    first = finish(user, course)
    second_lesson = published.lessons(db.session, course)[1]
    revise(second_lesson, author, material=True)
    assert standing(user, course, clock.now).state is CourseState.UPDATED
    read_lesson(user, second_lesson)
    newer = certificates.current_certificate(db.session, user.id, course.id)
    assert newer.id != first.id
    assert [c.number for c in certificates.covered_lessons(newer)] == [1, 2]


def test_a_minor_revision_changes_nothing(course, make_user, clock):
    author, user = make_user(role="president"), make_user()
    first = finish(user, course)
    revise(published.lessons(db.session, course)[1], author, material=False)
    assert standing(user, course, clock.now).state is CourseState.COMPLETE
    read_lesson(user, published.lessons(db.session, course)[1])  # reading it again issues nothing
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert certificates.current_certificate(db.session, user.id, course.id).id == first.id


def test_validity_sets_expiry_and_the_refresh_window_then_expiry(course, make_user, clock):
    user = make_user()
    certificate = finish(user, course)
    course.validity_months, course.refresh_window_days = 12, 30
    assert certificates.apply_validity(db.session, course) == 1
    db.session.commit()
    assert certificate.expires_at == datetime(2027, 1, 15, 9, 30)

    assert standing(user, course, datetime(2026, 12, 15)).state is CourseState.COMPLETE
    due = standing(user, course, datetime(2026, 12, 20))
    assert due.state is CourseState.REFRESH_DUE and due.check_needed and not due.waiting
    assert due.refresh_opens_at == datetime(2026, 12, 16, 9, 30)
    expired = standing(user, course, datetime(2027, 2, 1))
    assert expired.state is CourseState.EXPIRED
    assert certificates.status_of(certificate, datetime(2027, 2, 1)) is CertificateStatus.EXPIRED

    course.validity_months = None
    assert certificates.apply_validity(db.session, course) == 1
    assert certificate.expires_at is None


def test_in_the_refresh_window_new_content_alone_does_not_renew(course, make_user, clock):
    author, user = make_user(role="president"), make_user()
    first = finish(user, course)
    course.validity_months = 12
    certificates.apply_validity(db.session, course)
    db.session.commit()
    clock.move(days=350)
    third = add_lesson(course, author)
    read_lesson(user, third)
    assert certificates.current_certificate(db.session, user.id, course.id).id == first.id
    assert standing(user, course, clock.now).state is CourseState.REFRESH_DUE


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (datetime(2026, 1, 31, 8), 1, datetime(2026, 2, 28, 8)),
    (datetime(2024, 2, 29), 12, datetime(2025, 2, 28)),
    (datetime(2026, 11, 30), 3, datetime(2027, 2, 28)),
    (datetime(2026, 5, 15), 24, datetime(2028, 5, 15)),
])
def test_months_are_calendar_months(moment, months, expected):
    assert certificates.add_months(moment, months) == expected
