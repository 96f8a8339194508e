"""HR's account work: create, edit, deactivate, reset passwords, import a CSV of people."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from types import EllipsisType
from typing import Any, overload

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from courseware.models import ROLES, Department, DirectoryRecord, ExternalIdentity, Role, User
from courseware.models._time import utcnow
from courseware.models.accounts import new_session_token
from courseware.services.errors import Forbidden, ValidationError, found
from courseware.services.ops import audit
from courseware.services.people import department_names, one_time_passwords, reporting
from courseware.services.people.accounts import (
    USERNAME_RE,
    create_user,
    generate_password,
    normalize_username,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CSV_COLUMNS = ["username", "full_name", "email", "department", "role"]
CSV_OPTIONAL_COLUMNS = ["title", "manager"]  # may follow the required ones in the header
MAX_TITLE_LENGTH = 120
MAX_IMPORT_ROWS = 1000  # each password is hashed with scrypt: about 0.1 s a person


def grantable_roles(actor: User) -> list[str]:
    """HR may make managers and HR; only a president may make a president."""
    return list(ROLES) if actor.role == Role.PRESIDENT else [Role.MANAGER.value, Role.HR.value]


def _check_may_manage(actor: User, target: User) -> None:
    if target.role == Role.PRESIDENT and actor.role != Role.PRESIDENT:
        raise Forbidden(_("Only a president can change a president's account."))


def _check_role(actor: User, role: str) -> None:
    if role not in ROLES:
        raise ValidationError(_("Role must be one of: %(roles)s.", roles=", ".join(ROLES)), field="role")
    if role not in grantable_roles(actor):
        raise ValidationError(_("Only a president can grant the president role."), field="role")


def list_accounts(session: Session, search: str = "", include_inactive: bool = True) -> list[User]:
    query = select(User).options(selectinload(User.department), selectinload(User.manager),
                                 selectinload(User.directory_record)).order_by(User.full_name)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.full_name).like(pattern),
                                func.lower(User.username).like(pattern)))
    return list(session.scalars(query))


def get_account(session: Session, user_id: int) -> User:
    return found(session.get(User, user_id), _("No such account."))


def departments(session: Session) -> list[Department]:
    return sorted(session.scalars(select(Department)), key=lambda d: d.full_name.lower())


@overload
def get_department(session: Session, department_id: int) -> Department: ...
@overload
def get_department(session: Session, department_id: int | None) -> Department | None: ...


def get_department(session: Session, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department = session.get(Department, department_id)
    if department is None:
        raise ValidationError(_("Choose a department from the list."), field="department_id")
    return department


def create_department(session: Session, name: str, parent_id: int | None,
                      name_zh: str | None = None) -> Department:
    department = Department(parent=get_department(session, parent_id))
    department_names.set_names(session, department, name, name_zh)
    session.add(department)
    session.commit()
    return department


def clean_title(title: str | None) -> str | None:
    """A job title as kept: trimmed, None when empty. Free text of at most MAX_TITLE_LENGTH
    characters on one line: control characters (tabs, line breaks...) are refused."""
    title = (title or "").strip()
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(_("A job title has at most %(max)d characters.", max=MAX_TITLE_LENGTH),
                              field="title")
    if any(unicodedata.category(char) == "Cc" for char in title):
        raise ValidationError(_("A job title cannot contain control characters such as tabs or line "
                                "breaks."), field="title")
    return title or None


def create_account(session: Session, actor: User, *, username: str, full_name: str, email: str | None,
                   department_id: int | None, role: str, title: str | None = None,
                   manager_id: int | None = None) -> tuple[User, str]:
    """The new account and its one-time password, shown to HR once."""
    _check_role(actor, role)
    _check_email(email)
    title = clean_title(title)
    manager = reporting.check_manager(session, None, manager_id)
    password = generate_password()
    user = create_user(session, username=username, full_name=full_name, password=password, role=role,
                       department=get_department(session, department_id), email=email or None, commit=False)
    user.title = title
    user.manager = manager
    session.flush()
    one_time_passwords.issue(session, actor, user, password)
    details = (f"role={role}" + (f"; title={title}" if title else "")
               + (f"; manager={manager.username}" if manager else ""))
    audit.record(session, "account.create", actor=actor, target=user.username, details=details)
    session.commit()
    return user, password


def update_account(session: Session, actor: User, user_id: int, *, full_name: str, email: str | None,
                   department_id: int | None, role: str, title: str | None,
                   manager_id: int | None | EllipsisType = ...) -> User:
    """HR's edit of an account: every change audited; the line manager (`...`: unchanged) never
    closes a cycle."""
    user = get_account(session, user_id)
    _check_may_manage(actor, user)
    _check_role(actor, role)
    _check_email(email)
    title = clean_title(title)
    manager = user.manager if manager_id is ... else reporting.check_manager(session, user, manager_id)
    if not (full_name or "").strip():
        raise ValidationError(_("A full name is required."), field="full_name")
    if user.id == actor.id and role != user.role:
        raise ValidationError(_("You cannot change your own role."), field="role")
    department = get_department(session, department_id)
    changes = []
    if (department.id if department else None) != user.department_id:
        changes.append(f"department: {user.department.name if user.department else '-'} -> "
                       f"{department.name if department else '-'}")
        user.department = department
        user.department_since = utcnow()
    if role != user.role:
        audit.record(session, "account.role", actor=actor, target=user.username,
                     details=f"role: {user.role} -> {role}")
        user.role = role
        # A changed role ends every session, so no page keeps what the old role allowed.
        user.session_token = new_session_token()
    if full_name.strip() != user.full_name:
        changes.append(f"name: {user.full_name} -> {full_name.strip()}")
    if (email or None) != user.email:
        changes.append("e-mail changed")
    if title != user.title:
        changes.append(f"title: {user.title or '-'} -> {title or '-'}")
    if (manager_changed := reporting.manager_change(user, manager)) is not None:
        changes.append(manager_changed)
    if changes:
        audit.record(session, "account.update", actor=actor, target=user.username, details="; ".join(changes))
    user.full_name = full_name.strip()
    user.email = email or None
    user.title = title
    session.commit()
    return user


def set_active(session: Session, actor: User, user_id: int, active: bool) -> User:
    user = get_account(session, user_id)
    _check_may_manage(actor, user)
    if user.id == actor.id and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.erased_at is not None and active:
        raise ValidationError(_("An erased account cannot be made active again."))
    if active != user.active:
        # The retention period of personal data counts from the deactivation (services/people/erasure).
        user.deactivated_at = None if active else utcnow()
    user.active = active
    user.session_token = new_session_token()
    audit.record(session, "account.reactivate" if active else "account.deactivate", actor=actor,
                 target=user.username)
    session.commit()
    return user


def identities_of(session: Session, user_id: int) -> list[ExternalIdentity]:
    """The person's links to the company's platforms and identity provider."""
    return list(session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user_id)
                                .order_by(ExternalIdentity.provider)))


def unlink_identity(session: Session, actor: User, user_id: int, identity_id: int) -> ExternalIdentity:
    """Remove a wrong link (audited): the identity no longer signs in as the person, and a directory
    sync from that provider no longer updates them; it matches the identity again the first time."""
    user = get_account(session, user_id)
    _check_may_manage(actor, user)
    link = found(session.scalar(select(ExternalIdentity).where(ExternalIdentity.id == identity_id,
                                                               ExternalIdentity.user_id == user.id)),
                 _("No such link."))
    record = session.scalar(select(DirectoryRecord).where(DirectoryRecord.user_id == user.id,
                                                          DirectoryRecord.source == link.provider))
    if record is not None:
        session.delete(record)
    session.delete(link)
    audit.record(session, "account.unlink", actor=actor, target=user.username,
                 details=f"provider={link.provider}; subject={link.subject}")
    session.commit()
    return link


def reset_password(session: Session, actor: User, user_id: int) -> tuple[User, str]:
    user = get_account(session, user_id)
    _check_may_manage(actor, user)
    password = generate_password()
    audit.record(session, "account.password_reset", actor=actor, target=user.username)
    one_time_passwords.issue(session, actor, user, password)
    session.commit()
    return user, password


def _check_email(email: str | None) -> None:
    if email and not EMAIL_RE.match(email):
        raise ValidationError(_("That does not look like an e-mail address."), field="email")


class CsvImportError(ValidationError):
    """Every problem of the file, each with its line; nothing was imported."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(ngettext("The file has %(num)d problem; nothing was imported.",
                                  "The file has %(num)d problems; nothing was imported.", len(problems)))
        self.problems = problems


