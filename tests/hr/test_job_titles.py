"""A job title on each person: HR sets it on the account form and in the CSV import, the people
pages show it under the name, the demo company has one for everyone."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent, User
from courseware.services.ops.demo import seed_demo
from tests.hr.test_account_import import CSV_GOOD, upload
from tests.hr.test_accounts import department_id

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def field_errors(page: str) -> list[str]:
    return re.findall(r'<p class="field-error" id="title-error">([^<]+)</p>', page)


def test_hr_creates_an_account_with_a_job_title(hr):
    assert 'name="title"' in hr.get("/hr/accounts/new").get_data(as_text=True)
    response = hr.post("/hr/accounts/new", data={
        "username": "li.na", "full_name": "Li Na", "title": "  Head of Domestic Trade ",
        "department_id": department_id("Domestic Trade"), "role": "manager"})
    assert "Account created" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "li.na"))
    assert user.title == "Head of Domestic Trade"
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.create"))
    assert created.details == "role=manager; title=Head of Domestic Trade"


def test_the_title_is_optional(hr):
    hr.post("/hr/accounts/new", data={"username": "no.title", "full_name": "No Title", "role": "manager",
                                      "department_id": 0})
    assert db.session.scalar(select(User.title).where(User.username == "no.title")) is None


def test_hr_edits_a_title_and_the_change_is_audited(hr, make_user):
    person = make_user(full_name="Wang Lei")
    page = hr.get(f"/hr/accounts/{person.id}").get_data(as_text=True)
    assert "Job title" in page
    data = {"full_name": "Wang Lei", "role": "manager", "department_id": person.department_id}
    assert hr.post(f"/hr/accounts/{person.id}", data={**data, "title": "Manager"}).status_code == 302
    assert 'value="Manager"' in hr.get(f"/hr/accounts/{person.id}").get_data(as_text=True)
    hr.post(f"/hr/accounts/{person.id}", data={**data, "title": "Head of International Trade"})
    hr.post(f"/hr/accounts/{person.id}", data={**data, "title": ""})  # cleared
    assert db.session.get(User, person.id).title is None
    details = list(db.session.scalars(select(AuditEvent.details).where(
        AuditEvent.action == "account.update").order_by(AuditEvent.id)))
    assert details == ["title: - -> Manager", "title: Manager -> Head of International Trade",
                       "title: Head of International Trade -> -"]


@pytest.mark.parametrize("title,error", [
    ("x" * 121, "A job title has at most 120 characters."),
    ("Head of\nSales", "A job title cannot contain control characters such as tabs or line breaks."),
    ("Head\tof Sales", "A job title cannot contain control characters such as tabs or line breaks."),
    ("Head of\x1b Sales", "A job title cannot contain control characters such as tabs or line breaks."),
])
def test_a_title_too_long_or_with_control_characters_is_a_form_error(hr, make_user, title, error):
    response = hr.post("/hr/accounts/new", data={"username": "bad.title", "full_name": "Bad Title",
                                                 "role": "manager", "department_id": 0, "title": title})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == [error]
    assert db.session.scalar(select(User).where(User.username == "bad.title")) is None
    person = make_user(full_name="Kept")
    response = hr.post(f"/hr/accounts/{person.id}", data={"full_name": "Kept", "role": "manager",
                                                          "department_id": 0, "title": title})
    assert response.status_code == 422 and field_errors(response.get_data(as_text=True)) == [error]
    assert db.session.get(User, person.id).title is None


def test_the_form_errors_are_in_chinese(hr):
    response = hr.post("/hr/accounts/new", headers=ZH, data={
        "username": "bad.title", "full_name": "Bad Title", "role": "manager", "department_id": 0,
        "title": "Head of\tSales"})
    assert field_errors(response.get_data(as_text=True)) == ["职务名称不能包含制表符、换行符等控制字符。"]
    page = hr.get("/hr/accounts/new", headers=ZH).get_data(as_text=True)
    assert "职务" in page


def test_the_people_pages_show_the_title_under_the_name(hr, make_user, course):
    person = make_user(full_name="Wang Lei")
    person.title = "Head of International Trade"
    db.session.commit()
    shown = '<span class="person-title">Head of International Trade</span>'
    accounts = hr.get("/hr/accounts").get_data(as_text=True)
    assert re.search(r">Wang Lei</a>" + re.escape(shown), accounts)
    people = hr.get(f"/hr/people?course={course.slug}").get_data(as_text=True)
    username = r'<span class="muted person-username">[^<]+</span>'
    assert re.search(r">Wang Lei</a> " + username + re.escape(shown), people)
    page = hr.get(f"/hr/people/{person.id}").get_data(as_text=True)
    assert "<h1>Wang Lei</h1>\n<p class=\"person-title\">Head of International Trade</p>" in page


def test_the_csv_import_takes_an_optional_title_column(hr):
    department_id("Domestic Trade")
    text = ("username,full_name,email,department,role,title\r\n"
            "zhao.lei,赵磊,zhao@example.com,Domestic Trade,manager,国内贸易部部长\r\n"
            "qian.yu,Qian Yu,,Domestic Trade,hr,\r\n")
    assert "2 accounts imported" in upload(hr, text).get_data(as_text=True)
    titles = dict(db.session.execute(select(User.username, User.title).where(
        User.username.in_(["zhao.lei", "qian.yu"]))).tuples().all())
    assert titles == {"zhao.lei": "国内贸易部部长", "qian.yu": None}


def test_a_csv_without_the_title_column_still_imports(hr):
    department_id("Domestic Trade")
    assert "2 accounts imported" in upload(hr, CSV_GOOD).get_data(as_text=True)


def test_a_csv_title_too_long_or_with_control_characters_imports_nothing(hr):
    department_id("Domestic Trade")
    text = ("username,full_name,email,department,role,title\r\n"
            "ok.one,OK One,,Domestic Trade,manager,Manager\r\n"
            f"long.one,Long One,,Domestic Trade,manager,{'x' * 121}\r\n"
            '"tab.one","Tab One","","Domestic Trade","manager","Head\tof Sales"\r\n'
            "short.one,Short One,,Domestic Trade,manager\r\n")
    response = upload(hr, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    problems = dict(re.findall(r'<li><a href="#file">Line (\d+): (.*?)</a></li>', page))
    assert problems == {"3": "A job title has at most 120 characters.",
                        "4": "A job title cannot contain control characters such as tabs or line breaks.",
                        "5": "expected 6 columns, found 5"}
    assert db.session.scalar(select(User).where(User.username == "ok.one")) is None


def test_the_import_page_names_the_optional_column(hr):
    page = hr.get("/hr/accounts/import").get_data(as_text=True)
    assert "optionally followed by <code>,title</code>" in page
    refused = upload(hr, "username,full_name,email,department,role,job\r\nx,y,,,manager,z\r\n")
    assert "optionally followed by title" in refused.get_data(as_text=True)


def test_everyone_in_the_demo_company_has_a_title(app):
    seed_demo(db.session, password="demo password 1")
    titles = dict(db.session.execute(select(User.username, User.title)).tuples().all())
    assert titles["president"] == "President"
    assert titles["hr.lin"] == "Head of Human Resources"
    assert titles["zhang.wei"] == "Head of Domestic Trade" and titles["he.jing"] == "Manager"
    assert all(titles.values())
