"""The hosts: people the president names to answer and moderate lesson questions beside them.

The president manages the list (/author/hosts); each change is audited ("question.host_add",
"question.host_remove"). Only active accounts can be named; a deactivated host answers no more.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.models import QuestionHost, Role, User
from courseware.models.boards import bump_questions
from courseware.services.errors import Conflict, NotFound, ValidationError
from courseware.services.ops import audit


def is_host(session: Session, user: User) -> bool:
    return session.scalar(select(QuestionHost.id).where(QuestionHost.user_id == user.id)) is not None


def can_moderate(session: Session, user: User) -> bool:
    """Whether the person answers and moderates questions: the president, or an active host."""
    if not user.is_authenticated or not user.active:
        return False
    return user.has_role(Role.PRESIDENT.value) or is_host(session, user)


def hosts(session: Session) -> list[User]:
    """The hosts, by name."""
    return list(session.scalars(select(User).join(QuestionHost, QuestionHost.user_id == User.id)
                                .order_by(User.full_name, User.id)))


def candidates(session: Session) -> list[User]:
    """Who may be named: active people who are neither a president nor a host already, by name."""
    named = select(QuestionHost.user_id)
    return list(session.scalars(select(User).where(
        User.active.is_(True), User.role != Role.PRESIDENT.value, User.id.not_in(named))
        .order_by(User.full_name, User.id)))


def add(session: Session, president: User, user_id: int | None, now: datetime) -> User:
    """Name a host (audited); one commit."""
    if user_id is None:
        raise ValidationError(_("Choose the person to name as a host."), field="user_id")
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationError(_("Choose an active person to name as a host."), field="user_id")
    if user.has_role(Role.PRESIDENT.value):
        raise ValidationError(_("A president already answers questions: choose someone else."),
                              field="user_id")
    if is_host(session, user):
        raise Conflict(_("%(name)s is already a host.", name=user.full_name))
    session.add(QuestionHost(user_id=user.id, added_by_id=president.id, created_at=now))
    audit.record(session, "question.host_add", actor=president, target=user.username)
    bump_questions(session, None)  # every lesson's board: who moderates changed
    try:
        session.commit()
    except IntegrityError as error:  # named twice at once: the other stands
        session.rollback()
        raise Conflict(_("%(name)s is already a host.", name=user.full_name)) from error
    return user


def remove(session: Session, president: User, user_id: int) -> User:
    """Take a host off the list (audited); one commit. Their answers stay."""
    row = session.scalar(select(QuestionHost).where(QuestionHost.user_id == user_id))
    if row is None:
        raise NotFound(_("That person is not a host."))
    user = row.user
    session.delete(row)
    audit.record(session, "question.host_remove", actor=president, target=user.username)
    bump_questions(session, None)
    session.commit()
    return user
