"""Directory sync: the company's directory (WeCom, DingTalk, Feishu or a CSV file) made true here.

`sync` reads a snapshot (directory_types.py), makes the plan (directory_plan.py) and, unless it is a
dry run, applies all of it in one transaction, each change audited (ops.audit), or nothing. What a
sync writes to a person is remembered (DirectoryRecord), so that a field HR edits by hand afterwards
is kept by the next sync unless it is told to overwrite it (`overwrite_manual`). A second run over
the same directory changes nothing.

Safety: a sync deactivates only people it synced before from the same source and no longer listed,
never a president or HR account (their accounts run the site; HR deactivates them by hand), nor the
person running it, nor the break-glass account (PASSWORD_SIGNIN_BREAK_GLASS). It never grants or
changes a role: new people are managers, with a random password nobody knows (they sign in with the
company's platform); with `passwords=True` each gets a one-time password instead, returned once.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from courseware.models import Department, DirectoryRecord, ExternalIdentity, Role, User
from courseware.models._time import utcnow
from courseware.models.accounts import new_session_token
from courseware.models.boards import renamed
from courseware.services.ops import audit
from courseware.services.people.accounts import generate_password
from courseware.services.people.directory_plan import (
    SYNCED_FIELDS,
    DepartmentChange,
    FieldChange,
    PersonChange,
    Plan,
    make_plan,
)
from courseware.services.people.directory_types import (
    DirectorySnapshot,
    DirectorySource,
    DirectoryUnavailable,
)

SOURCES = ("wecom", "dingtalk", "feishu", "csv")
# The setting without which each platform's directory cannot be read (its client, in
# services/people/platforms.py, checks the rest).
# The departments and people of this sync, by their ids in the directory.
Rows = tuple[dict[str, Department], dict[str, User]]


@dataclass
class SyncReport:
    plan: Plan
    dry_run: bool
    passwords: dict[str, str] = field(default_factory=dict)  # username -> one-time password

    @property
    def counts(self) -> dict[str, int]:
        return self.plan.counts()


def open_source(provider: str, config: Any, path: str | None = None) -> DirectorySource:
    """The directory to read: a CSV file, or a platform's (its client is imported only now, and
    refuses to start unconfigured); DirectoryUnavailable says what is missing."""
    if provider not in SOURCES:
        raise DirectoryUnavailable(_("Unknown directory source %(source)s: choose one of %(sources)s.",
                                     source=repr(provider), sources=", ".join(SOURCES)))
    if provider == "csv":
        if not path:
            raise DirectoryUnavailable(_("A CSV directory needs its file: --file PATH (or "
                                         "DIRECTORY_SYNC_FILE for the daily job)."))
        from courseware.services.people.directory_csv import CsvDirectory

        return CsvDirectory(path)
    from courseware.services.people import platforms

    missing = [key for key in platforms.REQUIRED[provider] if not config.get(key)]
    if missing:
        raise DirectoryUnavailable(_("%(setting)s is not set: the %(source)s directory cannot be read "
                                     "without it (see the README, \"Directory sync\").",
                                     setting=missing[0], source=provider))
    return platforms.directory_source(provider, config)


def run(session: Session, source: DirectorySource, **options: Any) -> SyncReport:
    """Read the whole directory (DirectoryUnavailable: nothing changed), then `sync` it."""
    return sync(session, source.snapshot(), **options)


def sync(session: Session, snapshot: DirectorySnapshot, *, dry_run: bool = False,
         overwrite_manual: bool = False, actor: User | None = None, actor_name: str = "",
         protected_username: str = "", passwords: bool = False, record_run: bool = True) -> SyncReport:
    """Plan, then (unless a dry run or nothing changes) apply and commit once, with an audit event of
    the run's counts (`record_run`; the daily job records its own). A DirectoryError (or anything
    else) rolls everything back."""
    try:
        plan = make_plan(session, snapshot, overwrite_manual=overwrite_manual, actor=actor,
                         protected_username=protected_username)
        report = SyncReport(plan, dry_run)
        if dry_run or plan.empty:
            session.rollback()
            return report
        who: dict[str, Any] = {"actor": actor, "actor_name": actor_name or f"directory-sync:{plan.source}"}
        _apply(session, plan, report, passwords, who)
        if record_run:
            audit.record(session, "directory.sync", target=plan.source, details=summary(plan.counts()), **who)
        session.commit()
        return report
    except BaseException:
        session.rollback()
        raise


def summary(counts: dict[str, int]) -> str:
    """The counts as the audit trail keeps them (not translated: one format for every reader)."""
    return "; ".join(f"{name}={value}" for name, value in counts.items())


def _apply(session: Session, plan: Plan, report: SyncReport, passwords: bool, who: dict) -> None:
    departments = _apply_departments(session, plan, who)
    users: dict[str, User] = {}
    for change in plan.people:
        users[change.person.external_id] = _person(session, plan.source, change, report, passwords, who)
    session.flush()
    for change in plan.people:
        _write_fields(session, change, users[change.person.external_id], (departments, users), who)
    session.flush()
    records = {r.user_id: r for r in session.scalars(select(DirectoryRecord).where(
        DirectoryRecord.user_id.in_([user.id for user in users.values()])))}
    for change in plan.people:
        _remember(session, plan.source, change, users[change.person.external_id], records,
                  (departments, users))
    for user in plan.deactivate:
        user.active = False
        user.session_token = new_session_token()
        record = _record_of(session, user)
        if record is not None:
            record.values = {**record.values, "active": False}
        audit.record(session, "account.deactivate", target=user.username,
                     details=f"directory sync {plan.source}: no longer listed", **who)


def _apply_departments(session: Session, plan: Plan, who: dict) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for change in plan.departments:
        department = change.department
        if department is None:
            department = Department(name=change.name)
            session.add(department)
            audit.record(session, "directory.department", target=change.name,
                         details=f"created from {plan.source}", **who)
        elif change.changes or change.link:
            audit.record(session, "directory.department", target=change.name,
                         details=_department_details(plan.source, change), **who)
        department.name = change.name
        department.directory_source, department.directory_id = plan.source, change.external_id
        departments[change.external_id] = department
    for change in plan.departments:
        parent = departments.get(change.parent_external_id or "")
        departments[change.external_id].parent = parent
    session.flush()
    return departments


def _department_details(source: str, change: DepartmentChange) -> str:
    parts = [f"{c.name}: {c.before} -> {c.after}" for c in change.changes]
    if change.link:
        parts.append(f"linked to {source} id {change.external_id}")
    return "; ".join(parts)


def _person(session: Session, source: str, change: PersonChange, report: SyncReport, passwords: bool,
            who: dict) -> User:
    """The person's account: made now (a manager), or found; linked to the source the first time."""
    user = change.user
    if user is None:
        user = User(username=change.username, full_name=change.values["full_name"], role=Role.MANAGER.value)
        if passwords:
            report.passwords[user.username] = password = generate_password()
            user.set_password(password)
        else:  # a random secret nobody is told: they sign in with the company's platform
            user.password_hash = generate_password_hash(secrets.token_urlsafe(32),
                                                        method="pbkdf2:sha256:1000")
        session.add(user)
        audit.record(session, "account.create", target=user.username,
                     details=f"role={Role.MANAGER.value}; from directory {source}", **who)
    if change.how != "identity":
        session.add(ExternalIdentity(provider=source, subject=change.person.external_id, user=user))
        audit.record(session, "account.link", target=user.username,
                     details=f"provider={source}; subject={change.person.external_id}; "
                             + ("made by a directory sync" if change.how == "new"
                                else f"matched by {change.how} in a directory sync"), **who)
    return user


