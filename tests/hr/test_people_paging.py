"""The People list in pages (hr/views.py, reports.people_pages): a nav named for screen readers says
which page this is; previous and next keep the filters and the sort, and by name carry the person
the next page starts after; a page past the last is a 404. The same on a line manager's /team."""
from __future__ import annotations

import re

import pytest

from courseware.hr import views


def _names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/(?:hr|team)/people/\d+[^"]*">([^<]+)</a>', page)


def _link(page: str, rel: str) -> str:
    return re.search(rf'<a rel="{rel}" href="([^"]+)"', page).group(1).replace("&amp;", "&")


@pytest.fixture
def five(course, make_user, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    return [make_user(full_name=name) for name in ("Eve Ng", "Al Wu", "Dee Ma", "Bea Zhou", "Cy Lin")]


def test_pages_by_name_follow_each_other_and_keep_the_filters(hr, five):
    first = hr.get("/hr/people?course=test-course&role=manager").get_data(as_text=True)
    assert _names(first) == ["Al Wu", "Bea Zhou"]
    assert re.search(r'<nav class="pager" aria-label="Pages">', first)
    assert '<span aria-current="page">Page 1 of 3</span>' in first
    assert 'rel="prev"' not in first
    following = _link(first, "next")
    bea = next(person for person in five if person.full_name == "Bea Zhou")
    assert {"page=2", "role=manager", "sort=name", "course=test-course", f"after={bea.id}"} <= set(
        following.split("?")[1].split("&"))
    second = hr.get(following).get_data(as_text=True)
    assert _names(second) == ["Cy Lin", "Dee Ma"] and "Page 2 of 3" in second
    # HR's page 2 rendered at all (a 500 before: the person links' state hid gettext), and a
    # person's link leads back to it.
    assert "page=2" in re.search(r'<th scope="row"><a href="([^"]+)"', second).group(1)
    third = hr.get(_link(second, "next")).get_data(as_text=True)
    assert _names(third) == ["Eve Ng"] and 'rel="next"' not in third
    assert _names(hr.get(_link(third, "prev")).get_data(as_text=True)) == ["Cy Lin", "Dee Ma"]
    # A page by its number alone (a link from a person's page): the same people.
    assert _names(hr.get("/hr/people?course=test-course&role=manager&page=2").get_data(as_text=True)) == [
        "Cy Lin", "Dee Ma"]
    assert hr.get("/hr/people?course=test-course&role=manager&page=4").status_code == 404


def test_pages_in_another_order_and_in_chinese(hr, five):
    page = hr.get("/hr/people?course=test-course&role=manager&sort=activity&page=2").get_data(as_text=True)
    assert len(_names(page)) == 2 and "sort=activity" in _link(page, "next")
    # A due-date filter (applied to everyone read in full): pages of its people, the filter kept.
    due = hr.get("/hr/people?course=test-course&role=manager&due=none&page=2").get_data(as_text=True)
    assert _names(due) == ["Cy Lin", "Dee Ma"] and "due=none" in _link(due, "next")
    chinese = hr.get("/hr/people?course=test-course&role=manager",
                     headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<nav class="pager" aria-label="分页">' in chinese and '第 1 页，共 3 页' in chinese
    assert _names(chinese) == ["Al Wu", "Bea Zhou"]


def test_a_team_is_paged_the_same_way(app, five, make_user, client):
    from courseware.extensions import db
    from tests.conftest import login

    lead = make_user(full_name="Lead", username="lead")
    for person in five:
        person.manager_id = lead.id
    db.session.commit()
    login(client, "lead")
    first = client.get("/team/people?course=test-course").get_data(as_text=True)
    assert _names(first) == ["Al Wu", "Bea Zhou"] and "Page 1 of 3" in first
    assert _link(first, "next").startswith("/team/people?")


def test_the_overview_shows_a_page_of_departments_and_everyones_totals(hr, company, monkeypatch):
    monkeypatch.setattr(views, "DEPARTMENTS_PAGE", 1)
    page = hr.get("/hr/?course=test-course").get_data(as_text=True)
    shown, people = [], set()
    while True:
        shown.append(re.findall(r'<th scope="row"><a href="/hr/people\?department=[^"]+">([^<]+)</a>', page))
        assert f'<span aria-current="page">Page {len(shown)} of ' in page
        # Everyone's totals on every page (the funnel counts them all).
        assert '<tr class="total-row">' in page
        people |= set(re.findall(r"Of (\d+) people", page))
        if 'rel="next"' not in page:
            break
        assert "course=test-course" in _link(page, "next")
        page = hr.get(_link(page, "next")).get_data(as_text=True)
    assert all(len(names) == 1 for names in shown)
    assert {"Domestic Trade", "International Trade"} <= {names[0] for names in shown}
    assert len(people) == 1
    assert hr.get(f"/hr/?course=test-course&page={len(shown) + 1}").status_code == 404
