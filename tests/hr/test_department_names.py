"""A department's Chinese name: HR gives it on the departments page, Chinese pages show it, English
pages keep the name; renaming is checked and audited."""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import AuditEvent, Department
from tests.hr.test_accounts import department_id


def _parented() -> tuple[int, int]:
    center = Department(name="Marketing Center")
    trade = Department(name="International Trade", parent=center)
    db.session.add_all([center, trade])
    db.session.commit()
    return center.id, trade.id


def test_hr_gives_departments_chinese_names_and_chinese_pages_show_them(hr, signed_in):
    center, trade = _parented()
    for department, chinese in ((center, "市场中心"), (trade, "国际贸易部")):
        response = hr.post(f"/hr/departments/{department}/names",
                           data={f"n{department}-name": db.session.get(Department, department).name,
                                 f"n{department}-name_zh": f"  {chinese} "})
        assert response.status_code == 302
    assert db.session.get(Department, trade).name_zh == "国际贸易部"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "department.rename")).all()[-1]
    assert event.details == "International Trade / - -> International Trade / 国际贸易部"

    ann = signed_in("manager", full_name="Ann Lin", department="International Trade")
    assert "Marketing Center · International Trade" in hr.get("/hr/accounts").get_data(as_text=True)
    hr.user.locale = "zh_CN"
    db.session.commit()
    people = hr.get("/hr/accounts").get_data(as_text=True)
    assert "市场中心 · 国际贸易部" in people and "Marketing Center · International Trade" not in people
    person = hr.get(f"/hr/people/{ann.user.id}").get_data(as_text=True)
    assert "市场中心 · 国际贸易部" in person


def test_a_new_department_can_have_its_chinese_name_at_once(hr):
    response = hr.post("/hr/departments", data={"name": "Finance Department", "name_zh": "财务部",
                                                "parent_id": 0})
    assert response.status_code == 302
    finance = db.session.scalar(select(Department).where(Department.name == "Finance Department"))
    assert finance.name_zh == "财务部"


def test_a_name_another_department_has_in_either_language_is_refused_with_the_field_focused(hr):
    center, trade = _parented()
    db.session.get(Department, center).name_zh = "市场中心"
    db.session.commit()

    response = hr.post(f"/hr/departments/{trade}/names",
                       data={f"n{trade}-name": "International Trade", f"n{trade}-name_zh": "市场中心"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is already a department called &#39;市场中心&#39;." in page
    assert 'role="alert"' in page and f'href="#n{trade}-name_zh"' in page
    assert db.session.get(Department, trade).name_zh is None

    response = hr.post(f"/hr/departments/{trade}/names",
                       data={f"n{trade}-name": "  ", f"n{trade}-name_zh": ""})
    assert response.status_code == 422
    assert db.session.get(Department, trade).name == "International Trade"


def test_renaming_a_department_keeps_its_people_and_an_unknown_one_is_not_found(hr, signed_in):
    trade = department_id("International Trade")
    ann = signed_in("manager", department="International Trade")
    assert hr.post(f"/hr/departments/{trade}/names",
                   data={f"n{trade}-name": "Global Trade", f"n{trade}-name_zh": ""}).status_code == 302
    assert db.session.get(Department, trade).name == "Global Trade"
    assert ann.user.department.name == "Global Trade"
    assert hr.post("/hr/departments/999999/names",
                   data={"n999999-name": "X", "n999999-name_zh": ""}).status_code == 404
