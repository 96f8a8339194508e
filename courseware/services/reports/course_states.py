"""A person's state in a course as HR's reports count it, computed in SQL for everyone at once.

The states are the learner's own (`learning.course_state.standing_of`), from the person's current
certificate of the course (the one nothing replaced) and their lessons, plus HR's `overdue`. Each
person is in exactly one, by this precedence:

    expired > refresh_due > overdue > updated > complete > in_progress > not_started

- expired: the certificate's expiry has passed; refresh_due: its refresh window is open (the course's
  `refresh_window_days` before the expiry). Both say what the person must do next, so they come
  before an assignment's due date, as on the learner's own pages.
- overdue: an assignment's date has passed and it is not met (services.people.assignments).
- updated: a certificate that no longer covers the course as it is now (a lesson added, or revised
  materially, since), or one held while a lesson is not complete now; complete: a certificate that
  covers every lesson, each complete (or, without one yet, every lesson complete).
- in_progress / not_started: no certificate; a lesson opened or none.

`expiring` is not a state but a filter: a certificate that expires within EXPIRING_DAYS of now and
has not yet expired, whatever the person's state.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Select, Text, case, cast, func, literal_column, select, true, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from courseware.models import Certificate, Course, Lesson, LessonProgress, LessonRevision
from courseware.models.sql import shared_alias, table_of
from courseware.services.catalog import published

EXPIRING_DAYS = 30
# The filter value HR's links used before `updated` (a certificate for an earlier version) existed.
LEGACY_STATUSES = {"needs_review": "updated"}
EXPIRING = "expiring"


class PersonStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    UPDATED = "updated"
    REFRESH_DUE = "refresh_due"
    EXPIRED = "expired"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        """The status in the reader's language (the value is what filters and links carry)."""
        return str(_PERSON_STATUS_LABELS[self.value])


_PERSON_STATUS_LABELS = {
    "not_started": _l("Not started"), "in_progress": _l("In progress"), "complete": _l("Complete"),
    "updated": _l("Complete for an earlier version"), "refresh_due": _l("Refresh due"),
    "expired": _l("Expired"), "overdue": _l("Overdue"),
}


@dataclass(frozen=True, slots=True)
class HeldCertificate:
    """A person's current certificate of the course, as the reports need it."""

    code: str
    issued_at: datetime
    expires_at: datetime | None
    # How many of the course's published lessons it covers as they are now (`course_state.covers`).
    covered: int

    def is_expiring(self, now: datetime) -> bool:
        return self.expires_at is not None and now < self.expires_at <= now + timedelta(days=EXPIRING_DAYS)


def status_of(certificate: HeldCertificate | None, *, lessons_total: int, complete_now: int, opened: int,
              overdue: bool, window_days: int, now: datetime) -> PersonStatus:
    """The one state the person is counted in, by the precedence above. `complete_now`: lessons
    complete on a revision no material one has followed; `overdue`: an assignment is."""
    if certificate is not None and certificate.expires_at is not None:
        if now >= certificate.expires_at:
            return PersonStatus.EXPIRED
        if now >= certificate.expires_at - timedelta(days=window_days):
            return PersonStatus.REFRESH_DUE
    if overdue:
        return PersonStatus.OVERDUE
    every_lesson = lessons_total > 0 and complete_now >= lessons_total
    if certificate is not None:
        current = certificate.covered >= lessons_total
        return PersonStatus.COMPLETE if current and every_lesson else PersonStatus.UPDATED
    if every_lesson:
        return PersonStatus.COMPLETE
    return PersonStatus.IN_PROGRESS if opened else PersonStatus.NOT_STARTED


# The revisions a lesson shows and a completion was made on, aliased once (models.sql.shared_alias):
# each new alias costs a millisecond to set up on first use, and the reports build these queries on
# every request.
_shown = shared_alias(LessonRevision)
_completed_on = shared_alias(LessonRevision)


def material_numbers(course_id: int) -> Select[tuple[int, int]]:
    """Per published lesson of the course that has one: the number of its latest material revision
    up to the published one (a completion or a certificate older than it does not count now)."""
    return (
        select(LessonRevision.lesson_id, func.max(LessonRevision.number).label("number"))
        .join(Lesson, Lesson.id == LessonRevision.lesson_id)
        .join(_shown, _shown.id == Lesson.published_revision_id)
        .where(Lesson.course_id == course_id, LessonRevision.material.is_(True),
               LessonRevision.language == _shown.language,
               LessonRevision.number <= _shown.number)
        .group_by(LessonRevision.lesson_id)
    )


