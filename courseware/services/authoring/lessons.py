"""The president's writing desk: courses, modules and lessons, and lesson revisions that are never
overwritten. Each save is a new revision; a save based on an older revision is refused."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.content.loader import (
    MAX_REFLECTION,
    RESERVED_LESSON_SLUGS,
    SLUG_RE,
    check_lesson_body,
)
from courseware.content.rendering import lesson_hash, render_markdown
from courseware.content.yamlfile import ContentError
from courseware.language import SOURCE_LANGUAGE
from courseware.models import Course, Lesson, LessonRevision, Module, User
from courseware.services.authoring import front_matter
from courseware.services.errors import Conflict, InvalidFields, NotFound, ValidationError, found

MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_NOTE = 500
MAX_SOURCE = 200_000
MAX_MINUTES = 600


class EditConflict(Conflict):
    """Someone saved the lesson after the revision the editor was opened on."""

    def __init__(self, latest: LessonRevision):
        super().__init__(
            _("This lesson changed while you were editing: revision %(number)s was saved by %(name)s "
              "since you opened it. Your text below has not been saved.",
              number=latest.number, name=latest.author.full_name)
            if latest.author else
            _("This lesson changed while you were editing: revision %(number)s was saved since you "
              "opened it. Your text below has not been saved.", number=latest.number)
        )
        self.latest = latest


@dataclass
class LessonFields:
    title: str
    module_id: int | None
    minutes: int | None
    summary: str = ""
    source: str = ""
    note: str = ""
    reflection: str = ""
    # The editor's objective rows, (id, text) each, and the discussion guide's parts ({"opening",
    # "case", "questions": [...], "record", "follow_up"}); None: the latest revision's are kept.
    objectives: list[tuple[str, str]] | None = None
    discussion: dict | None = None


@dataclass
class SaveResult:
    revision: LessonRevision
    created: bool


# --- reading ------------------------------------------------------------------------------------

def get_course(session: Session, slug: str) -> Course:
    return found(session.scalar(select(Course).where(Course.slug == slug)), _("No such course."))


def get_lesson(session: Session, lesson_id: int) -> Lesson:
    return found(session.get(Lesson, lesson_id), _("No such lesson."))


def get_module(session: Session, module_id: int) -> Module:
    return found(session.get(Module, module_id), _("No such module."))


def latest_revision(session: Session, lesson: Lesson,
                    language: str = SOURCE_LANGUAGE) -> LessonRevision:
    """The newest revision in `language` (each language numbers its own revisions)."""
    return found(latest_revision_or_none(session, lesson, language), _("This lesson has no revision."))


def latest_revision_or_none(session: Session, lesson: Lesson,
                            language: str = SOURCE_LANGUAGE) -> LessonRevision | None:
    return session.scalar(
        select(LessonRevision)
        .where(LessonRevision.lesson_id == lesson.id, LessonRevision.language == language)
        .order_by(LessonRevision.number.desc())
        .limit(1)
    )


def revision_of(session: Session, lesson: Lesson, number: int,
                language: str = SOURCE_LANGUAGE) -> LessonRevision:
    revision = session.scalar(
        select(LessonRevision).where(
            LessonRevision.lesson_id == lesson.id, LessonRevision.language == language,
            LessonRevision.number == number,
        )
    )
    if revision is None:
        raise NotFound(_("This lesson has no revision %(number)s.", number=number))
    return revision


def module_of(revision: LessonRevision) -> Module:
    return revision.module or revision.lesson.module


# --- structure ------------------------------------------------------------------------------------

def slug_from(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].strip("-")


def _check_slug(slug: str, field_name: str = "slug") -> str:
    slug = slug.strip().lower()
    if not slug:
        raise InvalidFields({field_name: _("Enter a short name for the address: lowercase letters, "
                                           "digits and hyphens, e.g. seeking-truth.")})
    if not SLUG_RE.match(slug) or len(slug) > 80:
        raise InvalidFields({field_name: _("Use lowercase letters, digits and single hyphens only "
                                           "(at most 80 characters), e.g. seeking-truth.")})
    if slug in RESERVED_LESSON_SLUGS:
        raise InvalidFields({field_name: _("…/%(slug)s is the address of a course page: choose another.",
                                           slug=slug)})
    return slug


def _check_title(title: str, missing: str) -> None:
    if not title:
        raise InvalidFields({"title": missing})
    if len(title) > MAX_TITLE:
        raise InvalidFields({"title": _("Keep the title to %(limit)s characters (it has %(length)s).",
                                        limit=MAX_TITLE, length=len(title))})


def create_course(session: Session, title: str, first_module: str, description: str = "",
                  slug: str = "") -> Course:
    """A course with its first module: every lesson belongs to a module, and a course file
    (course.yaml) lists at least one."""
    title, first_module = _one_line(title), _one_line(first_module)
    errors = {}
    for name, value, missing in (("title", title, _("Give the course a title.")),
                                 ("first_module", first_module, _("Name the course's first module."))):
        try:
            _check_title(value, missing)
        except InvalidFields as invalid:
            errors[name] = invalid.errors["title"]
    if errors:
        raise InvalidFields(errors)
    slug = _check_slug(slug or slug_from(title))
    taken = InvalidFields({"slug": _("A course already uses the address /courses/%(slug)s.", slug=slug)})
    if session.scalar(select(Course.id).where(Course.slug == slug)):
        raise taken
    position = (session.scalar(select(func.max(Course.position))) or 0) + 1
    course = Course(slug=slug, title=title, description=description.strip(), position=position)
    session.add_all([course, Module(course=course, title=first_module, position=0)])
    _commit_or(session, taken)
    return course


def create_module(session: Session, course: Course, title: str) -> Module:
    title = _one_line(title)
    _check_title(title, _("Give the module a title."))
    taken = InvalidFields({"title": _("“%(title)s” is already a module of this course.", title=title)})
    if any(module.title == title for module in course.modules):
        raise taken
    position = max((module.position for module in course.modules), default=-1) + 1
    module = Module(course=course, title=title, position=position)
    session.add(module)
    _commit_or(session, taken)
    return module


def move_module(session: Session, module: Module, direction: str) -> None:
    modules = list(module.course.modules)
    _swap(modules, modules.index(module), direction)
    for position, each in enumerate(modules):
        each.position = position
    renumber_lessons(session, module.course)
    session.commit()


def move_lesson(session: Session, lesson: Lesson, direction: str) -> None:
    """Up or down within its module; the course's numbering follows."""
    siblings = sorted((each for each in lesson.course.lessons if each.module_id == lesson.module_id),
                      key=lambda each: (each.position, each.id))
    index = siblings.index(lesson)
    _swap(siblings, index, direction)
    positions = sorted(each.position for each in siblings)
    for position, each in zip(positions, siblings, strict=True):
        each.position = position
    renumber_lessons(session, lesson.course)
    session.commit()


