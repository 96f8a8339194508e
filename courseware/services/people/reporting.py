"""Reporting lines: who reports to whom, a person's team, and the heads of departments.

A person's team is everyone who reports to them, directly or through others. It is read with one
recursive query (a common table expression, the same SQL on SQLite and PostgreSQL), so a team of
thousands costs what a team of two does. Every change of a line manager is checked here, so that
the lines never form a cycle: nobody reports to themselves or to anyone in their own team.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Exists,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from courseware.models import Department, User
from courseware.models.sql import shared_alias
from courseware.services.errors import ValidationError, found
from courseware.services.ops import audit


def team_ids(manager_id: int) -> Select[tuple[int]]:
    """The ids of everyone who reports to the person, directly or through others (never the person:
    a cycle, which the checks below prevent, would still end, and leave them out)."""
    below = (select(User.id.label("id")).where(User.manager_id == manager_id)
             .cte("team", recursive=True))
    below = below.union(select(User.id).join(below, User.manager_id == below.c.id))
    return select(below.c.id).where(below.c.id != manager_id)


def team(session: Session, manager_id: int) -> Select[tuple[int]]:
    """The team for the reports: its ids read once with the recursive query, then given back to the
    database as one parameter (an array on PostgreSQL, JSON on SQLite). Every report's query then
    reads a list whose length the planner knows, instead of running the recursive query again,
    whose size it guesses ten times too large; and one parameter costs nothing to send, where an
    IN list of 5,000 costs more than the query."""
    return ids_as_one_parameter(session, list(session.scalars(team_ids(manager_id))), "team")


def ids_as_one_parameter(session: Session, ids: list[int], name: str) -> Select[tuple[int]]:
    """Ids as a query of one bound parameter: an array on PostgreSQL, JSON on SQLite. The array is
    sent as its text ('{1,2,3}'), written once: the driver's own list of 5,000 ints costs more to
    encode, in every query that reads it, than the query."""
    if session.connection().dialect.name == "postgresql":
        array = bindparam(name, "{" + ",".join(str(int(i)) for i in ids) + "}", type_=Text)
        return select(func.unnest(cast(array, ARRAY(Integer))).column_valued("id"))
    listed = func.json_each(bindparam(name, json.dumps(ids))).table_valued("value")
    return select(listed.c.value)


def has_reports(session: Session, user_id: int) -> bool:
    """Whether an active person reports directly to this one: who has a team (/team)."""
    return bool(session.scalar(select(reports_exist(user_id))))


# The people reporting to someone, aliased once (building an alias costs more than the query: /team
# asks has_reports on every request).
_REPORT = shared_alias(User, name="report")


def reports_exist(user_id: int | ColumnElement[int] | InstrumentedAttribute[int]) -> Exists:
    """The has_reports question as a column, for a query that reads the person anyway (`user_id`
    may be the column User.id)."""
    return exists(select(_REPORT.id).where(_REPORT.manager_id == user_id, _REPORT.active.is_(True)))


def in_team(session: Session, manager_id: int, person_id: int) -> bool:
    """Whether the person reports to the manager, directly or through others."""
    return bool(session.scalar(select(literal(person_id).in_(team_ids(manager_id)))))


def active_people(session: Session) -> list[User]:
    """The people a line manager or a head is chosen from, in name order."""
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)))


def check_manager(session: Session, person: User | None, manager_id: int | None) -> User | None:
    """The line manager chosen for the person (None for a new account), or why not on the field
    `manager_id`: an unknown or deactivated person (unless already the manager), the person
    themselves, or anyone in their team, which would close a cycle."""
    if not manager_id:
        return None
    manager = session.get(User, manager_id)
    unchanged = person is not None and person.manager_id == manager_id
    if manager is None or not (manager.active or unchanged):
        raise ValidationError(_("Choose a line manager from the list."), field="manager_id")
    if person is not None and manager.id == person.id:
        raise ValidationError(_("A person cannot be their own line manager."), field="manager_id")
    if person is not None and person.id is not None and in_team(session, person.id, manager.id):
        raise ValidationError(
            _("%(manager)s reports to %(name)s, directly or through others, so cannot be %(name)s's "
              "line manager. Choose someone outside %(name)s's team.",
              manager=manager.full_name, name=person.full_name),
            field="manager_id")
    return manager


def manager_change(person: User, manager: User | None) -> str | None:
    """Set the person's line manager; what changed, for the audit trail (None when nothing did)."""
    if (manager.id if manager else None) == person.manager_id:
        return None
    before = person.manager.username if person.manager else "-"
    person.manager = manager
    return f"manager: {before} -> {manager.username if manager else '-'}"


def set_department_head(session: Session, actor: User, department_id: int, head_id: int | None) -> Department:
    """Make an active person the department's head (None: no head); audited."""
    department = found(session.get(Department, department_id), _("No such department."))
    head = session.get(User, head_id) if head_id else None
    if head_id and (head is None or not (head.active or department.head_id == head_id)):
        raise ValidationError(_("Choose the head from the list."), field="head_id")
    if (head.id if head else None) != department.head_id:
        before = department.head.username if department.head else "-"
        audit.record(session, "department.head", actor=actor, target=department.name,
                     details=f"head: {before} -> {head.username if head else '-'}")
        department.head = head
        session.commit()
    return department


@dataclass
class ImportManagers:
    """The line managers named in an imported file of people."""

    existing: dict[str, User]  # the accounts named that exist already, by username
    problems: dict[str, str]  # a row's username -> why its manager is refused


def managers_of_import(session: Session, managers: dict[str, str], in_file: set[str]) -> ImportManagers:
    """Check each row's manager (`managers`: username -> manager's username or ""): an active account,
    or someone in the file (`in_file`), never the person themselves or a circle within the file."""
    named = {manager for manager in managers.values() if manager}
    existing = {user.username: user for user in
                session.scalars(select(User).where(User.username.in_(named)))} if named else {}
    problems = {}
    for username, manager in managers.items():
        if not manager:
            continue
        if manager == username:
            problems[username] = _("a person cannot be their own line manager")
        elif manager in existing:
            if not existing[manager].active:
                problems[username] = _("manager %(manager)s is deactivated", manager=repr(manager))
        elif manager not in in_file:
            problems[username] = _("manager %(manager)s has no account and is not in the file",
                                   manager=repr(manager))
        elif _closes_a_circle(username, managers):
            problems[username] = _("manager %(manager)s reports to %(username)s in this file, directly or "
                                   "through others", manager=repr(manager), username=repr(username))
    return ImportManagers(existing, problems)


def _closes_a_circle(username: str, managers: dict[str, str]) -> bool:
    current = managers.get(username, "")
    for _step in range(len(managers)):
        if current == username:
            return True
        if not current:
            return False
        current = managers.get(current, "")
    return False
