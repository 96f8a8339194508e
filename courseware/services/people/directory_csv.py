"""A CSV file as the company's directory (`flask directory sync --source csv --file PATH`).

The format is HR's account import's (account_import.import_accounts_csv, read by the same helpers):
the header `username,full_name,email,department,role`, optionally followed by `title`, `manager` (the
line manager's username, someone in the file) and `mobile`, each once. A person's id in the directory
is their username; a department's is its name (departments named in the file are created). `role`
is read as in the import but the sync never grants or changes a role (new people are managers).

Every problem of the file is reported with its line, and the file is refused whole: a
DirectoryFileError, which the command prints as `PATH:LINE: problem` and nothing is changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from courseware.services.people.account_admin import EMAIL_RE
from courseware.services.people.account_import import (
    CSV_OPTIONAL_COLUMNS,
    MAX_IMPORT_ROWS,
    CsvImportError,
    csv_reader,
    csv_rows,
    title_of_row,
    username_problems,
)
from courseware.services.people.accounts import normalize_username
from courseware.services.people.directory_people import MAX_MOBILE, MAX_NAME
from courseware.services.people.directory_types import (
    DirectoryDepartment,
    DirectoryPerson,
    DirectorySnapshot,
    DirectoryUnavailable,
)

OPTIONAL_COLUMNS = [*CSV_OPTIONAL_COLUMNS, "mobile"]
MAX_DIRECTORY_ROWS = MAX_IMPORT_ROWS * 20  # no password is hashed: a directory may be large


class DirectoryFileError(DirectoryUnavailable):
    """The file's problems, each with its line: `PATH:LINE: problem`, one a line."""

    def __init__(self, path: str, problems: list[tuple[int, str]]):
        self.path, self.problems = path, sorted(problems)
        super().__init__("\n".join(f"{path}:{line}: {problem}" if line else f"{path}: {problem}"
                                   for line, problem in self.problems))


@dataclass
class CsvDirectory:
    """The directory in a CSV file (read whole at each snapshot)."""

    path: str
    provider: str = "csv"

    def snapshot(self) -> DirectorySnapshot:
        try:
            data = Path(self.path).read_bytes()
        except OSError as error:
            raise DirectoryFileError(self.path, [(0, _("cannot read the file: %(reason)s",
                                                       reason=error.strerror or str(error)))]) from None
        try:
            return parse(data, self.path)
        except CsvImportError as error:  # the header or the encoding, from the import's reader
            raise DirectoryFileError(self.path, error.problems) from None


def parse(data: bytes, path: str = "-") -> DirectorySnapshot:
    reader, names = csv_reader(data, OPTIONAL_COLUMNS)
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    people: list[DirectoryPerson] = []
    departments: dict[str, DirectoryDepartment] = {}
    managers: dict[str, tuple[str, int]] = {}
    for line, cells in csv_rows(reader, names, problems):
        person, reasons = _person(cells, seen, line)
        seen.setdefault(person.username or "", line)
        if reasons:
            # Translators: between two reasons a row of the imported file was refused.
            problems.append((line, _("; ").join(reasons)))
            continue
        if cells["department"]:
            departments.setdefault(cells["department"].lower(),
                                   DirectoryDepartment(cells["department"].lower(), cells["department"]))
        if person.manager_external_id:
            managers[person.external_id] = (person.manager_external_id, line)
        people.append(person)
        if len(seen) > MAX_DIRECTORY_ROWS:
            problems.append((line, _("a file may hold at most %(num)d people", num=MAX_DIRECTORY_ROWS)))
            break
    problems += [(line, _("manager %(manager)s is not in the file", manager=repr(manager)))
                 for manager, line in managers.values() if manager not in seen]
    if problems:
        raise DirectoryFileError(path, problems)
    if not people:
        raise DirectoryFileError(path, [(2, _("the file has no people in it"))])
    return DirectorySnapshot("csv", list(departments.values()), people)


def _person(cells: dict[str, str], seen: dict[str, int], line: int) -> tuple[DirectoryPerson, list[str]]:
    """The row as a person of the directory, and why it is refused (nothing: it is fine)."""
    username = normalize_username(cells["username"])
    title, reasons = title_of_row(cells.get("title", ""))
    reasons = [*username_problems(username, set(), seen), *reasons]
    if not cells["full_name"] or len(cells["full_name"]) > MAX_NAME:
        reasons.append(_("full_name must have 1 to %(max)d characters", max=MAX_NAME))
    if cells["email"] and not EMAIL_RE.match(cells["email"]):
        reasons.append(_("email %(email)s is not an e-mail address", email=repr(cells["email"])))
    if len(cells.get("mobile", "")) > MAX_MOBILE:
        reasons.append(_("mobile has more than %(max)d characters", max=MAX_MOBILE))
    if len(cells["department"]) > MAX_NAME:
        reasons.append(_("department must have at most %(max)d characters", max=MAX_NAME))
    manager = normalize_username(cells.get("manager", ""))
    if manager and manager == username:
        reasons.append(_("a person cannot be their own line manager"))
    person = DirectoryPerson(external_id=username, full_name=cells["full_name"], username=username,
                             email=cells["email"] or None, mobile=cells.get("mobile") or None,
                             department_external_id=cells["department"].lower() or None,
                             manager_external_id=manager or None, title=title)
    return person, reasons