def _swap(items: list, index: int, direction: str) -> None:
    if direction not in ("up", "down"):
        raise ValidationError(_("Move up or down."))
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        raise ValidationError(_("It is already at the top.") if direction == "up"
                              else _("It is already at the bottom."))
    items[index], items[other] = items[other], items[index]


def renumber_lessons(session: Session, course: Course) -> None:
    """Lessons numbered 1, 2, ... in module order, so that reading order follows the outline."""
    session.flush()
    session.expire(course, ["modules", "lessons"])
    module_rank = {module.id: module.position for module in course.modules}
    ordered = sorted(course.lessons, key=lambda each: (module_rank.get(each.module_id, 0),
                                                       each.position, each.id))
    for number, each in enumerate(ordered, start=1):
        each.position = number


# --- lessons and revisions ------------------------------------------------------------------------

def create_lesson(session: Session, course: Course, author: User, fields: LessonFields,
                  slug: str = "") -> Lesson:
    module, values = _checked(session, course, fields)
    slug = _check_slug(slug or slug_from(values["title"]))
    taken = InvalidFields({"slug": _("This course already has a lesson at …/%(slug)s.", slug=slug)})
    if session.scalar(select(Lesson.id).where(Lesson.course_id == course.id, Lesson.slug == slug)):
        raise taken
    lesson = Lesson(course=course, module=module, slug=slug,
                    position=(session.scalar(select(func.max(Lesson.position))
                                             .where(Lesson.course_id == course.id)) or 0) + 1)
    session.add(lesson)
    session.add(_new_revision(lesson, 1, module, values, author))
    renumber_lessons(session, course)
    _commit_or(session, taken)
    return lesson


def save_draft(session: Session, lesson: Lesson, author: User, fields: LessonFields,
               base_number: int | None, language: str = SOURCE_LANGUAGE) -> SaveResult:
    """A new draft revision in `language` on top of `base_number`, the revision the editor was
    opened on (None for a language's first revision)."""
    if language != SOURCE_LANGUAGE:
        # A translation is of the lesson where it is: the module is the source language's choice.
        fields.module_id = lesson.module_id
    module, values = _checked(session, lesson.course, fields)
    latest = latest_revision_or_none(session, lesson, language)
    if "objectives" in values:
        front_matter.check_objectives(lesson, values["objectives"], language,
                                      latest_revision_or_none(session, lesson, SOURCE_LANGUAGE))
    for key in ("objectives", "discussion"):  # what the fields leave out is kept as it is
        values.setdefault(key, getattr(latest, key) if latest is not None else None)
    digest = _hash(values, module, language)
    if latest is not None and digest == latest.content_hash:
        return SaveResult(latest, created=False)
    if base_number != (latest.number if latest else None):
        if latest is None:
            raise NotFound(_("This lesson has no revision."))
        raise EditConflict(latest)
    revision = _new_revision(lesson, latest.number + 1 if latest else 1, module, values, author,
                             language)
    session.add(revision)
    try:
        session.commit()
    except IntegrityError:  # another save took the same number a moment earlier
        session.rollback()
        raise EditConflict(latest_revision(session, lesson, language)) from None
    return SaveResult(revision, created=True)