@dataclass
class ImportedAccount:
    user: User
    password: str


def import_accounts_csv(session: Session, actor: User, data: bytes) -> list[ImportedAccount]:
    """All rows or none: the whole file is checked before anything is written. The header names
    CSV_COLUMNS, optionally followed by `title` (a job title) and `manager` (the username of the line
    manager: an active account, or someone else in the file), each once, in either order."""
    reader, names = csv_reader(data)
    department_ids = {d.name.lower(): d.id for d in session.scalars(select(Department))}
    existing = set(session.scalars(select(User.username)))
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    rows: list[_NewAccount] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.append((line, _("expected %(expected)d columns, found %(found)d",
                                     expected=len(names), found=len(row))))
            continue
        cells = dict(zip(names, (cell.strip() for cell in row), strict=True))
        username = normalize_username(cells["username"])
        role = cells["role"].lower() or Role.MANAGER.value
        title, title_problems = title_of_row(cells.get("title", ""))
        reasons = [*username_problems(username, existing, seen),
                   *_row_problems(actor, cells["full_name"], cells["email"], cells["department"], role,
                                  department_ids),
                   *title_problems]
        seen.setdefault(username, line)
        if reasons:
            # Translators: between two reasons a row of the imported file was refused.
            problems.append((line, _("; ").join(reasons)))
        else:
            rows.append(_NewAccount(username, cells["full_name"], cells["email"],
                                    department_ids.get(cells["department"].lower()), role, title,
                                    normalize_username(cells.get("manager", "")), line))
        if len(seen) > MAX_IMPORT_ROWS:
            problems.append((line, _("a file may hold at most %(num)d people", num=MAX_IMPORT_ROWS)))
            break
    managers = reporting.managers_of_import(session, {row.username: row.manager for row in rows}, set(seen))
    problems += [(row.line, managers.problems[row.username]) for row in rows
                 if row.username in managers.problems]
    if problems:
        raise CsvImportError(sorted(problems))
    if not rows:
        raise CsvImportError([(2, _("the file has no people in it"))])
    return _create_accounts(session, actor, rows, managers.existing)


