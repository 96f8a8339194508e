"""HR's course states from the current certificate (services/reports/course_states.py) on a fixed
clock: a 12-month certificate is complete, then refresh due and expiring, then expired; a new lesson
or a material revision makes it one for an earlier version, a minor one does not. Each person is
counted once, and the report agrees with the learner's own standing (learning.course_state)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Assignment, CertificateKind, Course, User
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.learning import certificates, progress
from courseware.services.reports import completion
from courseware.services.reports.completion import PersonStatus
from tests.conftest import read_lesson
from tests.hr.conftest import RIGHT, START, add_lesson, revise, set_policy, take

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


def statuses(course: Course, **filters) -> dict[str, PersonStatus]:
    rows = completion.person_rows(db.session, course, completion.Filters(**filters))
    return {row.username: row.status for row in rows}


def learners_state(user: User, course: Course, now: datetime) -> str:
    """The state the person's own pages show (course_state.standing_of)."""
    shown = catalog.current(db.session).course_by_id(course.id)
    return progress.course_progress(db.session, user, shown).standing(now).state.value


def complete_course(user: User, course: Course) -> None:
    first, second, *others = published.lessons(db.session, course)
    read_lesson(user, first)
    take(user, first, RIGHT)
    for lesson in (second, *others):
        read_lesson(user, lesson)


@pytest.fixture
def certified(course, make_user, clock):
    """Ada holds a 12-month certificate issued at START; Bo has opened lesson 1; Cy nothing."""
    set_policy(course, 12)
    ada = make_user(full_name="Ada Done", username="ada")
    complete_course(ada, course)
    bo = make_user(full_name="Bo Started", username="bo")
    read_lesson(bo, published.lessons(db.session, course)[1])
    make_user(full_name="Cy Idle", username="cy")
    return ada


def test_a_certificate_is_complete_then_refresh_due_then_expired(course, certified, clock):
    held = certificates.current_certificate(db.session, certified.id, course.id)
    assert held.issued_at == START and held.expires_at == datetime(2027, 5, 15, 9, 0)
    assert statuses(course) == {"ada": PersonStatus.COMPLETE, "bo": PersonStatus.IN_PROGRESS,
                                "cy": PersonStatus.NOT_STARTED}
    clock.move(days=300)  # ten months on: 65 days left
    row = completion.person_rows(db.session, course, completion.Filters(search="ada"))[0]
    assert (row.status, row.expiring) == (PersonStatus.COMPLETE, False)
    clock.now = datetime(2027, 4, 20, 9, 0)  # eleven months and five days: 25 days left
    row = completion.person_rows(db.session, course, completion.Filters(search="ada"))[0]
    assert (row.status, row.expiring) == (PersonStatus.REFRESH_DUE, True)
    clock.now = datetime(2027, 6, 15, 9, 0)  # thirteen months
    row = completion.person_rows(db.session, course, completion.Filters(search="ada"))[0]
    assert (row.status, row.expiring) == (PersonStatus.EXPIRED, False)


def test_the_refresh_window_opens_and_the_certificate_expires_to_the_minute(course, certified, clock):
    clock.now = datetime(2027, 4, 15, 8, 59)  # a minute before the 30-day window opens
    assert statuses(course)["ada"] is PersonStatus.COMPLETE
    clock.move(minutes=1)
    assert statuses(course)["ada"] is PersonStatus.REFRESH_DUE
    clock.now = datetime(2027, 5, 15, 8, 59)
    assert statuses(course)["ada"] is PersonStatus.REFRESH_DUE
    clock.move(minutes=1)
    assert statuses(course)["ada"] is PersonStatus.EXPIRED


def test_expiring_is_thirty_days_whatever_the_refresh_window(course, certified, clock):
    set_policy(course, 12, window_days=60)
    clock.now = datetime(2027, 3, 30, 9, 0)  # 46 days left: the 60-day window is open
    row = completion.person_rows(db.session, course, completion.Filters(search="ada"))[0]
    assert (row.status, row.expiring) == (PersonStatus.REFRESH_DUE, False)
    set_policy(course, 12, window_days=14)
    clock.now = datetime(2027, 4, 25, 9, 0)  # 20 days left: expiring, the 14-day window still shut
    row = completion.person_rows(db.session, course, completion.Filters(search="ada"))[0]
    assert (row.status, row.expiring) == (PersonStatus.COMPLETE, True)
    assert set(statuses(course, status="expiring")) == {"ada"}


def test_a_certificate_that_never_expires_stays_complete(course, make_user, clock):
    ada = make_user(username="ada")
    complete_course(ada, course)
    clock.move(days=3650)
    row = completion.person_rows(db.session, course, completion.Filters(search="ada"))[0]
    assert (row.status, row.expiring, row.expires_at) == (PersonStatus.COMPLETE, False, None)