def restore_revision(session: Session, lesson: Lesson, author: User, number: int,
                     language: str = SOURCE_LANGUAGE) -> LessonRevision:
    """An old revision's text becomes a new draft on top of the latest (of its language); nothing
    is overwritten."""
    old = revision_of(session, lesson, number, language)
    latest = latest_revision(session, lesson, language)
    if old.content_hash == latest.content_hash:
        raise ValidationError(_("Revision %(number)s is the same as the latest revision "
                                "(%(latest)s); there is nothing to restore.",
                                number=number, latest=latest.number))
    revision = LessonRevision(
        lesson=lesson, number=latest.number + 1, language=language, title=old.title,
        summary=old.summary,
        minutes=old.minutes, source=old.source, html=old.html, content_hash=old.content_hash,
        module_id=module_of(old).id, author_id=author.id, reflection=old.reflection,
        objectives=old.objectives, discussion=old.discussion, note=f"Restored from revision {number}",
    )
    session.add(revision)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise EditConflict(latest_revision(session, lesson, language)) from None
    return revision


def _new_revision(lesson: Lesson, number: int, module: Module, values: dict,
                  author: User, language: str = SOURCE_LANGUAGE) -> LessonRevision:
    return LessonRevision(
        lesson=lesson, number=number, language=language, title=values["title"],
        summary=values["summary"],
        minutes=values["minutes"], source=values["source"], html=render_markdown(values["source"]),
        content_hash=_hash(values, module, language),
        note=values["note"], module_id=module.id, author_id=author.id,
        reflection=values["reflection"] or None, objectives=values.get("objectives") or None,
        discussion=values.get("discussion") or None,
    )


def _hash(values: dict, module: Module, language: str) -> str:
    """A translation's hash leaves the module out: it is its lesson's (see content_import)."""
    return lesson_hash(values["title"], values["summary"], values["minutes"],
                       module.title if language == SOURCE_LANGUAGE else "", values["source"],
                       values["reflection"], values.get("objectives"), values.get("discussion"))


def normalize_source(source: str) -> str:
    """As the file loader reads a lesson body, so that files and the browser agree exactly."""
    text = source.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text + "\n" if text else ""


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _checked(session: Session, course: Course, fields: LessonFields) -> tuple[Module, dict]:
    """The fields, normalized, or InvalidFields naming every problem."""
    errors: dict[str, str] = {}
    title = _one_line(fields.title)
    try:
        _check_title(title, _("Give the lesson a title."))
    except InvalidFields as invalid:
        errors.update(invalid.errors)
    module = session.get(Module, fields.module_id) if fields.module_id is not None else None
    if module is None or module.course_id != course.id:
        errors["module"] = _("Choose one of this course's modules.")
    if fields.minutes is None or not 1 <= fields.minutes <= MAX_MINUTES:
        errors["minutes"] = _("Reading time is a whole number of minutes, 1 to %(limit)s.",
                              limit=MAX_MINUTES)
    summary = _one_line(fields.summary)
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = _("Keep the summary to %(limit)s characters (it has %(length)s).",
                              limit=MAX_SUMMARY, length=len(summary))
    source = normalize_source(fields.source)
    if not source:
        errors["source"] = _("Write the lesson's text.")
    elif len(source) > MAX_SOURCE:
        errors["source"] = _("The text is too long (%(length)s characters; at most %(limit)s).",
                             length=f"{len(source):,}", limit=f"{MAX_SOURCE:,}")
    else:
        try:
            check_lesson_body(source, "text", 1)
        except ContentError as error:
            errors["source"] = _("Line %(line)s: %(message)s", line=error.line, message=error.message)
    note = _one_line(fields.note)
    if len(note) > MAX_NOTE:
        errors["note"] = _("Keep the change note to %(limit)s characters.", limit=MAX_NOTE)
    reflection = _one_line(fields.reflection)
    if len(reflection) > MAX_REFLECTION:
        errors["reflection"] = _("Keep the reflection prompt to %(limit)s characters (it has %(length)s).",
                                 limit=MAX_REFLECTION, length=len(reflection))
    guide = _objectives_and_discussion(fields, errors)
    if errors:
        raise InvalidFields(errors)
    assert module is not None  # else errors["module"] was raised just above
    return module, {"title": title, "summary": summary, "minutes": fields.minutes,
                    "source": source, "note": note, "reflection": reflection, **guide}


def _objectives_and_discussion(fields: LessonFields, errors: dict[str, str]) -> dict[str, Any]:
    """The objectives and the discussion guide the fields give (by the file rules; see
    front_matter), adding their problems to `errors`; a field left None is not in the result."""
    values: dict[str, Any] = {}
    if fields.objectives is not None:
        values["objectives"], problems = front_matter.read_objective_rows(fields.objectives)
        errors.update(problems)
    if fields.discussion is not None:
        values["discussion"], problems = front_matter.read_discussion_parts(fields.discussion)
        errors.update(problems)
    return values


def _commit_or(session: Session, error: Exception) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise error from None
