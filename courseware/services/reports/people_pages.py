"""HR's People list (and a line manager's, /team/people) one page at a time, chosen in SQL.

When the list's order can be written in SQL (by name, by department, by progress) and no filter asks
for a state (a state is judged person by person in Python: `completion.person_rows`), the database
counts the people the filters keep and picks the page's people in order; only those are read in
full. A company of 50,000 then costs what a page of 50 does, plus a count.

By name the pages are chained by keyset: the next page starts after the last person of this one
(`after`), the previous one ends before its first (`before`), so a page deep in the list reads no
more rows than the first. A page asked for by its number alone (a link from elsewhere) is found by
its offset. Any other order or a state filter returns None: the caller reads everyone
(`completion.person_rows`) and sorts them as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select, tuple_
from sqlalchemy.orm import Session

from courseware.models import Course, CourseProgressTotals, User
from courseware.services.reports import completion, groups, totals

SQL_SORTS = ("name", "department", "progress")


@dataclass
class PeoplePage:
    rows: list[completion.PersonRow]
    total: int  # the people the filters keep, on every page
    page: int
    pages: int
    # Whom the next and previous pages start after and end before (keyset; None: by offset).
    after: int | None = None
    before: int | None = None


@dataclass(frozen=True)
class Position:
    """Where the page asked for is: its number, and the person it starts after or ends before."""

    page: int = 1
    after: int | None = None
    before: int | None = None


def can_page(session: Session, course: Course, filters: completion.Filters, sort: str) -> bool:
    """Whether the page can be chosen in SQL: an order SQL can write and no state filter; by
    progress only while the progress totals count the published lessons alone (`totals`)."""
    if filters.status or sort not in SQL_SORTS:
        return False
    return sort != "progress" or totals.totals_count_published_only(session, course.id)


def people_page(session: Session, course: Course, filters: completion.Filters, sort: str,
                position: Position, size: int, today: date | None = None,
                now: datetime | None = None) -> PeoplePage | None:
    """The page of people at `position` (None if it lies past the last page), in `sort` order,
    with the number of people and pages; see can_page() for when it applies."""
    people = completion.people_query(filters, completion.department_ids(session, filters.department_id))
    listed = people.subquery()
    total = session.scalar(select(func.count()).select_from(listed)) or 0
    pages = max(1, -(-total // size))
    if position.page > pages:
        return None
    keys = _order(session, course, listed, sort)
    query = select(listed.c.id).select_from(listed)
    if sort == "progress":
        query = query.outerjoin(CourseProgressTotals, (CourseProgressTotals.user_id == listed.c.id)
                                & (CourseProgressTotals.course_id == course.id))
    backwards = False
    cursor = _cursor(session, sort, position)
    if cursor is not None:
        key_values, backwards = cursor
        row_key = tuple_(*keys)
        query = query.where(row_key < tuple_(*key_values) if backwards else row_key > tuple_(*key_values))
        query = query.order_by(*(key.desc() for key in keys) if backwards else keys)
    else:
        query = query.order_by(*keys).offset((position.page - 1) * size)
    ids = list(session.scalars(query.limit(size)))
    if backwards:
        ids.reverse()
    rows = completion.sort_rows(completion.person_rows(
        session, course, completion.Filters(within=ids), today=today, now=now), sort) if ids else []
    keyset = sort == "name" and bool(rows)
    return PeoplePage(rows, total, position.page, pages,
                      after=rows[-1].user_id if keyset and position.page < pages else None,
                      before=rows[0].user_id if keyset and position.page > 1 else None)


def _order(session: Session, course: Course, listed: Any, sort: str) -> list[ColumnElement[Any]]:
    """The SQL order of completion.SORT_KEYS[sort], the person's id last (an order for ties)."""
    name = func.lower(listed.c.full_name)
    if sort == "department":
        return [_department_rank(session, listed.c.department_id), name, listed.c.id]
    if sort == "progress":
        lessons_total = session.scalar(select(func.count()).select_from(
            completion.published.lesson_ids(course.id).subquery())) or 0
        completed = func.coalesce(CourseProgressTotals.completed, 0)
        return [-groups.percent_of(completed, lessons_total), name, listed.c.id]
    return [name, listed.c.id]


def _department_rank(session: Session, department: ColumnElement[Any]) -> ColumnElement[int]:
    """Each department's place in the order of its full name in the reader's language (as the list
    shows it), people without one last."""
    names = completion.department_names(session)
    ranked = sorted(names, key=lambda department_id: (names[department_id].lower(), department_id))
    if not ranked:
        return literal(0)
    return case({department_id: place for place, department_id in enumerate(ranked)}, value=department,
                else_=len(ranked))


def _cursor(session: Session, sort: str, position: Position) -> tuple[tuple[Any, ...], bool] | None:
    """The name-order key of the person the page starts after (or ends before), and whether the
    page is read backwards; None to go by offset (another order, no cursor, an unknown person)."""
    person_id = position.after or position.before
    if sort != "name" or person_id is None or position.page == 1:
        return None
    name = session.scalar(select(func.lower(User.full_name)).where(User.id == person_id))
    if name is None:
        return None
    return (name, person_id), position.after is None
