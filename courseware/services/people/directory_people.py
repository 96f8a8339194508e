"""The people of a directory snapshot: is the snapshot whole and sound, who each listed person is
here (their stored link, else the first time their e-mail address, else their username), the
usernames of the people to create, and whether the line managers it sets would form a cycle.
Read-only; directory_plan.py calls these.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from courseware.models import ExternalIdentity, User
from courseware.services.errors import ValidationError
from courseware.services.people.account_admin import EMAIL_RE, clean_title
from courseware.services.people.accounts import USERNAME_RE, normalize_username
from courseware.services.people.directory_types import DirectoryPerson, DirectorySnapshot

if TYPE_CHECKING:
    from courseware.services.people.directory_plan import PersonChange

MAX_NAME = 120
MAX_MOBILE = 32


class DirectoryError(ValidationError):
    """The snapshot cannot be applied as it is; the message says why, naming whom."""


def _error(message: str) -> DirectoryError:
    return DirectoryError(message)


def check_snapshot(snapshot: DirectorySnapshot) -> None:
    """Every id once, every reference known, every value one the site keeps."""
    for kind, ids in (("department", [d.external_id for d in snapshot.departments]),
                      ("person", [p.external_id for p in snapshot.people])):
        duplicate = next((key for key, count in Counter(ids).items() if count > 1), None)
        if duplicate is not None:
            raise _error(_("The directory lists the %(kind)s with id %(id)s twice.",
                           kind=_("department") if kind == "department" else _("person"),
                           id=repr(duplicate)))
    _check_departments(snapshot)
    people = {p.external_id: p for p in snapshot.people}
    departments = {d.external_id for d in snapshot.departments}
    for person in snapshot.people:
        _check_person(person, people, departments)


def _check_departments(snapshot: DirectorySnapshot) -> None:
    parents = {d.external_id: d.parent_external_id for d in snapshot.departments}
    names = {d.external_id: d.name for d in snapshot.departments}
    for department in snapshot.departments:
        if not department.name.strip() or len(department.name.strip()) > MAX_NAME:
            raise _error(_("The directory's department %(id)s needs a name of 1 to %(max)d characters.",
                           id=repr(department.external_id), max=MAX_NAME))
        if department.parent_external_id and department.parent_external_id not in parents:
            raise _error(_("The directory's department %(name)s belongs to a department it does not list "
                           "(%(id)s).", name=repr(department.name), id=repr(department.parent_external_id)))
        current, steps = department.parent_external_id, 0
        while current and steps <= len(parents):
            if current == department.external_id:
                raise _error(_("The directory's department %(name)s is inside itself, through %(parent)s.",
                               name=repr(department.name), parent=repr(names[parents[current] or ""]
                                                                       if parents[current] else "")))
            current, steps = parents.get(current), steps + 1


def _check_person(person: DirectoryPerson, people: dict[str, DirectoryPerson], departments: set[str]) -> None:
    name = person.full_name.strip()
    who = name or person.external_id
    if not name or len(name) > MAX_NAME:
        raise _error(_("The directory's person %(id)s needs a name of 1 to %(max)d characters.",
                       id=repr(person.external_id), max=MAX_NAME))
    if person.email and not EMAIL_RE.match(person.email):
        raise _error(_("%(name)s's e-mail address %(email)s is not an e-mail address.", name=who,
                       email=repr(person.email)))
    if person.mobile and len(person.mobile) > MAX_MOBILE:
        raise _error(_("%(name)s's mobile number has more than %(max)d characters.", name=who,
                       max=MAX_MOBILE))
    try:
        clean_title(person.title)
    except ValidationError as error:
        raise _error(f"{who}: {error}") from None
    if person.department_external_id and person.department_external_id not in departments:
        raise _error(_("%(name)s is in a department the directory does not list (%(id)s).", name=who,
                       id=repr(person.department_external_id)))
    if person.manager_external_id == person.external_id:
        raise _error(_("%(name)s cannot be their own line manager.", name=who))
    if person.manager_external_id and person.manager_external_id not in people:
        raise _error(_("%(name)s's line manager (%(id)s) is not in the directory.", name=who,
                       id=repr(person.manager_external_id)))


def match_people(session: Session, snapshot: DirectorySnapshot) -> list[tuple[User | None, str, str]]:
    """For each listed person: the account (None: to create), its username, and how it was found:
    'identity' (linked before), 'e-mail' or 'username' (the first time; the sync links it), 'new'."""
    links = {link.subject: link.user for link in session.scalars(
        select(ExternalIdentity).where(ExternalIdentity.provider == snapshot.provider)
        .options(selectinload(ExternalIdentity.user)))}
    linked_ids = {user.id for user in links.values()}
    users = list(session.scalars(select(User)))
    by_email: dict[str, list[User]] = {}
    for account in users:
        if account.email:
            by_email.setdefault(account.email.strip().lower(), []).append(account)
    by_username = {account.username: account for account in users}
    taken = set(by_username)
    used: set[int] = set()
    matches: list[tuple[User | None, str, str]] = []
    for person in snapshot.people:
        user: User | None = links.get(person.external_id)
        how = "identity"
        if user is None:
            user, how = _first_match(person, by_email, by_username, linked_ids | used)
        if user is None:
            username = _new_username(person, snapshot.provider, taken)
            taken.add(username)
            matches.append((None, username, "new"))
        else:
            used.add(user.id)
            matches.append((user, user.username, how))
    return matches


def _first_match(person: DirectoryPerson, by_email: dict[str, list[User]], by_username: dict[str, User],
                 unavailable: set[int]) -> tuple[User | None, str]:
    """The account a person not linked yet is linked to: the one with their e-mail address (when only
    one has it), else the one with their username; never one linked already."""
    same_email = by_email.get((person.email or "").strip().lower(), []) if person.email else []
    if len(same_email) == 1 and same_email[0].id not in unavailable:
        return same_email[0], "e-mail"
    user = by_username.get(normalize_username(person.username or ""))
    if user is not None and user.id not in unavailable:
        return user, "username"
    return None, "new"


def _new_username(person: DirectoryPerson, source: str, taken: set[str]) -> str:
    """The person's own username if free and valid, else their e-mail's local part, else one made of
    the source and their id; a number added to make it unique."""
    candidates = [normalize_username(person.username or ""),
                  normalize_username((person.email or "").split("@")[0]),
                  re.sub(r"[^a-z0-9._-]", "-", f"{source}-{person.external_id}".lower())[:60]]
    valid = [c for c in candidates if USERNAME_RE.match(c)]
    for candidate in valid:
        if candidate not in taken:
            return candidate
    base = (valid or [f"{source}-person"])[0][:56]
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def check_manager_cycles(session: Session, people: list[PersonChange]) -> None:
    """Refuse a plan whose line managers, as they will be, would form a cycle; naming its people."""
    rows = session.execute(select(User.id, User.manager_id, User.full_name)).all()
    boss: dict[Any, Any] = {("u", r.id): ("u", r.manager_id) if r.manager_id else None for r in rows}
    names: dict[Any, str] = {("u", r.id): r.full_name for r in rows}
    planned = []
    for change in people:
        key = ("u", change.user.id) if change.user is not None else ("x", change.person.external_id)
        names[key] = change.values["full_name"]
        planned.append(key)
        if any(kept.name == "manager_id" for kept in change.kept):
            continue
        wanted = change.values["manager_id"]
        boss[key] = (None if wanted is None
                     else ("x", wanted[1]) if isinstance(wanted, tuple) else ("u", wanted))
    for start in planned:
        chain, current = [start], boss.get(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = boss.get(current)
        if current == start:
            raise _error(_("The line managers would form a cycle: %(people)s. Correct the directory, or "
                           "the line manager kept from a manual edit.",
                           people=" → ".join(names[key] for key in [*chain, start])))