def csv_reader(data: bytes, optional_columns: list[str] = CSV_OPTIONAL_COLUMNS) -> tuple[Any, list[str]]:
    """A reader past the file's header, and the header's column names: exactly the expected columns,
    then any of the optional ones, each at most once (also the directory sync's, directory_csv.py)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError([(1, _("the file is not UTF-8 text (save it as CSV UTF-8)"))]) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise CsvImportError([(1, _("the file is empty"))])
    names = [column.strip().lower() for column in header]
    optional = names[len(CSV_COLUMNS):]
    if (names[:len(CSV_COLUMNS)] != CSV_COLUMNS or len(set(optional)) != len(optional)
            or not set(optional) <= set(optional_columns)):
        raise CsvImportError([(1, _("the header must be exactly: %(columns)s (optionally followed by "
                                    "%(optional)s)", columns=",".join(CSV_COLUMNS),
                                    optional=_(" and/or ").join(optional_columns)))])
    return reader, names


def title_of_row(title: str) -> tuple[str | None, list[str]]:
    """A row's job title as kept, or why it is refused."""
    try:
        return clean_title(title), []
    except ValidationError as error:
        return None, [str(error)]


def username_problems(username: str, existing: set[str], seen: dict[str, int]) -> list[str]:
    if not USERNAME_RE.match(username):
        return [_("username %(username)s must be 2-64 lowercase letters, digits, '.', '_' or '-'",
                  username=repr(username))]
    if username in existing:
        return [_("username %(username)s already has an account", username=repr(username))]
    if username in seen:
        return [_("username %(username)s is also on line %(line)d", username=repr(username),
                  line=seen[username])]
    return []


def _row_problems(actor: User, full_name: str, email: str, department: str, role: str,
                  department_ids: dict[str, int]) -> list[str]:
    reasons = []
    if not full_name:
        reasons.append(_("full_name is empty"))
    if email and not EMAIL_RE.match(email):
        reasons.append(_("email %(email)s is not an e-mail address", email=repr(email)))
    if department and department.lower() not in department_ids:
        reasons.append(_("department %(department)s does not exist (create it first)",
                         department=repr(department)))
    if role not in ROLES:
        reasons.append(_("role %(role)s must be one of %(roles)s", role=repr(role), roles=", ".join(ROLES)))
    elif role not in grantable_roles(actor):
        reasons.append(_("only a president can grant the president role"))
    return reasons


@dataclass(frozen=True)
class _NewAccount:
    """One checked row of an imported file."""

    username: str
    full_name: str
    email: str
    department_id: int | None
    role: str
    title: str | None
    manager: str  # a username, or ""
    line: int


def _create_accounts(session: Session, actor: User, rows: list[_NewAccount],
                     existing_managers: dict[str, User]) -> list[ImportedAccount]:
    imported = []
    expires = utcnow()
    for row in rows:
        password = generate_password()
        user = User(username=row.username, full_name=row.full_name, email=row.email or None, role=row.role,
                    department_id=row.department_id, title=row.title)
        session.add(user)
        expires = one_time_passwords.issue(session, actor, user, password, audited=False)
        imported.append(ImportedAccount(user, password))
    new = {i.user.username: i.user for i in imported}
    for row in rows:
        if row.manager:
            new[row.username].manager = existing_managers.get(row.manager) or new[row.manager]
    people = ", ".join(i.user.username + (f" (manager={i.user.manager.username})" if i.user.manager else "")
                       for i in imported)
    audit.record(session, "account.import", actor=actor, target=f"{len(imported)} accounts",
                 details=f"one-time passwords until {expires:%Y-%m-%d %H:%M} UTC: {people}")
    session.commit()
    return imported
