"""Reflections featured in their lesson, only with their author's yes.

The president asks (once per reflection, and only for one shared with them); the author is told in
their notices (the message `feature_request`, worded by services/notifications/messages.py) and
answers: yes with my name, yes without it, or no. Nothing is shown without a yes; the author may
change their answer or withdraw at any time, and the lesson stops showing it on its next request
(each change bumps the lesson's featured version, models/boards.py, in its transaction: the page
keeps the box as rendered per version). Stopping to share, or
deleting, the reflection withdraws it too (services/practice/reflections.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from courseware.models import FeatureState, Notification, Reflection, ReflectionFeature, Role, User
from courseware.models.boards import bump_featured
from courseware.services.errors import Conflict, Forbidden, ValidationError
from courseware.services.practice.reflections import own, readable_reflection

REQUEST_MESSAGE = "feature_request"
CHOICES = (FeatureState.NAMED, FeatureState.ANONYMOUS, FeatureState.DECLINED)


@dataclass(frozen=True)
class Featured:
    """A reflection as the lesson shows it: the author's name only when they said so."""

    prompt: str
    answer: str
    author: str | None


def feature_of(session: Session, reflection: Reflection) -> ReflectionFeature | None:
    return session.scalar(select(ReflectionFeature).where(ReflectionFeature.reflection_id == reflection.id))


def ask(session: Session, president: User, reflection_id: int, *, now: datetime) -> ReflectionFeature:
    """The president's request; the author finds it in their notices. Asked once per reflection."""
    if president.role != Role.PRESIDENT.value:
        raise Forbidden(_("Only the president asks to feature a reflection."))
    reflection = readable_reflection(session, president, reflection_id)
    if reflection.user_id == president.id:
        raise ValidationError(_("Your own reflection needs no permission: it is yours to share."))
    if reflection.shared_at is None:
        raise ValidationError(_("This reflection is no longer shared."))
    if feature_of(session, reflection) is not None:
        raise Conflict(_("You have already asked about this reflection: the author decides."))
    feature = ReflectionFeature(reflection_id=reflection.id, user_id=reflection.user_id,
                                lesson_id=reflection.lesson_id, requested_by_id=president.id,
                                requested_at=now, state=FeatureState.ASKED)
    session.add(feature)
    session.add(Notification(
        user_id=reflection.user_id, kind=REQUEST_MESSAGE, message=REQUEST_MESSAGE,
        params={"lesson_id": reflection.lesson_id, "lesson_title": reflection.lesson.title,
                "sender": president.full_name},
        link=f"/practice/reflections/{reflection.id}", created_at=now))
    session.commit()
    return feature


def decide(session: Session, user: User, reflection_id: int, choice: str, *,
           now: datetime) -> ReflectionFeature:
    """The author's answer: `named`, `anonymous` or `declined`. A no after a yes withdraws it."""
    reflection = own(session, user, reflection_id)
    feature = feature_of(session, reflection)
    if feature is None:
        raise Conflict(_("Nobody has asked to feature this reflection."))
    if choice not in CHOICES:
        raise ValidationError(_("Choose whether the lesson may show your reflection."), field="choice")
    if choice in FeatureState.SHOWN and reflection.shared_at is None:
        raise ValidationError(_("Share the reflection with the president again before it can be featured."),
                              field="choice")
    if choice == FeatureState.DECLINED and feature.is_shown:
        choice = FeatureState.WITHDRAWN
    feature.state = choice
    feature.decided_at = now
    bump_featured(session, reflection.lesson_id)
    session.commit()
    return feature


def featured_in_lesson(session: Session, lesson_id: int) -> list[Featured]:
    """What the lesson shows under "What managers wrote": only reflections whose author said yes,
    named or anonymous (one query)."""
    rows = session.scalars(
        select(ReflectionFeature)
        .where(ReflectionFeature.lesson_id == lesson_id, ReflectionFeature.state.in_(FeatureState.SHOWN))
        .options(selectinload(ReflectionFeature.reflection).selectinload(Reflection.user))
        .order_by(ReflectionFeature.decided_at, ReflectionFeature.id))
    return [Featured(row.reflection.prompt, row.reflection.answer,
                     row.reflection.user.full_name if row.state == FeatureState.NAMED else None)
            for row in rows]
