"""The certificate as people see it: what it covers, its status (valid, expired, superseded, renewed),
its QR code and verification address from SITE_URL, and the dashboard's next action once the course
has changed since it was issued."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from courseware.extensions import db
from courseware.learn import views as learn_views
from courseware.models import CertificateKind
from courseware.services.catalog import published
from courseware.services.learning import certificates
from tests.services.test_certificate_versions import START, add_lesson, finish

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def certified(manager, course, clock, app):
    """The signed-in manager holds the course's certificate."""
    app.config["SITE_URL"] = "https://courses.example.com"
    return finish(manager.user, course)


@pytest.fixture
def clock(monkeypatch):
    from tests.services import test_certificate_versions

    fixed = test_certificate_versions.clock.__wrapped__(monkeypatch)
    monkeypatch.setattr(learn_views, "utcnow", lambda: fixed.now)
    return fixed


def page(client, url: str, **request) -> str:
    response = client.get(url, **request)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_certificate_names_what_it_covers_and_its_verification_address(client, certified):
    html = page(client, f"/certificates/{certified.code}", headers={"Host": "evil.example"})
    assert 'data-certificate-status="valid"' in html and "it does not expire" in html
    assert "The first lesson" in html and "The second lesson" in html and "revision 1" in html
    assert "5 minutes" in html  # the reading time
    assert f"https://courses.example.com/certificates/{certified.code}" in html
    assert "evil.example" not in html
    assert f'src="/certificates/{certified.code}/qr.svg"' in html


def test_the_qr_code_is_an_svg_of_the_configured_address(client, certified):
    response = client.get(f"/certificates/{certified.code}/qr.svg", headers={"Host": "evil.example"})
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith("<svg")
    assert client.get("/certificates/NOPE-NOPE-NOPE/qr.svg").status_code == 404


def test_a_ninth_lesson_makes_the_next_lesson_the_main_action(manager, course, certified, clock, make_user):
    assert "View your certificate" in page(manager, "/")
    clock.move(days=10)
    add_lesson(course, make_user(role="president"))
    dashboard = page(manager, "/")
    assert "View your certificate" not in dashboard
    assert "Continue: The third lesson" in dashboard
    assert 'data-course-state="updated"' in dashboard and "1 lesson is new or changed" in dashboard
    own = page(manager, f"/certificates/{certified.code}")
    assert "The course has changed since this certificate" in own and "The third lesson" not in own


def test_an_old_certificate_says_it_was_superseded_and_links_the_new_one(
        manager, client, course, certified, clock, make_user):
    clock.move(days=10)
    third = add_lesson(course, make_user(role="president"))
    from tests.conftest import read_lesson

    read_lesson(manager.user, third)
    newer = certificates.current_certificate(db.session, manager.user.id, course.id)
    html = page(client, f"/certificates/{certified.code}")
    assert 'data-certificate-status="superseded"' in html
    assert f'href="/certificates/{newer.code}"' in html
    me = page(manager, "/me")
    assert "Superseded by a newer certificate" in me and me.count("badge-certificate-valid") == 1


def test_an_expired_certificate_says_so_in_both_languages(client, course, certified, clock):
    course.validity_months = 12
    certificates.apply_validity(db.session, course)
    db.session.commit()
    clock.now = START + timedelta(days=400)
    html = page(client, f"/certificates/{certified.code}")
    assert 'data-certificate-status="expired"' in html and "this certificate expired on" in html
    assert "已过期" in page(client, f"/certificates/{certified.code}", headers=ZH)


def test_a_renewed_certificate_links_its_renewal(client, manager, course, certified, clock):
    renewal = certificates.issue(db.session, manager.user, course, certificates.covered_lessons(certified),
                                 reading_seconds=0, now=datetime(2027, 1, 1), kind=CertificateKind.RENEWAL,
                                 replaces=certified)
    db.session.commit()
    html = page(client, f"/certificates/{certified.code}")
    assert 'data-certificate-status="renewed"' in html and f"/certificates/{renewal.code}" in html
    assert "Certificate of renewal" in page(client, f"/certificates/{renewal.code}")


def test_the_outline_says_why_each_lesson_is_not_complete(manager, course):
    first = published.lessons(db.session, course)[0]
    manager.get(f"/courses/test-course/{first.slug}")
    html = page(manager, "/courses/test-course")
    assert "Opened, not yet read: about" in html


def test_the_certificate_reads_as_a_document(manager, course, clock, app, client, make_user):
    """Issue 19: the president's name over a signature line, the course in a line (lessons and reading
    time), and the verification address as people write it: the configured host and path, no scheme."""
    make_user(role="president", username="zhao.ming", full_name="Zhao Ming", department=None)
    app.config["SITE_URL"] = "https://courses.example.com"
    certified = finish(manager.user, course)
    html = page(client, f"/certificates/{certified.code}")
    assert '<span class="signature-line" aria-hidden="true"></span>' in html
    assert '<p class="signatory">Zhao Ming</p>' in html
    minutes = certificates.course_minutes(db.session, certified)
    assert minutes > 0
    assert f"2 lessons and their quizzes · {minutes} minutes of reading" in html
    address = (f'<a href="https://courses.example.com/certificates/{certified.code}">courses.example.com<wbr>'
               f'<span class="nowrap">/certificates/{certified.code}</span></a>')
    assert address in html
    assert "127.0.0.1" not in html and ">https://courses.example.com/certificates/" not in html
    chinese = page(client, f"/certificates/{certified.code}", headers=ZH)
    assert f"共 2 课及其测验 · 阅读 {minutes} 分钟" in chinese


def test_a_short_address_drops_the_scheme_only():
    assert certificates.short_address("https://courses.example.com/certificates/AB") == (
        "courses.example.com/certificates/AB")
    assert certificates.short_address("http://127.0.0.1:5000/certificates/AB") == (
        "127.0.0.1:5000/certificates/AB")
