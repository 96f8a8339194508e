"""HR's people list sorts by a click on a column's head (issue 19): each sortable head links to the list
sorted by it, keeping the filters, and the current one says so (aria-sort)."""
from __future__ import annotations

import re


def _names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/hr/people/\d+">([^<]+)</a>', page)


def test_a_column_head_sorts_the_list_and_keeps_the_filters(hr, course, make_user):
    make_user(full_name="Bea Zhou", department="Domestic Trade")
    make_user(full_name="Al Wu", department="International Trade")
    make_user(full_name="Cy Lin", department="Domestic Trade")

    page = hr.get("/hr/people?course=test-course&role=manager").get_data(as_text=True)
    assert _names(page) == ["Al Wu", "Bea Zhou", "Cy Lin"]
    assert '<th scope="col" aria-sort="ascending"><a class="sort-link"' in page  # by name, the default
    department_link = re.search(r'<a class="sort-link" href="([^"]+sort=department[^"]*)"', page).group(1)
    assert "role=manager" in department_link and "course=test-course" in department_link

    by_department = hr.get(department_link.replace("&amp;", "&")).get_data(as_text=True)
    assert _names(by_department) == ["Bea Zhou", "Cy Lin", "Al Wu"]
    assert re.search(r'aria-sort="ascending"><a class="sort-link" href="[^"]+sort=department[^"]*" '
                     r'aria-current="true">Department', by_department)
    assert by_department.count("aria-sort=") == 1
    assert 'aria-sort="descending"' in hr.get("/hr/people?course=test-course&sort=activity").get_data(
        as_text=True)


def test_the_username_sits_under_the_name(hr, course, make_user):
    make_user(full_name="Bea Zhou", username="bea.zhou")
    page = hr.get("/hr/people?course=test-course").get_data(as_text=True)
    assert '>Bea Zhou</a> <span class="muted person-username">bea.zhou</span>' in page
