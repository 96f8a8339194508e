"""HR's account work: create, edit, deactivate, reset passwords (the CSV import: account_import.py)."""
from __future__ import annotations

import re
import unicodedata
from types import EllipsisType
from typing import overload

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from courseware.models import ROLES, Department, DirectoryRecord, ExternalIdentity, Role, User
from courseware.models._time import utcnow
from courseware.models.accounts import new_session_token
from courseware.models.boards import renamed
from courseware.services.errors import Forbidden, ValidationError, found
from courseware.services.ops import audit
from courseware.services.people import department_names, one_time_passwords, reporting
from courseware.services.people.accounts import (
    create_user,
    generate_password,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TITLE_LENGTH = 120


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
        renamed(session)
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
