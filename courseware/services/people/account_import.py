"""HR's import of people from a CSV file: every row checked before anything is written, then every
account made with a one-time password, in one transaction (the passwords' CSV and hand-out sheets:
import_handouts.py).

The CSV reading (the header, the encoding, each row's cells with its line) is shared with the
directory sync's CSV file (directory_csv.py)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import ROLES, Department, Role, User
from courseware.models._time import utcnow
from courseware.services.errors import ValidationError
from courseware.services.ops import audit
from courseware.services.people import one_time_passwords, reporting
from courseware.services.people.account_admin import EMAIL_RE, clean_title, grantable_roles
from courseware.services.people.accounts import USERNAME_RE, generate_password, normalize_username

CSV_COLUMNS = ["username", "full_name", "email", "department", "role"]
CSV_OPTIONAL_COLUMNS = ["title", "manager"]  # may follow the required ones in the header
MAX_IMPORT_ROWS = 1000  # each password is hashed with scrypt: about 0.1 s a person


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


def import_accounts_csv(session: Session, actor: User, data: bytes, *,
                        commit: bool = True) -> list[ImportedAccount]:
    """All rows or none: the whole file is checked before anything is written (and committed unless
    the caller commits with more). The header names
    CSV_COLUMNS, optionally followed by `title` (a job title) and `manager` (the username of the line
    manager: an active account, or someone else in the file), each once, in either order."""
    reader, names = csv_reader(data)
    department_ids = {d.name.lower(): d.id for d in session.scalars(select(Department))}
    existing = set(session.scalars(select(User.username)))
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    rows: list[_NewAccount] = []
    for line, cells in csv_rows(reader, names, problems):
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
    return _create_accounts(session, actor, rows, managers.existing, commit)


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


def csv_rows(reader: Any, names: list[str],
             problems: list[tuple[int, str]]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of the file that is not blank, as (its line, its trimmed cells by column name); a row
    with the wrong number of cells is added to `problems` instead."""
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.append((line, _("expected %(expected)d columns, found %(found)d",
                                     expected=len(names), found=len(row))))
            continue
        yield line, dict(zip(names, (cell.strip() for cell in row), strict=True))


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
                     existing_managers: dict[str, User], commit: bool) -> list[ImportedAccount]:
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
    if commit:
        session.commit()
    else:
        session.flush()
    return imported