def _write_fields(session: Session, change: PersonChange, user: User, rows: Rows, who: dict) -> None:
    """Write the changed fields (not those kept)."""
    departments, users = rows
    department = departments.get(change.person.department_external_id or "")
    manager = users.get(change.person.manager_external_id or "")
    written = {c.name for c in change.changes}
    if "full_name" in written:
        user.full_name = change.values["full_name"]
        renamed(session)
    for name in ("email", "mobile", "title"):
        if name in written:
            setattr(user, name, change.values[name])
    if "department_id" in written:
        user.department = department
        user.department_since = utcnow()
    if "manager_id" in written:
        user.manager = manager
    if "active" in written:
        user.active = True
    if change.user is not None and change.changes:
        audit.record(session, "account.update", target=user.username, details=_person_details(change), **who)
    if change.user is not None and "active" in written:
        audit.record(session, "account.reactivate", target=user.username, details="listed again", **who)


def _remember(session: Session, source: str, change: PersonChange, user: User,
              records: dict[int, DirectoryRecord], rows: Rows) -> None:
    """What the directory said of the person (also of the fields kept), for the next sync to compare."""
    department = rows[0].get(change.person.department_external_id or "")
    manager = rows[1].get(change.person.manager_external_id or "")
    values = {**change.values, "department_id": department.id if department else None,
              "manager_id": manager.id if manager else None}
    record = records.get(user.id)
    if record is None:
        session.add(DirectoryRecord(user_id=user.id, source=source, values=values))
    elif record.values != values or record.source != source:
        record.values, record.source, record.synced_at = values, source, utcnow()


