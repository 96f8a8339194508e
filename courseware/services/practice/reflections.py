"""Reflections: a lesson's author asks one question at its end; each reader's answer is private.
The reader may share an answer with the president, who can reply. Nobody else ever reads one:
every read goes through readable_reflection(), which answers "not found" otherwise."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete as delete_rows
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from courseware.language import content_language
from courseware.models import FeatureState, Lesson, Reflection, ReflectionFeature, Role, User
from courseware.models.boards import bump_featured
from courseware.services.catalog.outline import LessonOutline
from courseware.services.errors import Forbidden, NotFound, ValidationError, found
from courseware.services.practice.common import MAX_REFLECTION, FieldChecks


def prompt_of(lesson: Lesson, language: str | None = None) -> str | None:
    """The reflection question of the lesson as learners read it now, in `language` (by default
    the request's content language) where its revision in that language asks one."""
    translated = lesson.published_revision_in(language or content_language())
    for revision in (translated, lesson.published_revision):
        if revision is not None and revision.reflection:
            return revision.reflection
    return None


def prompt_and_reflection(session: Session, user: User,
                          lesson: LessonOutline | Lesson) -> tuple[str | None, Reflection | None]:
    """For the end of the lesson page: the lesson's current question and the person's answer.
    `lesson` is the outline cache's view of a lesson (the question comes from memory, in the
    reader's language where their revision asks one, and one query reads the answer) or a Lesson."""
    if isinstance(lesson, LessonOutline):
        prompt = lesson.revision.reflection or lesson.source.reflection
    else:
        prompt = prompt_of(lesson)
    return prompt, own_reflection(session, user, lesson)


def own_reflection(session: Session, user: User, lesson: Lesson | LessonOutline) -> Reflection | None:
    return session.scalar(
        select(Reflection).where(Reflection.user_id == user.id, Reflection.lesson_id == lesson.id)
    )


def my_reflections(session: Session, user: User) -> list[Reflection]:
    return list(session.scalars(
        select(Reflection).where(Reflection.user_id == user.id)
        .options(selectinload(Reflection.lesson).selectinload(Lesson.course))
        .order_by(Reflection.updated_at.desc(), Reflection.id.desc())
    ))


def get_published_lesson(session: Session, lesson_id: int) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None or lesson.published_revision_id is None:
        raise NotFound(_("No such lesson."))
    return lesson


def save_reflection(session: Session, user: User, lesson: Lesson, answer: str, *,
                    now: datetime) -> Reflection:
    """Write or rewrite the person's answer to the lesson's current question."""
    prompt = prompt_of(lesson)
    if lesson.published_revision_id is None or prompt is None:
        raise NotFound(_("This lesson asks no reflection question."))
    checks = FieldChecks()
    answer = checks.text("answer", answer, MAX_REFLECTION, label=_("Your reflection"),
                         required=_("Write your reflection before saving it."))
    checks.raise_if_any()
    reflection = own_reflection(session, user, lesson)
    if reflection is None:
        reflection = Reflection(user_id=user.id, lesson_id=lesson.id, created_at=now, prompt=prompt,
                                answer=answer)
        try:
            with session.begin_nested():
                session.add(reflection)
        except IntegrityError:  # saved from a second tab a moment ago: this save rewrites it
            reflection = own_reflection(session, user, lesson)
            assert reflection is not None  # the IntegrityError was its row, there already
    reflection.prompt = prompt
    reflection.revision_id = lesson.published_revision_id
    reflection.answer = answer
    reflection.updated_at = now
    bump_featured(session, lesson.id)  # a featured reflection shows the new text
    session.commit()
    return reflection


def own(session: Session, user: User, reflection_id: int) -> Reflection:
    return found(session.scalar(
        select(Reflection).where(Reflection.id == reflection_id, Reflection.user_id == user.id)
    ), _("No such reflection."))


def readable_reflection(session: Session, viewer: User, reflection_id: int) -> Reflection:
    """The owner's, or a president's when it was shared; "not found" for everyone else."""
    reflection = session.get(Reflection, reflection_id)
    if reflection is None:
        raise NotFound(_("No such reflection."))
    if reflection.user_id == viewer.id:
        return reflection
    if viewer.role == Role.PRESIDENT.value and reflection.shared_at is not None:
        return reflection
    raise NotFound(_("No such reflection."))


def share(session: Session, user: User, reflection_id: int, *, now: datetime) -> Reflection:
    reflection = own(session, user, reflection_id)
    reflection.shared_at = reflection.shared_at or now
    session.commit()
    return reflection


def unshare(session: Session, user: User, reflection_id: int) -> Reflection:
    """Private again; a reply already written stays with the owner. A featuring the author agreed
    to is withdrawn, a request still waiting declined (services/practice/featuring.py)."""
    reflection = own(session, user, reflection_id)
    reflection.shared_at = None
    for states, becomes in ((FeatureState.SHOWN, FeatureState.WITHDRAWN), ((FeatureState.ASKED,),
                                                                          FeatureState.DECLINED)):
        session.execute(update(ReflectionFeature).where(ReflectionFeature.reflection_id == reflection.id,
                                                        ReflectionFeature.state.in_(states))
                        .values(state=becomes))
    bump_featured(session, reflection.lesson_id)
    session.commit()
    return reflection


def delete(session: Session, user: User, reflection_id: int) -> None:
    """The reflection and any request to feature it: gone from the lesson at once."""
    reflection = own(session, user, reflection_id)
    session.execute(delete_rows(ReflectionFeature).where(ReflectionFeature.reflection_id == reflection.id))
    bump_featured(session, reflection.lesson_id)
    session.delete(reflection)
    session.commit()


def shared_with_president(session: Session) -> list[Reflection]:
    """Every shared reflection, those still waiting for a reply first."""
    reflections = session.scalars(
        select(Reflection).where(Reflection.shared_at.is_not(None))
        .options(selectinload(Reflection.user), selectinload(Reflection.lesson))
        .order_by(Reflection.shared_at.desc(), Reflection.id.desc())
    )
    return sorted(reflections, key=lambda r: r.replied_at is not None)


def reply(session: Session, president: User, reflection_id: int, text: str, *,
          now: datetime) -> Reflection:
    if president.role != Role.PRESIDENT.value:
        raise Forbidden(_("Only the president replies to shared reflections."))
    reflection = readable_reflection(session, president, reflection_id)
    if reflection.shared_at is None:
        raise ValidationError(_("This reflection is no longer shared."))
    checks = FieldChecks()
    text = checks.text("reply", text, MAX_REFLECTION, label=_("Your reply"), required=_("Write your reply."))
    checks.raise_if_any()
    reflection.reply = text
    reflection.replied_at = now
    reflection.replied_by_id = president.id
    session.commit()
    return reflection
