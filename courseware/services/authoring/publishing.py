"""Publishing lesson revisions: now, on a schedule, or taking a lesson down.

A **minor** publication (wording) keeps everyone's completion as it is; a **material** one makes
people who completed an earlier revision see "updated since you completed it" (services/progress).

Each language's revisions are published on their own (models/content). Only the source language's
publications move the lesson, take it in or out of the course, and can be material; a translation's
publication changes what its readers read and nothing else.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from courseware.language import SOURCE_LANGUAGE, TRANSLATION_LANGUAGES
from courseware.models import Lesson, LessonRevision, LessonTranslation, User
from courseware.models._time import utcnow
from courseware.models.sql import rows_changed
from courseware.services.authoring.lessons import module_of, renumber_lessons, revision_of
from courseware.services.errors import ValidationError
from courseware.services.ops import audit

log = logging.getLogger(__name__)


def is_first_publication(lesson: Lesson, language: str = SOURCE_LANGUAGE) -> bool:
    """Never published (in `language`) before: everything in it is new to every reader."""
    return all(revision.published_at is None for revision in lesson.revisions_in(language))


@dataclass(frozen=True)
class MissingTranslation:
    """The course is read in `language` (`translated` of its `published` other lessons have a version
    there) but the lesson has no published version in it: its readers will get it in English."""

    language: str
    translated: int
    published: int


def missing_translations(session: Session, lesson: Lesson) -> list[MissingTranslation]:
    """The languages the lesson's course is read in where the lesson has no published version (two
    queries): the publish page warns before a lesson goes out untranslated into a bilingual course."""
    others = select(Lesson.id).where(Lesson.course_id == lesson.course_id, Lesson.id != lesson.id,
                                     Lesson.is_published)
    published = len(session.scalars(others).all())
    if not published:
        return []
    counts: dict[str, int] = {language: count for language, count in session.execute(
        select(LessonTranslation.language, func.count()).where(
            LessonTranslation.lesson_id.in_(others), LessonTranslation.published_revision_id.is_not(None))
        .group_by(LessonTranslation.language))}
    return [MissingTranslation(language, counts[language], published)
            for language in TRANSLATION_LANGUAGES
            if counts.get(language) and lesson.published_revision_in(language) is None]


def check_publishable(lesson: Lesson, revision: LessonRevision) -> None:
    published = lesson.published_revision_in(revision.language)
    if published is None:
        return
    if revision.number <= published.number:
        raise ValidationError(
            _("Revision %(number)s is not newer than the published revision %(published)s. To bring "
              "it back, restore it as a new draft and publish that.",
              number=revision.number, published=published.number)
        )
    if revision.content_hash == published.content_hash:
        raise ValidationError(
            _("Revision %(number)s is the same as the published revision %(published)s; there is "
              "nothing new to publish.", number=revision.number, published=published.number)
        )


def publish(session: Session, lesson: Lesson, number: int, material: bool,
            now: datetime | None = None, actor: User | None = None,
            language: str = SOURCE_LANGUAGE) -> LessonRevision:
    revision = revision_of(session, lesson, number, language)
    check_publishable(lesson, revision)
    _make_published(session, lesson, revision, material, now or utcnow())
    audit.record(session, "lesson.publish", actor=actor, target=f"lesson {lesson.id} {lesson.slug}",
                 details=f"{_language_note(language)}revision {number}, "
                         f"{'material' if revision.material else 'minor'}")
    session.commit()
    log.info("published lesson %s revision %s (%s)", lesson.id, number,
             "material" if revision.material else "minor")
    return revision


def _language_note(language: str) -> str:
    return "" if language == SOURCE_LANGUAGE else f"{language} "


def _make_published(session: Session, lesson: Lesson, revision: LessonRevision, material: bool,
                    now: datetime) -> None:
    language = revision.language
    source = language == SOURCE_LANGUAGE
    # Completions follow the source language: a translation's publication is never material.
    revision.material = (True if is_first_publication(lesson) else material) if source else False
    revision.published_at = now
    revision.scheduled_for = None
    revision.scheduled_material = False
    lesson.set_published_in(language, revision)
    # A schedule for a revision no newer than this one could never be carried out.
    for other in lesson.revisions_in(language):
        if other.number <= revision.number:
            other.scheduled_for = None
    if not source:
        return
    module = module_of(revision)
    if module.id != lesson.module_id:
        lesson.module = module
        lesson.position = 10_000  # last in its new module, until renumbered
        renumber_lessons(session, lesson.course)


def unpublish(session: Session, lesson: Lesson, actor: User | None = None,
              language: str = SOURCE_LANGUAGE) -> None:
    """Take the lesson out of the course, or (another language) take its translation down, so
    that readers of that language read the source language's revision."""
    if lesson.published_revision_in(language) is None:
        raise ValidationError(_("This lesson is not published."))
    lesson.set_published_in(language, None)
    audit.record(session, "lesson.unpublish", actor=actor, target=f"lesson {lesson.id} {lesson.slug}",
                 details=_language_note(language).strip())
    session.commit()
    log.info("unpublished lesson %s", lesson.id)


