"""Where a person stands in a course as a whole, and when a certificate is earned.

A person's course state is one of: complete (every lesson now published is complete and the
certificate covers them), complete for an earlier version (they hold a certificate, but a lesson was
added or materially revised since), refresh due (the certificate expires within the course's refresh
window), expired, in progress, or not started. Every page and report that names a course state uses
`standing_of` (or, in SQL, the same rules in services.reports), so that they agree.

The rules for issuing: a first completion of every lesson issues a certificate; completing what is
new since the current certificate issues one that supersedes it (keeping its validity); once the
refresh window is open, only a refresh renews it: the lessons changed since, plus a passed refresh
check. Pure functions over the outline and the person's records: no queries.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from flask_babel import gettext as _

from courseware.models import CertificateKind
from courseware.services.catalog import LessonOutline
from courseware.services.catalog.outline import CertificatePolicy
from courseware.services.learning.certificates import CertificateCode

COMPLETED = "completed"  # the lesson state that counts (progress.LessonState.COMPLETED)


class LessonStanding(Protocol):
    """A lesson status as services.learning.progress builds it."""

    @property
    def lesson(self) -> LessonOutline: ...

    @property
    def state(self) -> StrEnum: ...


class CourseState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    UPDATED = "updated"  # complete for an earlier version of the course
    REFRESH_DUE = "refresh_due"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {
            "not_started": _("Not started"),
            "in_progress": _("In progress"),
            "complete": _("Complete"),
            "updated": _("Complete for an earlier version"),
            "refresh_due": _("Refresh due"),
            "expired": _("Expired"),
        }[self.value]

    @property
    def holds_certificate(self) -> bool:
        return self in (CourseState.COMPLETE, CourseState.UPDATED, CourseState.REFRESH_DUE)


@dataclass(frozen=True)
class Standing:
    state: CourseState
    certificate: CertificateCode | None
    # When the refresh window opens (None: the certificate never expires, or there is none).
    refresh_opens_at: datetime | None
    # The lessons to do now: not complete, or completed on a revision older than a material one.
    waiting: Sequence[LessonStanding] = field(default_factory=tuple)
    # True once the refresh window is open and no refresh check has been passed in it.
    check_needed: bool = False

    @property
    def expires_at(self) -> datetime | None:
        return self.certificate.expires_at if self.certificate is not None else None

    @property
    def has_next_step(self) -> bool:
        return bool(self.waiting) or self.check_needed


def covers(certificate: CertificateCode, lesson: LessonOutline) -> bool:
    """Whether the certificate covers the lesson as it is now: the lesson is in it, on a revision
    no material revision has followed."""
    number = certificate.covered.get(lesson.id)
    if number is None:
        return False
    return not any(number < material <= lesson.source.number for material in lesson.material_numbers)


def is_current(certificate: CertificateCode, lessons: Sequence[LessonStanding]) -> bool:
    return all(covers(certificate, status.lesson) for status in lessons)


def refresh_opens_at(certificate: CertificateCode | None, policy: CertificatePolicy) -> datetime | None:
    if certificate is None or certificate.expires_at is None:
        return None
    return certificate.expires_at - timedelta(days=policy.refresh_window_days)


def standing_of(lessons: Sequence[LessonStanding], certificate: CertificateCode | None,
                policy: CertificatePolicy, now: datetime, *, refresh_passed: bool = False,
                started: bool = False) -> Standing:
    """The person's state in the course. `refresh_passed`: a refresh check passed since the window
    opened (asked for only when it is open); `started`: any lesson opened."""
    waiting = [status for status in lessons if status.state.value != COMPLETED]
    if certificate is None:
        state = CourseState.IN_PROGRESS if started or waiting != list(lessons) else CourseState.NOT_STARTED
        if lessons and not waiting:
            state = CourseState.COMPLETE  # issued with the next write (`decide`)
        return Standing(state, None, None, tuple(waiting))
    opens = refresh_opens_at(certificate, policy)
    if opens is not None and now >= opens:
        expired = certificate.expires_at is not None and now >= certificate.expires_at
        state = CourseState.EXPIRED if expired else CourseState.REFRESH_DUE
        return Standing(state, certificate, opens, tuple(waiting), check_needed=not refresh_passed)
    state = CourseState.COMPLETE if is_current(certificate, lessons) and not waiting else CourseState.UPDATED
    return Standing(state, certificate, opens, tuple(waiting))


def decide(standing: Standing, lessons: Sequence[LessonStanding]) -> CertificateKind | None:
    """Which certificate the person has just earned, if any: every lesson must be complete; then a
    first certificate, a renewal once the refresh window is open and its check passed, or a
    completion that supersedes a certificate that no longer covers the course."""
    if not lessons or standing.waiting:
        return None
    if standing.certificate is None:
        return CertificateKind.COMPLETION
    if standing.state in (CourseState.REFRESH_DUE, CourseState.EXPIRED):
        return None if standing.check_needed else CertificateKind.RENEWAL
    if not is_current(standing.certificate, lessons):
        return CertificateKind.COMPLETION
    return None