def _record_of(session: Session, user: User) -> DirectoryRecord | None:
    return session.scalar(select(DirectoryRecord).where(DirectoryRecord.user_id == user.id))


def _person_details(change: PersonChange) -> str:
    parts = [f"{c.name}: {c.before} -> {c.after}" for c in change.changes if c.name != "email"]
    if any(c.name == "email" for c in change.changes):
        parts.append("e-mail changed")
    if change.kept:
        parts.append("kept (edited by hand): " + ", ".join(c.name for c in change.kept))
    return "; ".join(parts) + " (directory sync)"


FIELD_LABELS = {
    "full_name": lambda: _("name"), "email": lambda: _("e-mail"), "mobile": lambda: _("mobile"),
    "title": lambda: _("title"), "department_id": lambda: _("department"),
    "manager_id": lambda: _("line manager"), "active": lambda: _("active"), "name": lambda: _("name"),
    "parent": lambda: _("parent department"),
}
assert set(SYNCED_FIELDS) <= set(FIELD_LABELS)


def _field(change: FieldChange) -> str:
    return _("%(field)s: %(before)s → %(after)s", field=FIELD_LABELS[change.name](), before=change.before,
             after=change.after)


def describe(report: SyncReport) -> list[str]:
    """The plan as lines for a person to read (the CLI prints them; a dry run says it changed nothing)."""
    plan, lines = report.plan, []
    for change in plan.departments:
        if change.department is None:
            lines.append(_("+ department %(name)s", name=change.name))
        for item in change.changes:
            lines.append(_("~ department %(name)s: %(change)s", name=change.name, change=_field(item)))
    for person in plan.people:
        lines += _person_lines(person)
    for user in plan.deactivate:
        lines.append(_("- %(name)s (%(username)s): deactivated, no longer in the directory",
                       name=user.full_name, username=user.username))
    for user in plan.spared:
        lines.append(_("! %(name)s (%(username)s) is no longer in the directory but stays active: HR and "
                       "president accounts, and yours, are deactivated by hand",
                       name=user.full_name, username=user.username))
    counts = plan.counts()
    lines.append(_("%(created)d to create, %(updated)d to update, %(deactivated)d to deactivate, "
                   "%(linked)d linked the first time, %(departments)d department(s) created or changed, "
                   "%(kept)d field(s) kept as edited by hand.",
                   created=counts["created"], updated=counts["updated"], deactivated=counts["deactivated"],
                   linked=counts["linked"], kept=counts["kept"],
                   departments=counts["departments_created"] + counts["departments_changed"]))
    if report.dry_run:
        lines.append(_("Dry run: nothing was changed."))
    elif plan.empty:
        lines.append(_("Nothing to change: the site already matches the directory."))
    return lines


def _person_lines(change: PersonChange) -> list[str]:
    who = f"{change.values['full_name']} ({change.username})"
    lines = []
    if change.user is None:
        lines.append(_("+ %(person)s: new account", person=who))
    elif change.how in ("e-mail", "username"):
        lines.append(_("= %(person)s: linked to the directory's %(id)s by %(how)s", person=who,
                       id=change.person.external_id,
                       how=_("e-mail address") if change.how == "e-mail" else _("username")))
    for item in change.changes:
        if change.user is not None:
            lines.append(_("~ %(person)s: %(change)s", person=who, change=_field(item)))
    for item in change.kept:
        lines.append(_("! %(person)s: %(change)s not applied: edited by hand since the last sync "
                       "(--overwrite-manual applies it)", person=who, change=_field(item)))
    return lines
