"""/team: a line manager reads HR's reports for the people who report to them, directly or through
others, and for nobody else."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select, text

from courseware.extensions import db
from courseware.models import AuditEvent, User
from courseware.services.people import reporting
from courseware.services.reports import team
from tests.conftest import SignedInClient

TODAY = date(2026, 11, 25)


@dataclass
class Org:
    lead: SignedInClient  # Lena Lead: Ada and Bo report to her, and Max, to whom Cy reports
    middle: User  # Max Middle
    outsider: User  # Di, in Domestic Trade, reports to nobody on the team


@pytest.fixture
def org(app, company, make_user) -> Org:
    lead = make_user(username="lena", full_name="Lena Lead", department="Marketing Center")
    middle = make_user(username="max", full_name="Max Middle")
    for person in (company.done, company.started, middle):
        person.manager = lead
    company.idle.manager = middle
    db.session.commit()
    return Org(SignedInClient(app.test_client(), lead), middle, company.failed)


def names_on(page: str) -> set[str]:
    return set(re.findall(r'<a href="/team/people/\d+[^"]*">([^<]+)</a>', page))


def test_the_team_is_everyone_below_and_nobody_else(org, company):
    assert set(db.session.scalars(reporting.team_ids(org.lead.user.id))) == {
        company.done.id, company.started.id, company.idle.id, org.middle.id}
    assert set(db.session.scalars(reporting.team_ids(org.middle.id))) == {company.idle.id}
    assert list(db.session.scalars(reporting.team_ids(company.idle.id))) == []


def test_the_people_list_shows_the_team_with_the_hr_columns(org):
    response = org.lead.get("/team/people")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert names_on(page) == {"Ada Done", "Bo Started", "Cy Idle", "Max Middle"}
    table = page.split("<table")[1]
    assert "Di Failed" not in table and "Lena Lead" not in table
    assert "4 people" in page
    for column in ("Department", "Progress", "Status", "Due", "Last activity"):
        assert f">{column}</th>" in page or f">{column}</a></th>" in page  # a sortable one is a link
    assert 'aria-label="My team"' in page and 'href="/hr/' not in page


def test_the_filters_narrow_the_team(org):
    page = org.lead.get("/team/people?status=complete").get_data(as_text=True)
    assert names_on(page) == {"Ada Done"}
    page = org.lead.get("/team/people?q=cy").get_data(as_text=True)
    assert names_on(page) == {"Cy Idle"}
    # Only the team's departments are offered: Domestic Trade (Di's) is not.
    page = org.lead.get("/team/people").get_data(as_text=True)
    select = page.split('id="f-department"')[1].split("</select>")[0]
    options = re.findall(r'<option value="\d+" ?>([^<]+)</option>', select)
    assert options == ["International Trade"]


def test_a_person_of_the_team_has_their_page_and_anyone_else_is_not_found(org, company, hr):
    page = org.lead.get(f"/team/people/{company.idle.id}")  # through Max: an indirect report
    assert page.status_code == 200 and "Cy Idle" in page.get_data(as_text=True)
    assert org.lead.get(f"/team/people/{org.outsider.id}").status_code == 404
    assert org.lead.get(f"/team/people/{org.lead.user.id}").status_code == 404
    assert org.lead.get("/team/people/999999").status_code == 404
    # HR reads anyone on /hr/, as before, and has no team of their own.
    assert hr.get(f"/hr/people/{org.outsider.id}").status_code == 200
    assert hr.get(f"/team/people/{company.idle.id}").status_code == 404


def test_a_middle_manager_sees_only_their_own_part(app, org, company):
    middle = SignedInClient(app.test_client(), org.middle)
    assert names_on(middle.get("/team/people").get_data(as_text=True)) == {"Cy Idle"}
    assert middle.get(f"/team/people/{company.done.id}").status_code == 404


def test_nobody_reporting_means_no_team_and_no_header_link(org, manager):
    assert manager.get("/team").status_code == 404
    assert manager.get("/team/people").status_code == 404
    assert "My team" not in manager.get("/").get_data(as_text=True)
    home = org.lead.get("/").get_data(as_text=True)
    assert '<a href="/team"' in home and "My team" in home


def test_a_deactivated_report_leaves_the_team_pages(org, company):
    company.started.active = False
    db.session.commit()
    assert "Bo Started" not in org.lead.get("/team/people").get_data(as_text=True)
    assert org.lead.get(f"/team/people/{company.started.id}").status_code == 404


def test_the_overview_counts_the_team_by_department(org, course):
    report = team.overview(db.session, course, reporting.team_ids(org.lead.user.id), today=TODAY)
    by_name = {s.name: s for s in report.departments}
    assert set(by_name) == {"International Trade"}
    trade = by_name["International Trade"]
    assert (trade.people, trade.counts["started"], trade.counts["completed"]) == (4, 2, 1)
    assert (report.total.name, report.total.people) == ("Whole team", 4)
    assert [(f.opened, f.read, f.completed) for f in report.funnel] == [(2, 1, 1), (1, 1, 1)]

    page = org.lead.get("/team").get_data(as_text=True)
    assert "My team: Test Course" in page and "Whole team" in page and "Domestic Trade" not in page
    assert f'href="/team/people?department={trade.department_id}' in page


def test_the_csv_exports_hold_only_the_team_and_are_audited(org):
    response = org.lead.get("/team/export/progress.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row[1] for row in rows[1:]} == {"Ada Done", "Bo Started", "Cy Idle", "Max Middle"}
    attempts = org.lead.get("/team/export/attempts.csv").get_data(as_text=True)
    assert "Ada Done" in attempts and "Di Failed" not in attempts
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).first()
    assert event.actor == "lena" and "team of lena" in event.details and "SELECT" not in event.details


def test_every_link_on_the_team_pages_opens_for_the_lead(org, company):
    seen: set[str] = set()
    for url in ("/team", "/team/people", f"/team/people/{company.done.id}"):
        page = org.lead.get(url).get_data(as_text=True)
        for link in set(re.findall(r'href="(/[^"#]*)"', page)) - seen:
            seen.add(link)
            if link.startswith(("/static/", "/logout")):
                continue
            status = org.lead.get(link.replace("&amp;", "&")).status_code
            assert status == 200, f"{link} on {url}: {status}"


def test_a_cycle_written_behind_the_services_back_still_ends(org, company):
    # The services refuse cycles; the recursive query must end anyway (UNION, not UNION ALL).
    db.session.execute(text("UPDATE user_account SET manager_id = :idle WHERE id = :lead"),
                       {"idle": company.idle.id, "lead": org.lead.user.id})
    db.session.commit()
    assert org.middle.id in set(db.session.scalars(reporting.team_ids(org.lead.user.id)))
    assert org.lead.user.id not in set(db.session.scalars(reporting.team_ids(org.lead.user.id)))


def test_the_team_pages_speak_chinese_to_a_lead_who_chose_it(org, company):
    org.lead.user.locale = "zh_CN"
    db.session.commit()
    home = org.lead.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/team"[^>]*>我的团队</a>', home)
    page = org.lead.get("/team").get_data(as_text=True)
    assert "我的团队：" in page and "整个团队" in page and "团队汇总" in page
    assert org.lead.get(f"/team/people/{org.outsider.id}").status_code == 404


def test_the_funnel_from_the_masks_is_the_funnel_from_the_progress_rows(org, course):
    within = reporting.team_ids(org.lead.user.id)
    from_masks = team.funnel(db.session, course, within)
    # A lesson without a bit (as one past the masks' 63 would be): the progress rows are counted.
    db.session.execute(text("DELETE FROM lesson_mask_bits WHERE lesson_id = :lesson"),
                       {"lesson": from_masks[0].lesson_id})
    from_rows = team.funnel(db.session, course, within)
    assert from_masks == from_rows
    assert [(f.opened, f.read, f.quiz_passed, f.completed) for f in from_masks] == [(2, 1, 1, 1),
                                                                                  (1, 1, 0, 1)]