def needs_review_counts(course: Course, people_ids: Select[tuple[int]] | None) -> Select[tuple[int, int]]:
    """Per person, lessons completed on a revision older than a material one now published.

    Only lessons that have such a revision are looked at, which is usually none or a few.
    """
    material = material_numbers(course.id).subquery()
    query = (
        select(LessonProgress.user_id, func.count())
        .join(material, material.c.lesson_id == LessonProgress.lesson_id)
        .join(_completed_on, _completed_on.id == LessonProgress.completed_revision_id)
        .where(_completed_on.number < material.c.number)
        .group_by(LessonProgress.user_id)
    )
    if people_ids is not None:
        query = query.where(LessonProgress.user_id.in_(people_ids))
    return query


_certificate = table_of(Certificate)


def _listed_lessons() -> ColumnElement[str]:
    """A current certificate's list of lessons as text: the key by which certificates that list the
    same lessons (everyone certified while the course stood the same) share one reading of it."""
    return cast(_certificate.c.lessons, Text)


def _covered_counts(dialect: str, course_id: int,
                    people_ids: Select[tuple[int]] | None = None) -> Select[tuple[str, int]]:
    """Per distinct list of lessons among the course's current certificates (of these people, if
    given): how many of the published lessons it covers as they are now. Each list is read once
    (JSON, expanded by the database's own function), however many certificates share it; its
    lessons are matched by id against the published ones (an IN list made once)."""
    current = select(_listed_lessons().label("lessons")).where(_certificate.c.course_id == course_id,
                                                               _certificate.c.replaced_by_id.is_(None))
    if people_ids is not None:
        current = current.where(_certificate.c.user_id.in_(people_ids))
    lists = current.distinct().subquery("listed")
    if dialect == "postgresql":
        # A certificate without lessons may hold JSON null, which json_array_elements refuses.
        as_json = cast(lists.c.lessons, JSON)
        array = func.json_array_elements(case((func.json_typeof(as_json) == "array", as_json),
                                              else_=literal_column("'[]'::json")))
        elements = array.table_valued("value").lateral("covered_lesson")
    else:
        elements = func.json_each(lists.c.lessons).table_valued("value").alias("covered_lesson")
    entry = type_coerce(elements.c.value, JSON)
    lesson_id = entry["lesson_id"].as_integer()
    material = material_numbers(course_id).subquery()
    return (
        select(lists.c.lessons, func.count().label("covered"))
        .select_from(lists)
        .join(elements, true())
        .outerjoin(material, material.c.lesson_id == lesson_id)
        .where(lesson_id.in_(published.lesson_ids(course_id)),
               func.coalesce(entry["number"].as_integer(), 0) >= func.coalesce(material.c.number, 0))
        .group_by(lists.c.lessons)
    )


def held_certificates(session: Session, course: Course,
                      people_ids: Select[tuple[int]] | None) -> dict[int, HeldCertificate]:
    """Each person's current certificate of the course, with what it covers: one query, which expands
    the lists of lessons of these people's certificates only, not of every certificate of the course
    (a team's 150 instead of the company's thousands)."""
    # Materialized: counted once even where the planner, guessing a few certificates (a generic plan
    # of a prepared statement), loops over them.
    covered = (_covered_counts(session.connection().dialect.name, course.id, people_ids).cte("covered")
               .prefix_with("MATERIALIZED", dialect="postgresql"))
    query = (
        select(_certificate.c.user_id, _certificate.c.code, _certificate.c.issued_at,
               _certificate.c.expires_at, func.coalesce(covered.c.covered, 0))
        .outerjoin(covered, covered.c.lessons == _listed_lessons())
        .where(_certificate.c.course_id == course.id, _certificate.c.replaced_by_id.is_(None))
        .order_by(_certificate.c.id)  # were there two, the newest wins
    )
    if people_ids is not None:
        query = query.where(_certificate.c.user_id.in_(people_ids))
    return {user_id: HeldCertificate(code, issued, expires, count)
            for user_id, code, issued, expires, count in session.connection().execute(query)}
