"""What a directory sync would change, computed before anything is written: the plan.

Given a snapshot of the company's directory (directory_types.py) and the database, the plan lists
the departments to create, rename, re-parent or link to their directory id, and the people to
create, link (the first time: by e-mail, else by username), update (which fields, from what to what),
reactivate and deactivate. It reads only; directory_sync.py prints it (a dry run) or applies it.

Fields edited by hand since the last sync (their value differs from what the last sync wrote,
`DirectoryRecord.values`) are kept, listed in `kept`, unless the plan is made to overwrite them.
Anything the plan cannot do (a duplicate id, an unknown manager or department, a cycle of line
managers, a bad e-mail address) is a DirectoryError naming the people or departments: nothing is
written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import Department, DirectoryRecord, ExternalIdentity, Role, User
from courseware.services.people import directory_people
from courseware.services.people.directory_people import DirectoryError
from courseware.services.people.directory_types import DirectoryPerson, DirectorySnapshot

# The fields a sync writes, in the order the plan lists them.
SYNCED_FIELDS = ("full_name", "email", "mobile", "title", "department_id", "manager_id", "active")


@dataclass
class FieldChange:
    name: str  # one of SYNCED_FIELDS
    before: str  # as shown: a name, a department, '-'
    after: str


@dataclass
class DepartmentChange:
    external_id: str
    name: str
    department: Department | None  # None: to create
    parent_external_id: str | None
    changes: list[FieldChange] = field(default_factory=list)  # name, parent
    link: bool = False  # its directory id is stored now


@dataclass
class PersonChange:
    person: DirectoryPerson
    user: User | None  # None: to create
    username: str
    how: str  # 'identity' (linked before), 'e-mail', 'username' (linked now), 'new'
    changes: list[FieldChange] = field(default_factory=list)
    kept: list[FieldChange] = field(default_factory=list)  # edited by hand: not overwritten
    values: dict[str, Any] = field(default_factory=dict)  # what the directory says, by field


@dataclass
class Plan:
    source: str
    departments: list[DepartmentChange]
    people: list[PersonChange]
    deactivate: list[User]
    spared: list[User]  # no longer listed, but never deactivated by a sync (see _deactivations)

    def counts(self) -> dict[str, int]:
        return {
            "departments_created": sum(1 for d in self.departments if d.department is None),
            "departments_changed": sum(1 for d in self.departments
                                       if d.department is not None and (d.changes or d.link)),
            "created": sum(1 for p in self.people if p.user is None),
            "linked": sum(1 for p in self.people if p.how in ("e-mail", "username")),
            "updated": sum(1 for p in self.people if p.user is not None and p.changes),
            "kept": sum(len(p.kept) for p in self.people),
            "deactivated": len(self.deactivate),
        }

    @property
    def empty(self) -> bool:
        return not any(value for name, value in self.counts().items() if name != "kept")


def make_plan(session: Session, snapshot: DirectorySnapshot, *, overwrite_manual: bool = False,
              actor: User | None = None, protected_username: str = "") -> Plan:
    """The plan for the snapshot. `actor` (who runs the sync) and `protected_username` (the
    break-glass account) are never deactivated."""
    directory_people.check_snapshot(snapshot)
    departments = _department_changes(session, snapshot)
    dept_ids = {d.external_id: (d.department.id if d.department else None) for d in departments}
    dept_names = {d.external_id: d.name for d in departments}
    matched = directory_people.match_people(session, snapshot)
    people = [PersonChange(person, user, username, how) for person, (user, username, how)
              in zip(snapshot.people, matched, strict=True)]
    records = {r.user_id: r for r in session.scalars(
        select(DirectoryRecord).where(DirectoryRecord.user_id.in_([p.user.id for p in people if p.user])))}
    by_external = {p.person.external_id: p for p in people}
    for change in people:
        change.values = _directory_values(change.person, dept_ids, by_external)
        _compare(change, records.get(change.user.id) if change.user else None, dept_names, by_external,
                 overwrite_manual)
    directory_people.check_manager_cycles(session, people)
    listed = {p.user.id for p in people if p.user is not None}
    deactivate, spared = _deactivations(session, snapshot.provider, listed, actor, protected_username,
                                        overwrite_manual)
    return Plan(snapshot.provider, departments, people, deactivate, spared)


def _department_changes(session: Session, snapshot: DirectorySnapshot) -> list[DepartmentChange]:
    """Each listed department matched by its stored directory id, else by name (once: a department
    made by hand, or synced from another source before)."""
    existing = list(session.scalars(select(Department)))
    by_id = {d.directory_id: d for d in existing if d.directory_source == snapshot.provider}
    by_name = {d.name.lower(): d for d in existing}
    names = {d.external_id: d.name.strip() for d in snapshot.departments}
    taken: set[int] = set()
    changes = []
    for listed in snapshot.departments:
        department = by_id.get(listed.external_id)
        link = False
        if department is None:
            candidate = by_name.get(names[listed.external_id].lower())
            if (candidate is not None and candidate.directory_source != snapshot.provider
                    and candidate.id not in taken):
                department, link = candidate, True
        change = DepartmentChange(listed.external_id, names[listed.external_id], department,
                                  listed.parent_external_id, link=link)
        if department is not None:
            taken.add(department.id)
            _department_fields(change, department, names, by_id)
        changes.append(change)
    _check_department_names(changes, existing)
    return changes


def _department_fields(change: DepartmentChange, department: Department, names: dict[str, str],
                       by_id: dict[str | None, Department]) -> None:
    if department.name != change.name:
        change.changes.append(FieldChange("name", department.name, change.name))
    parent_now = department.parent.name if department.parent else "-"
    parent_then = names.get(change.parent_external_id or "", "-")
    if parent_now != parent_then:
        change.changes.append(FieldChange("parent", parent_now, parent_then))


def _check_department_names(changes: list[DepartmentChange], existing: list[Department]) -> None:
    """A created or renamed department never takes the name of another one."""
    kept_names = {d.name.lower(): d.name for d in existing}
    for change in changes:
        if change.department is not None:
            kept_names.pop(change.department.name.lower(), None)
    for change in changes:
        if change.name.lower() in kept_names:
            raise DirectoryError(_("The directory's department %(name)s has the name of a department that "
                                   "is not in the directory. Rename one of them first.",
                                   name=repr(change.name)))
        kept_names[change.name.lower()] = change.name


def _directory_values(person: DirectoryPerson, dept_ids: dict[str, int | None],
                      by_external: dict[str, PersonChange]) -> dict[str, Any]:
    """What the directory says of each field: ids of existing rows, or ('new', external id)."""
    department: Any = None
    if person.department_external_id:
        department = dept_ids[person.department_external_id] or ("new", person.department_external_id)
    manager: Any = None
    if person.manager_external_id:
        boss = by_external[person.manager_external_id]
        manager = boss.user.id if boss.user is not None else ("new", person.manager_external_id)
    return {"full_name": person.full_name.strip(), "email": person.email or None,
            "mobile": person.mobile or None, "title": person.title or None,
            "department_id": department, "manager_id": manager, "active": True}


def _compare(change: PersonChange, record: DirectoryRecord | None, dept_names: dict[str, str],
             by_external: dict[str, PersonChange], overwrite_manual: bool) -> None:
    """Each field the directory changes, or keeps because it was edited by hand since the last sync."""
    user = change.user
    for name in SYNCED_FIELDS:
        wanted = change.values[name]
        current = getattr(user, name) if user is not None else None
        if user is not None and current == wanted:
            continue
        if user is None and (wanted is None or name == "active"):
            continue
        shown = FieldChange(name, _shown(user, name, current), _shown_wanted(change, name, dept_names,
                                                                             by_external))
        if user is not None and _edited_by_hand(record, name, current) and not overwrite_manual:
            change.kept.append(shown)
        else:
            change.changes.append(shown)


def _edited_by_hand(record: DirectoryRecord | None, name: str, current: Any) -> bool:
    """Whether the value now differs from what the last sync wrote (never synced: only a deactivated
    account counts as a choice made by hand)."""
    if record is None:
        return name == "active" and current is False
    return name in record.values and record.values[name] != current


def _shown(user: User | None, name: str, value: Any) -> str:
    if user is None or value is None:
        return "-"
    if name == "department_id":
        return user.department.name if user.department else "-"
    if name == "manager_id":
        return user.manager.full_name if user.manager else "-"
    return str(value)


def _shown_wanted(change: PersonChange, name: str, dept_names: dict[str, str],
                  by_external: dict[str, PersonChange]) -> str:
    person = change.person
    if name == "department_id":
        return dept_names.get(person.department_external_id or "", "-")
    if name == "manager_id":
        boss = by_external.get(person.manager_external_id or "")
        return boss.person.full_name if boss else "-"
    value = change.values[name]
    return "-" if value is None else str(value)


def _deactivations(session: Session, source: str, listed: set[int], actor: User | None,
                   protected_username: str, overwrite_manual: bool) -> tuple[list[User], list[User]]:
    """The people this source synced before who are no longer listed: deactivated, except presidents
    and HR (whose accounts run the site: deactivated by hand only), the person running the sync and
    the break-glass account; and except those reactivated by hand since (unless overwriting)."""
    synced = session.execute(
        select(User, DirectoryRecord).join(DirectoryRecord, DirectoryRecord.user_id == User.id)
        .where(DirectoryRecord.source == source, User.active.is_(True)).order_by(User.full_name))
    deactivate: list[User] = []
    spared: list[User] = []
    for user, record in synced:
        if user.id in listed:
            continue
        if record.values.get("active") is False and not overwrite_manual:
            continue  # reactivated by hand after a sync deactivated them
        protected = (user.role in (Role.PRESIDENT, Role.HR) or (actor is not None and user.id == actor.id)
                     or (protected_username and user.username == protected_username))
        (spared if protected else deactivate).append(user)
    return deactivate, spared


def linked_subjects(session: Session, source: str) -> dict[str, User]:
    """The people linked to the source, by their id there."""
    return {link.subject: link.user for link in session.scalars(
        select(ExternalIdentity).where(ExternalIdentity.provider == source))}
