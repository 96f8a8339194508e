"""HR sets line managers (account form, CSV import) and department heads; the lines never close a
cycle, and every change is in the audit trail."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent, Department, User
from tests.hr.test_account_import import upload
from tests.hr.test_accounts import department_id


def edit(client, person: User, **changes):
    data = {"full_name": person.full_name, "email": person.email or "", "title": person.title or "",
            "department_id": person.department_id or 0, "role": person.role,
            "manager_id": person.manager_id or 0, **changes}
    return client.post(f"/hr/accounts/{person.id}", data=data)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def field_error(page: str, field: str) -> str:
    return re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page).group(1)


@pytest.fixture
def chain(make_user) -> tuple[User, User, User]:
    """Ann, above Ben, above Cat."""
    ann = make_user(username="ann", full_name="Ann Top")
    ben = make_user(username="ben", full_name="Ben Middle")
    cat = make_user(username="cat", full_name="Cat Bottom")
    ben.manager, cat.manager = ann, ben
    db.session.commit()
    return ann, ben, cat


def test_hr_sets_a_line_manager_on_the_account_form(hr, chain, make_user):
    ann, _, _ = chain
    dan = make_user(username="dan", full_name="Dan New")
    form = hr.get(f"/hr/accounts/{dan.id}").get_data(as_text=True)
    assert '<label for="manager_id">Line manager</label>' in form
    assert f'<option value="{ann.id}">Ann Top (ann)</option>' in form
    assert f'value="{dan.id}"' not in form.split('id="manager_id"')[1].split("</select>")[0]

    assert edit(hr, dan, manager_id=ann.id).status_code == 302
    assert dan.manager == ann
    assert events("account.update")[-1].details == "manager: - -> ann"
    assert edit(hr, dan, manager_id=0).status_code == 302
    assert dan.manager is None and events("account.update")[-1].details == "manager: ann -> -"


@pytest.mark.parametrize("who,message", [
    ("ann", "A person cannot be their own line manager."),
    ("cat", "Cat Bottom reports to Ann Top, directly or through others, so cannot be Ann Top&#39;s line "
            "manager. Choose someone outside Ann Top&#39;s team."),
])
def test_a_line_manager_that_would_close_a_cycle_is_refused(hr, chain, who, message):
    ann, _, cat = chain
    chosen = {"ann": ann, "cat": cat}[who]
    response = edit(hr, ann, manager_id=chosen.id)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "manager_id") == message
    assert 'href="#manager_id"' in page  # the error summary leads to the field
    db.session.expire_all()
    assert ann.manager_id is None and not events("account.update")


def test_an_unknown_or_deactivated_manager_is_refused(hr, chain, make_user):
    _, _, cat = chain
    gone = make_user(username="gone", active=False)
    for manager_id in (gone.id, 999999):
        response = edit(hr, cat, manager_id=manager_id)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert field_error(page, "manager_id") == "Choose a line manager from the list."


def test_a_new_account_can_report_to_someone(hr, chain):
    ann, _, _ = chain
    response = hr.post("/hr/accounts/new", data={"username": "eve", "full_name": "Eve New", "role": "manager",
                                                 "department_id": 0, "manager_id": ann.id})
    assert "Account created" in response.get_data(as_text=True)
    eve = db.session.scalar(select(User).where(User.username == "eve"))
    assert eve.manager == ann and "manager=ann" in events("account.create")[-1].details


def test_hr_sets_a_department_head_on_the_departments_page(hr, chain):
    ann, _, _ = chain
    trade = department_id("International Trade")
    page = hr.get("/hr/departments").get_data(as_text=True)
    assert f'action="/hr/departments/{trade}/head"' in page and f'id="d{trade}-head_id"' in page

    assert hr.post(f"/hr/departments/{trade}/head", data={f"d{trade}-head_id": ann.id}).status_code == 302
    assert db.session.get(Department, trade).head == ann
    event = events("department.head")[-1]
    assert (event.target, event.details, event.actor) == (
        "International Trade", "head: - -> ann", hr.user.username)
    page = hr.get("/hr/departments").get_data(as_text=True)
    assert f'<option selected value="{ann.id}">Ann Top (ann)</option>' in page

    response = hr.post(f"/hr/departments/{trade}/head", data={f"d{trade}-head_id": 999999})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, f"d{trade}-head_id") == "Choose the head from the list."
    assert hr.post(f"/hr/departments/{trade}/head", data={f"d{trade}-head_id": 0}).status_code == 302
    assert db.session.get(Department, trade).head is None
    assert hr.post("/hr/departments/999999/head", data={}).status_code == 404


def test_a_csv_names_line_managers_in_the_file_or_already_here(hr, chain):
    department_id("Domestic Trade")
    text = ("username,full_name,email,department,role,manager,title\r\n"
            "fay,Fay Head,,Domestic Trade,manager,ann,Head of Domestic Trade\r\n"
            "gus,Gus Staff,,Domestic Trade,manager,fay,\r\n"
            "hal,Hal Staff,,Domestic Trade,manager,,\r\n")
    page = upload(hr, text).get_data(as_text=True)
    assert "3 accounts imported" in page
    people = {u.username: u for u in db.session.scalars(select(User))}
    assert people["fay"].manager.username == "ann" and people["gus"].manager.username == "fay"
    assert people["hal"].manager is None and people["fay"].title == "Head of Domestic Trade"
    assert "fay (manager=ann), gus (manager=fay), hal" in events("account.import")[-1].details


def test_a_csv_with_bad_managers_imports_nothing_and_says_why(hr, chain, make_user):
    department_id("Domestic Trade")
    make_user(username="gone", active=False)
    text = ("username,full_name,email,department,role,manager\r\n"
            "ivy,Ivy,,Domestic Trade,manager,ivy\r\n"
            "jon,Jon,,Domestic Trade,manager,nobody\r\n"
            "kim,Kim,,Domestic Trade,manager,gone\r\n"
            "lou,Lou,,Domestic Trade,manager,mia\r\n"
            "mia,Mia,,Domestic Trade,manager,lou\r\n"
            "ned,Ned,,Domestic Trade,manager,ann\r\n")
    response = upload(hr, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    problems = dict(re.findall(r'<li><a href="#file">Line (\d+): (.*?)</a></li>', page))
    assert problems == {
        "2": "a person cannot be their own line manager",
        "3": "manager &#39;nobody&#39; has no account and is not in the file",
        "4": "manager &#39;gone&#39; is deactivated",
        "5": "manager &#39;mia&#39; reports to &#39;lou&#39; in this file, directly or through others",
        "6": "manager &#39;lou&#39; reports to &#39;mia&#39; in this file, directly or through others",
    }
    assert db.session.scalar(select(User).where(User.username == "ned")) is None


def test_the_import_page_names_the_manager_column(hr):
    page = hr.get("/hr/accounts/import").get_data(as_text=True)
    assert "<code>,manager</code> for the username of the person's line manager" in page
    refused = upload(hr, "username,full_name,email,department,role,manager,manager\r\nx,y,,,manager,a,a\r\n")
    assert "optionally followed by title and/or manager" in refused.get_data(as_text=True)
