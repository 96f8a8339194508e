"""A course's certificate settings (/hr/courses/<id>/certificate): HR and the president set the
validity, the refresh window and the refresh check's questions; the current certificates get their
new expiry at once, the flash says how many, and the audit trail keeps the old and new values."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent, Certificate
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.errors import InvalidFields
from courseware.services.learning import certificate_policy, certificates
from tests.conftest import read_lesson
from tests.hr.conftest import RIGHT, START, take

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


def url(course) -> str:
    return f"/hr/courses/{course.id}/certificate"


def settings(**fields) -> dict:
    return {"expires": "months", "validity_months": "12", "refresh_window_days": "30",
            "refresh_questions": "8", **fields}


@pytest.fixture
def holders(course, make_user, clock):
    """Two people with a certificate issued at START (which never expires yet)."""
    people = [make_user(username="ada"), make_user(username="bo")]
    first, second = published.lessons(db.session, course)
    for person in people:
        read_lesson(person, first)
        take(person, first, RIGHT)
        read_lesson(person, second)
    return people


def expiries(course) -> list[datetime | None]:
    return list(db.session.scalars(select(Certificate.expires_at).where(Certificate.course_id == course.id)
                                   .order_by(Certificate.id)))


def test_the_page_shows_the_current_settings(hr, course, holders):
    page = hr.get(url(course), headers=EN).get_data(as_text=True)
    assert "Certificate settings · Test Course" in page
    assert "2 people hold a current certificate of this course." in page
    assert '<option selected value="never">Never</option>' in page
    assert 'name="refresh_window_days" type="number" value="30"' in page


def test_saving_a_validity_dates_the_current_certificates_and_says_how_many(hr, course, holders):
    response = hr.post(url(course), data=settings(), headers=EN, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert ("Certificate settings of Test Course saved: 2 current certificates have a new expiry date."
            in page)
    assert "Certificates are valid for 12 months; the refresh is due 30 days before they expire." in page
    assert expiries(course) == [datetime(2027, 5, 15, 9, 0)] * 2
    assert (course.validity_months, course.refresh_window_days, course.refresh_questions) == (12, 30, 8)
    # The outline learners read holds the new settings at once.
    assert catalog.current(db.session).course_by_id(course.id).policy.validity_months == 12
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.certificate_policy"))
    assert event.target == course.slug and event.actor == hr.user.username
    assert event.details == "validity_months: never -> 12; certificates re-dated: 2"


def test_changing_only_the_questions_redates_nothing(hr, course, holders):
    hr.post(url(course), data=settings())
    response = hr.post(url(course), data=settings(refresh_questions="12"), headers=EN, follow_redirects=True)
    assert ("Certificate settings of Test Course saved: 0 current certificates have a new expiry date."
            in response.get_data(as_text=True))
    events = db.session.scalars(select(AuditEvent.details).where(
        AuditEvent.action == "course.certificate_policy").order_by(AuditEvent.id)).all()
    assert events[-1] == "refresh_questions: 8 -> 12; certificates re-dated: 0"
    page = hr.get(url(course), headers=EN).get_data(as_text=True)
    assert "Recent changes" in page and "refresh_questions: 8 -&gt; 12" in page


def test_never_expire_clears_every_expiry(hr, course, holders):
    hr.post(url(course), data=settings())
    hr.post(url(course), data=settings(expires="never", validity_months=""))
    assert expiries(course) == [None, None] and course.validity_months is None


def test_a_superseded_certificate_keeps_its_expiry(hr, course, holders, clock):
    hr.post(url(course), data=settings())
    old = certificates.current_certificate(db.session, holders[0].id, course.id)
    old.replaced_at = clock.now
    old.replaced_by_id = old.id  # stands for a newer certificate
    db.session.commit()
    hr.post(url(course), data=settings(validity_months="24"))
    assert expiries(course) == [datetime(2027, 5, 15, 9, 0), datetime(2028, 5, 15, 9, 0)]


@pytest.mark.parametrize("fields,field,message", [
    ({"validity_months": "0"}, "validity_months", "A certificate is valid for 1 to 120 months."),
    ({"validity_months": "121"}, "validity_months", "A certificate is valid for 1 to 120 months."),
    ({"validity_months": ""}, "validity_months", "A certificate is valid for 1 to 120 months."),
    ({"refresh_window_days": "0"}, "refresh_window_days", "The refresh window is 1 to 365 days."),
    ({"refresh_window_days": "366", "validity_months": "120"}, "refresh_window_days",
     "The refresh window is 1 to 365 days."),
    ({"refresh_window_days": "28", "validity_months": "1"}, "refresh_window_days",
     "The refresh window must be shorter than the validity: under 28 days for 1 months."),
    ({"refresh_questions": "31"}, "refresh_questions", "A refresh check asks 1 to 30 questions."),
    ({"refresh_questions": ""}, "refresh_questions", "A refresh check asks 1 to 30 questions."),
])
def test_each_bad_setting_is_named_in_the_error_summary(hr, course, holders, fields, field, message):
    response = hr.post(url(course), data=settings(**fields), headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary" role="alert" tabindex="-1"' in page and "data-error-summary" in page
    assert f'<li><a href="#{field}">{message}</a></li>' in page
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in page
    # Nothing saved, nothing audited.
    assert course.validity_months is None and expiries(course) == [None, None]
    audited = select(AuditEvent).where(AuditEvent.action == certificate_policy.AUDIT_ACTION)
    assert db.session.scalar(audited) is None


def test_every_problem_at_once_and_in_chinese(hr, course):
    response = hr.post(url(course), data=settings(validity_months="200", refresh_window_days="400",
                                                  refresh_questions="0"), headers=ZH)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "有 3 处需要修改" in page
    for text in ("证书有效期为 1 至 120 个月。", "复训期为 1 至 365 天。", "复训测验的题数为 1 至 30 题。"):
        assert text in page, text
    assert "证书设置" in page and "有效期（月）" in page and "复训期（到期前的天数）" in page


def test_the_window_must_be_shorter_than_the_shortest_validity():
    assert certificate_policy.shortest_days(1) == 28
    assert certificate_policy.shortest_days(12) == 365
    certificate_policy.check(12, 364, 8)
    with pytest.raises(InvalidFields) as refused:
        certificate_policy.check(12, 365, 8)
    assert set(refused.value.errors) == {"refresh_window_days"}


def test_the_president_may_save_and_the_flash_is_in_chinese(president, course, holders):
    response = president.post(url(course), data=settings(), headers=ZH, follow_redirects=True)
    assert "《测试课程》的证书设置已保存：2 份有效证书的到期日已更新。" in response.get_data(as_text=True)


def test_managers_may_not_and_an_unknown_course_is_a_404(hr, manager, course):
    assert manager.post(url(course), data=settings()).status_code == 403
    assert hr.get("/hr/courses/9999/certificate").status_code == 404


def test_the_overview_links_to_the_settings(hr, course):
    page = hr.get("/hr/", headers=EN).get_data(as_text=True)
    assert "Certificates never expire." in page and f'href="{url(course)}"' in page


def test_a_certificate_issued_after_the_change_gets_the_validity(hr, course, make_user, clock):
    hr.post(url(course), data=settings(validity_months="6"))
    clock.move(days=10)
    person = make_user()
    first, second = published.lessons(db.session, course)
    read_lesson(person, first)
    take(person, first, RIGHT)
    read_lesson(person, second)
    held = certificates.current_certificate(db.session, person.id, course.id)
    assert (held.issued_at, held.expires_at) == (START.replace(day=25), datetime(2026, 11, 25, 9, 0))