def schedule(session: Session, lesson: Lesson, number: int, material: bool, when: datetime,
             now: datetime | None = None, language: str = SOURCE_LANGUAGE) -> LessonRevision:
    """Publish `number` once `when` (naive UTC, as stored: views convert what was typed) has
    passed; replaces any other schedule of the lesson in that language."""
    revision = revision_of(session, lesson, number, language)
    check_publishable(lesson, revision)
    if when <= (now or utcnow()):
        raise ValidationError(_("Choose a time in the future."), field="when")
    for other in lesson.revisions_in(language):
        other.scheduled_for = None
    revision.scheduled_for = when
    revision.scheduled_material = (
        (True if is_first_publication(lesson) else material) if language == SOURCE_LANGUAGE else False)
    session.commit()
    return revision


def cancel_schedule(session: Session, lesson: Lesson, language: str = SOURCE_LANGUAGE) -> None:
    scheduled = [revision for revision in lesson.revisions_in(language)
                 if revision.scheduled_for is not None]
    if not scheduled:
        raise ValidationError(_("Nothing is scheduled for this lesson."))
    for revision in scheduled:
        revision.scheduled_for = None
    session.commit()


def publish_due(session: Session, now: datetime | None = None) -> list[LessonRevision]:
    """Publish every scheduled revision whose time has passed, each in its own transaction.

    Safe to run from several processes at once: a revision is claimed by clearing its schedule
    with a conditional UPDATE, so only one of them publishes it.
    """
    now = now or utcnow()
    due = session.execute(
        select(LessonRevision.id, LessonRevision.scheduled_material)
        .where(LessonRevision.scheduled_for.is_not(None), LessonRevision.scheduled_for <= now)
        .order_by(LessonRevision.scheduled_for)
    ).all()
    session.rollback()
    published = []
    for revision_id, material in due:
        claimed = session.execute(
            update(LessonRevision)
            .where(LessonRevision.id == revision_id, LessonRevision.scheduled_for.is_not(None))
            .values(scheduled_for=None)
            .execution_options(synchronize_session=False)
        )
        # An UPDATE's result is a CursorResult, which SQLAlchemy 2.0's Session.execute() types as Result.
        if rows_changed(claimed) != 1:
            session.rollback()
            continue
        revision = session.get_one(LessonRevision, revision_id)  # claimed just now: it exists
        session.refresh(revision)
        lesson = revision.lesson
        try:
            check_publishable(lesson, revision)
        except ValidationError as reason:
            log.info("scheduled revision %s not published: %s", revision_id, reason)
            session.commit()  # the schedule stays cleared
            continue
        _make_published(session, lesson, revision, material, now)
        audit.record(session, "lesson.publish", actor_name="scheduler",
                     target=f"lesson {lesson.id} {lesson.slug}",
                     details=f"revision {revision.number} as scheduled, "
                             f"{'material' if revision.material else 'minor'}")
        session.commit()
        log.info("published scheduled lesson %s revision %s", lesson.id, revision.number)
        published.append(revision)
    return published
