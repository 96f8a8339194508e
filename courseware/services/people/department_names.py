"""A department's names: the one it is known by (unique, what imports and the directory match) and,
for Chinese pages, its Chinese name (models.Department.local_name picks by the reader's language)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from courseware.models import Department, User
from courseware.services.errors import ValidationError, found
from courseware.services.ops import audit

MAX_NAME = 120


def set_names(session: Session, department: Department, name: str | None, name_zh: str | None) -> None:
    """Check the two names and set them (no commit): each is one line of at most MAX_NAME characters,
    and no other department is called either."""
    name, name_zh = _clean(name, "name"), _clean(name_zh, "name_zh") or None
    if not name:
        raise ValidationError(_("A department needs a name."), field="name")
    for value, field in ((name, "name"), (name_zh, "name_zh")):
        if value and _taken(session, value, department.id):
            raise ValidationError(_("There is already a department called %(name)s.", name=repr(value)),
                                  field=field)
    department.name, department.name_zh = name, name_zh


def rename(session: Session, actor: User, department_id: int, name: str | None,
           name_zh: str | None) -> Department:
    """HR renames a department or gives it its Chinese name; audited. One commit."""
    department = found(session.get(Department, department_id), _("There is no such department."))
    before = (department.name, department.name_zh)
    set_names(session, department, name, name_zh)
    if (department.name, department.name_zh) != before:
        audit.record(session, "department.rename", actor=actor, target=department.name,
                     details=f"{before[0]} / {before[1] or '-'} -> "
                             f"{department.name} / {department.name_zh or '-'}")
    session.commit()
    return department


def _clean(value: str | None, field: str) -> str:
    value = " ".join((value or "").split())  # one line: tabs and line breaks become spaces
    if len(value) > MAX_NAME:
        raise ValidationError(_("A department's name has at most %(max)d characters.", max=MAX_NAME),
                              field=field)
    return value


def _taken(session: Session, value: str, department_id: int | None) -> bool:
    """Whether another department has `value` as either of its names (letter case aside)."""
    lowered = value.lower()
    clash = or_(func.lower(Department.name) == lowered, func.lower(Department.name_zh) == lowered)
    query = select(Department.id).where(clash)
    if department_id is not None:
        query = query.where(Department.id != department_id)
    return session.scalar(query.limit(1)) is not None
