"""Issue 15's "Done means", tried as people would through the pages, on one fixed clock: a manager who
had finished sees a new lesson as the next thing to do and a certificate that says what it covered;
completing it issues a new certificate and the old one says "superseded"; HR sets a 12-month validity;
eleven and a half months on the person is "refresh due" on HR's pages, the refresh asks only for the
check (nothing changed since), and passing it renews the certificate."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from courseware.extensions import db
from courseware.learn import refresh_views
from courseware.learn import views as learn_views
from courseware.services.learning import certificates
from courseware.services.people import assignments
from courseware.services.reports import completion as report_completion
from courseware.services.reports import person as report_person
from tests.conftest import read_lesson
from tests.services.refresh_course import SLUG, complete_course, import_refresh_course
from tests.services.test_certificate_versions import add_lesson

START = datetime(2026, 3, 2, 2, 0)  # 10:00 in Shanghai


@pytest.fixture
def clock(reading_clock, monkeypatch):
    reading_clock.now = START
    for module in (refresh_views, learn_views, report_completion, report_person, assignments):
        monkeypatch.setattr(module, "utcnow", lambda: reading_clock.now)
    return reading_clock


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def take_the_refresh_check(manager) -> str:
    """Answer every question right (option a is right in the refresh course); the result page."""
    form = page(manager, f"/courses/{SLUG}/refresh")
    check_id = re.search(r'name="check_id" value="(\d+)"', form).group(1)
    keys = re.findall(r'<fieldset class="question card[^"]*" id="question-([a-z0-9-]+)"', form)
    assert keys, "the check asks questions"
    response = manager.post(f"/courses/{SLUG}/refresh",
                            data={"check_id": check_id, **{f"q-{key}": "a" for key in keys}})
    assert response.status_code == 303
    return page(manager, response.headers["Location"])


def test_a_new_lesson_then_a_validity_then_a_refresh(tmp_path, manager, hr, president, clock):
    course = import_refresh_course(tmp_path, refresh_questions=3)
    complete_course(manager.user, course)
    first = certificates.current_certificate(db.session, manager.user.id, course.id)
    assert "View your certificate" in page(manager, "/")

    # The president publishes a fourth lesson: the next thing to do is that lesson.
    clock.move(days=20)
    fourth = add_lesson(course, president.user, title="Lesson about focus")
    dashboard = page(manager, "/")
    assert "View your certificate" not in dashboard
    assert "Continue: Lesson about focus" in dashboard
    covered = page(manager, f"/certificates/{first.code}")
    assert "Lesson about values" in covered and "Lesson about focus" not in covered
    assert "The course has changed since this certificate" in covered

    # Completing it issues a new certificate; the old one says it was superseded.
    read_lesson(manager.user, fourth)
    second = certificates.current_certificate(db.session, manager.user.id, course.id)
    assert second.code != first.code
    assert 'data-certificate-status="superseded"' in page(manager, f"/certificates/{first.code}")
    assert "Lesson about focus" in page(manager, f"/certificates/{second.code}")

    # HR sets a 12-month validity on the course's certificate page.
    saved = hr.post(f"/hr/courses/{course.id}/certificate",
                    data={"expires": "months", "validity_months": "12", "refresh_window_days": "30",
                          "refresh_questions": "3"})
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:400]
    db.session.refresh(second)
    assert second.expires_at is not None

    # Eleven and a half months on: refresh due on HR's pages and on the dashboard.
    clock.now = second.expires_at - timedelta(days=15)
    people = page(hr, f"/hr/people?course={SLUG}&status=refresh_due")
    assert manager.user.full_name in people
    dashboard = page(manager, "/")
    assert 'data-course-state="refresh_due"' in dashboard and "Take the refresh check" in dashboard

    # The refresh asks only for the check (no lesson changed since), and passing renews.
    result = take_the_refresh_check(manager)
    assert "Your certificate is renewed" in result
    renewed = certificates.current_certificate(db.session, manager.user.id, course.id)
    assert renewed.code != second.code and renewed.kind == "renewal"
    assert 'data-certificate-status="renewed"' in page(manager, f"/certificates/{second.code}")
    assert renewed.expires_at > second.expires_at
    assert "View your certificate" in page(manager, "/")