def test_a_new_lesson_makes_it_a_certificate_for_an_earlier_version(course, certified, clock):
    clock.move(days=30)
    add_lesson(course)
    assert statuses(course)["ada"] is PersonStatus.UPDATED
    assert learners_state(certified, course, clock.now) == "updated"
    # Completing the new lesson earns a certificate that supersedes the first, keeping its validity.
    read_lesson(certified, published.lessons(db.session, course)[2])
    assert statuses(course)["ada"] is PersonStatus.COMPLETE
    held = certificates.current_certificate(db.session, certified.id, course.id)
    assert (held.issued_at, held.valid_from) == (clock.now, START)
    assert held.expires_at == datetime(2027, 5, 15, 9, 0)


def test_a_minor_revision_keeps_it_complete_and_a_material_one_does_not(course, certified, clock):
    second = published.lessons(db.session, course)[1]
    revise(second, material=False)
    assert statuses(course)["ada"] is PersonStatus.COMPLETE
    revise(second, material=True)
    assert statuses(course)["ada"] is PersonStatus.UPDATED
    assert learners_state(certified, course, clock.now) == "updated"


def test_a_lesson_done_in_the_refresh_window_is_not_covered_once_the_validity_grows(course, certified, clock):
    """In the window, completing a new lesson issues nothing (a refresh renews); with the validity
    lengthened and the window shut again, the certificate does not cover that lesson."""
    clock.now = datetime(2027, 5, 1, 9, 0)
    add_lesson(course)
    read_lesson(certified, published.lessons(db.session, course)[2])
    assert statuses(course)["ada"] is PersonStatus.REFRESH_DUE
    set_policy(course, 24)
    assert statuses(course)["ada"] is PersonStatus.UPDATED
    assert learners_state(certified, course, clock.now) == "updated"


@pytest.mark.parametrize("moment", [START, datetime(2026, 12, 1), datetime(2027, 4, 20, 9, 0),
                                    datetime(2027, 6, 15, 9, 0)])
def test_the_report_agrees_with_each_persons_own_standing(course, certified, clock, make_user, moment):
    eve = make_user(username="eve")
    complete_course(eve, course)  # at START too
    revise(published.lessons(db.session, course)[1], material=True)
    clock.now = moment
    for username, status in statuses(course).items():
        user = db.session.scalar(select(User).where(User.username == username))
        assert status.value == learners_state(user, course, moment), username


def test_precedence_expired_and_refresh_due_before_overdue_before_the_rest(course, certified, clock):
    db.session.add(Assignment(course=course, user=certified, due_on=date(2027, 4, 1), purpose="refresh",
                              created_at=datetime(2027, 3, 1)))
    db.session.add(Assignment(course=course, department=certified.department, due_on=date(2026, 6, 1)))
    db.session.commit()
    clock.now = datetime(2027, 4, 10, 9, 0)  # the refresh assignment overdue, the window still shut
    assert statuses(course) == {"ada": PersonStatus.OVERDUE, "bo": PersonStatus.OVERDUE,
                                "cy": PersonStatus.OVERDUE}
    clock.now = datetime(2027, 4, 20, 9, 0)
    assert statuses(course)["ada"] is PersonStatus.REFRESH_DUE
    clock.now = datetime(2027, 6, 15, 9, 0)
    assert statuses(course)["ada"] is PersonStatus.EXPIRED


def test_the_overview_counts_each_person_once_in_one_state(course, certified, clock, make_user):
    late = make_user(username="late")
    clock.now = datetime(2026, 6, 10, 9, 0)
    complete_course(late, course)  # expires 2027-06-10
    clock.now = datetime(2027, 5, 20, 9, 0)  # Ada's has expired, the other's refresh is due
    total = completion.overview(db.session, course).total
    states = {key: total.counts[key] for key in PersonStatus}
    assert states == {PersonStatus.EXPIRED: 1, PersonStatus.REFRESH_DUE: 1, PersonStatus.IN_PROGRESS: 1,
                      PersonStatus.NOT_STARTED: 1, PersonStatus.COMPLETE: 0, PersonStatus.UPDATED: 0,
                      PersonStatus.OVERDUE: 0}
    assert sum(states.values()) == total.people == 4
    assert total.counts["expiring"] == 1 and total.counts["completed"] == 2


def test_the_overview_page_shows_the_totals_and_the_chart(hr, course, certified, clock):
    clock.now = datetime(2027, 4, 20, 9, 0)
    page = hr.get("/hr/", headers=EN).get_data(as_text=True)
    assert "Certificates are valid for 12 months; the refresh is due 30 days before they expire." in page
    assert "1 refresh due" in page and "0 expired" in page
    assert 'href="/hr/people?course=test-course&amp;status=refresh_due&amp;sort=expiry"' in page
    chinese = hr.get("/hr/", headers=ZH).get_data(as_text=True)
    assert "证书有效期为 12 个月；到期前 30 天起需要复训。" in chinese and "待复训 1 人" in chinese


