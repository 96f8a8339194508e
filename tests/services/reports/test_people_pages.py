"""The People list's pages chosen in SQL (reports.people_pages) hold the people the full list, read
and sorted in Python, has at the same place: by name (pages chained by keyset or found by offset),
by department and by progress; a state filter or another order is left to the full list."""
from __future__ import annotations

import pytest

from courseware.extensions import db
from courseware.services.reports import completion, people_pages
from courseware.services.reports.people_pages import Position
from tests.hr.conftest import START, company  # noqa: F401 - the fixture

NAMES = ["eve Ng", "Al Wu", "Bea Zhou", "al Wu", "Cy Lin", "Dee Ma", "Fay Qi"]


@pytest.fixture
def people(company, make_user):  # noqa: F811
    for number, name in enumerate(NAMES):
        make_user(full_name=name, department="Domestic Trade" if number % 2 else "Accounts")
    return company


def full_list(course, sort: str, filters: completion.Filters | None = None) -> list[int]:
    rows = completion.person_rows(db.session, course, filters or completion.Filters(), now=START)
    return [row.user_id for row in completion.sort_rows(rows, sort)]


def page_ids(course, sort: str, position: Position, size: int = 3,
             filters: completion.Filters | None = None) -> people_pages.PeoplePage:
    page = people_pages.people_page(db.session, course, filters or completion.Filters(), sort, position, size,
                                    now=START)
    assert page is not None
    return page


@pytest.mark.parametrize("sort", people_pages.SQL_SORTS)
def test_every_page_by_its_number_holds_the_full_lists_people_at_that_place(course, people, sort):
    expected = full_list(course, sort)
    assert people_pages.can_page(db.session, course, completion.Filters(), sort)
    first = page_ids(course, sort, Position())
    assert (first.total, first.pages) == (len(expected), 4)  # 11 people, 3 a page
    found = [row.user_id for number in range(1, 5)
             for row in page_ids(course, sort, Position(page=number)).rows]
    assert found == expected
    past_the_end = Position(page=5)
    assert people_pages.people_page(db.session, course, completion.Filters(), sort, past_the_end, 3) is None


def test_pages_by_name_are_chained_by_the_person_before_and_after(course, people):
    expected = full_list(course, "name")
    page = page_ids(course, "name", Position())
    assert page.before is None and page.after == expected[2]
    chained = [row.user_id for row in page.rows]
    for number in range(2, 5):
        page = page_ids(course, "name", Position(page=number, after=page.after))
        chained += [row.user_id for row in page.rows]
    assert chained == expected and page.after is None  # the last page has no next
    back = page_ids(course, "name", Position(page=3, before=page.before))
    assert [row.user_id for row in back.rows] == expected[6:9]


def test_filters_apply_before_the_page_and_states_go_to_the_full_list(course, people):
    domestic = completion.Filters(department_id=people.failed.department_id)
    expected = full_list(course, "name", domestic)
    page = page_ids(course, "name", Position(), size=50, filters=domestic)
    assert [row.user_id for row in page.rows] == expected and page.total == len(expected) == 4
    assert not people_pages.can_page(db.session, course, completion.Filters(status="in_progress"), "name")
    assert not people_pages.can_page(db.session, course, completion.Filters(), "activity")
