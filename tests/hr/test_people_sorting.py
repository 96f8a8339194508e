"""HR's people list sorts by a click on a column's head (issue 19): each sortable head links to the list
sorted by it, keeping the filters, and the current one says so (aria-sort)."""
from __future__ import annotations

import re


def _names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/hr/people/\d+[^"]*">([^<]+)</a>', page)


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


def test_a_persons_page_has_hr_s_actions_and_leads_back_to_the_list_as_it_was(hr, course, make_user):
    bea = make_user(full_name="Bea Zhou", department="Domestic Trade")
    listing = hr.get("/hr/people?course=test-course&role=manager&sort=department").get_data(as_text=True)
    link = next(href for href in re.findall(r'<a href="(/hr/people/\d+[^"]*)">', listing)
                if href.startswith(f"/hr/people/{bea.id}"))
    page = hr.get(link.replace("&amp;", "&")).get_data(as_text=True)
    back = re.search(r'<p class="back-link"><a href="([^"]+)">', page).group(1).replace("&amp;", "&")
    assert back.startswith("/hr/people?")
    assert {"course=test-course", "role=manager", "sort=department"} <= set(back.split("?")[1].split("&"))
    assert f'href="/hr/nudge?user={bea.id}"' in page
    assert f'href="/hr/assignments?user={bea.id}"' in page and f'href="/hr/accounts/{bea.id}"' in page
    # Nothing but the list's own keys comes back from the address.
    crafted = hr.get(f"/hr/people/{bea.id}?_external=1&_scheme=javascript&sort=name").get_data(as_text=True)
    assert '<p class="back-link"><a href="/hr/people?sort=name">' in crafted