def test_filters_for_each_state_and_sorting_by_expiry(hr, course, certified, clock, make_user):
    late = make_user(username="late", full_name="Al Late")
    clock.now = datetime(2026, 6, 10, 9, 0)
    complete_course(late, course)
    clock.now = datetime(2027, 5, 20, 9, 0)

    def names(query):
        return [n for n in ("Ada Done", "Al Late", "Bo Started", "Cy Idle")
                if n in hr.get(f"/hr/people?{query}").get_data(as_text=True)]

    assert names("status=expired") == ["Ada Done"]
    assert names("status=refresh_due") == ["Al Late"]
    assert names("status=expiring") == ["Al Late"]
    assert names("status=in_progress") == ["Bo Started"]
    assert names("status=updated") == []
    page = hr.get("/hr/people?sort=expiry").get_data(as_text=True)
    order = sorted(("Ada Done", "Al Late", "Bo Started", "Cy Idle"), key=page.index)
    assert order[:2] == ["Ada Done", "Al Late"]  # the soonest expiry first, no certificate last


def test_the_old_needs_review_filter_leads_to_updated(hr, course, certified, clock):
    revise(published.lessons(db.session, course)[1], material=True)
    response = hr.get("/hr/people?status=needs_review&sort=name")
    assert response.status_code == 301
    assert "status=updated" in response.headers["Location"] and "sort=name" in response.headers["Location"]
    page = hr.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ada Done" in page and "Bo Started" not in page
    assert '<span class="badge status-updated">Complete for an earlier version</span>' in page
    rows = read_csv(hr.get("/hr/export/progress.csv?status=needs_review"))
    assert {row[0] for row in rows[1:]} == {"ada"}


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_the_progress_export_has_the_certificate_and_the_state(hr, course, certified, clock):
    clock.now = datetime(2027, 4, 20, 9, 0)
    code = certificates.current_certificate(db.session, certified.id, course.id).code
    rows = read_csv(hr.get("/hr/export/progress.csv", headers=EN))
    assert rows[0][-4:] == ["certificate", "certificate_issued", "certificate_expires", "course_state"]
    body = {(row[0], row[5]): row for row in rows[1:]}
    assert body[("ada", "1")][-4:] == [code, "2026-05-15", "2027-05-15", "Refresh due"]
    assert body[("ada", "2")][-4:] == body[("ada", "1")][-4:]
    assert body[("cy", "1")][-4:] == ["", "", "", "Not started"]
    chinese = read_csv(hr.get("/hr/export/progress.csv", headers=ZH))
    assert chinese[0][-4:] == ["证书编号", "证书颁发日期", "证书到期日", "课程状态"]
    assert {(r[0], r[5]): r for r in chinese[1:]}[("ada", "1")][-1] == "待复训"


@pytest.mark.parametrize("headers,labels", [
    (EN, ("Complete for an earlier version", "Refresh due", "Expired")),
    (ZH, ("已完成旧版本", "待复训", "已过期")),
])
def test_the_state_labels_in_both_languages(hr, course, clock, make_user, headers, labels):
    set_policy(course, 12)
    for name in ("updated", "due", "gone"):
        complete_course(make_user(username=name, full_name=name.title()), course)
    # Age two of the three certificates: one into its refresh window, one past its expiry.
    for username, issued in (("due", START - timedelta(days=350)), ("gone", START - timedelta(days=400))):
        user = db.session.scalar(select(User).where(User.username == username))
        held = certificates.current_certificate(db.session, user.id, course.id)
        held.valid_from = held.issued_at = issued
        held.expires_at = certificates.add_months(issued, 12)
    db.session.commit()
    add_lesson(course)
    page = hr.get("/hr/people", headers=headers).get_data(as_text=True)
    for value, label in zip(("updated", "refresh_due", "expired"), labels, strict=True):
        assert f'<span class="badge status-{value}">{label}</span>' in page


def test_a_renewal_starts_a_new_validity(course, certified, clock):
    clock.now = datetime(2027, 4, 20, 9, 0)
    held = certificates.current_certificate(db.session, certified.id, course.id)
    outline = catalog.current(db.session).course_by_id(course.id)
    standing = progress.course_progress(db.session, certified, outline)
    covered = [certificates.CoveredLesson(s.lesson.id, s.lesson.source.id, s.lesson.source.number,
                                          s.lesson.title) for s in standing.lessons]
    certificates.issue(db.session, certified, course, covered, reading_seconds=0, now=clock.now,
                       kind=CertificateKind.RENEWAL, replaces=held)
    db.session.commit()
    row = completion.person_rows(db.session, course, completion.Filters(search="ada"))[0]
    assert (row.status, row.expires_at) == (PersonStatus.COMPLETE, datetime(2028, 4, 20, 9, 0))


def test_a_certificate_that_lists_no_lessons_covers_none(course, certified, clock):
    """Stored JSON null (or an empty list) is read as covering nothing, on both databases."""
    held = certificates.current_certificate(db.session, certified.id, course.id)
    held.lessons = None
    db.session.commit()
    assert statuses(course)["ada"] is PersonStatus.UPDATED
    assert learners_state(certified, course, clock.now) == "updated"
    held.lessons = []
    db.session.commit()
    assert statuses(course)["ada"] is PersonStatus.UPDATED
