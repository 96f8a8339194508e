"""Certificates: what a person's completion of a course certifies, as the course stood.

A certificate names the lessons and source-language revisions it covers, the reading time, the date,
and who signs it; a newer certificate of the same person and course replaces it, and the older one
stays verifiable: *superseded* when the newer one certifies new content (a lesson added or
materially revised since), *renewed* when it is a renewal after a refresh. Validity (services in
`course_state`) is the course's number of months from `valid_from`. Nothing is ever deleted.
"""
from __future__ import annotations

import calendar
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from courseware.models import (
    Certificate,
    CertificateKind,
    Course,
    LessonRevision,
    RefreshCheck,
    Role,
    User,
)
from courseware.services.errors import found


@dataclass(frozen=True, slots=True)
class CoveredLesson:
    """A lesson a certificate covers: completed on the revision numbered `number`."""

    lesson_id: int
    revision_id: int | None
    number: int
    title: str

    def as_json(self) -> dict:
        return {"lesson_id": self.lesson_id, "revision_id": self.revision_id, "number": self.number,
                "title": self.title}


@dataclass(frozen=True, slots=True)
class CertificateCode:
    """A person's current certificate of a course, as the pages that link to it need it."""

    id: int
    course_id: int
    code: str
    issued_at: datetime
    valid_from: datetime | None
    expires_at: datetime | None
    # lesson id -> the number of the revision it covers
    covered: dict[int, int]


class CertificateStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    RENEWED = "renewed"

    @property
    def label(self) -> str:
        return {
            "valid": _("Valid"),
            "expired": _("Expired"),
            "superseded": _("Superseded by a newer certificate"),
            "renewed": _("Renewed"),
        }[self.value]


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the month's last day when it has no such day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


def status_of(certificate: Certificate, now: datetime) -> CertificateStatus:
    if certificate.replaced_by is not None:
        if certificate.replaced_by.kind == CertificateKind.RENEWAL:
            return CertificateStatus.RENEWED
        return CertificateStatus.SUPERSEDED
    if certificate.expires_at is not None and now >= certificate.expires_at:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def covered_lessons(certificate: Certificate) -> list[CoveredLesson]:
    return [CoveredLesson(each["lesson_id"], each.get("revision_id"), each.get("number") or 0,
                          each.get("title") or "")
            for each in certificate.lessons or ()]


def course_minutes(session: Session, certificate: Certificate) -> int:
    """The course's reading time as the certificate covers it: the minutes its lessons' revisions say."""
    revisions = [lesson.revision_id for lesson in covered_lessons(certificate) if lesson.revision_id]
    if not revisions:
        return 0
    return int(session.scalar(select(func.sum(LessonRevision.minutes))
                              .where(LessonRevision.id.in_(revisions))) or 0)


def short_address(url: str) -> str:
    """An address as people write it: host and path, no scheme ("courses.example.com/certificates/…")."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path) if parts.netloc else url


def current_certificate(session: Session, user_id: int, course_id: int) -> Certificate | None:
    """The person's certificate of the course that nothing replaced, if any."""
    return session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id,
        Certificate.replaced_by_id.is_(None)).order_by(Certificate.id.desc()).limit(1))


def certificates_of(session: Session, user: User) -> list[Certificate]:
    """Every certificate the person holds or held, the newest first."""
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .options(joinedload(Certificate.course), joinedload(Certificate.replaced_by))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


_certificate = Certificate.__table__
_CURRENT = select(_certificate.c.id, _certificate.c.course_id, _certificate.c.code, _certificate.c.issued_at,
                  _certificate.c.valid_from, _certificate.c.expires_at, _certificate.c.lessons).where(
    _certificate.c.user_id == bindparam("user_id"), _certificate.c.replaced_by_id.is_(None))


def codes_by_course(session: Session, user: User) -> dict[int, CertificateCode]:
    """The person's current certificates by course id (what the dashboard and outlines link to)."""
    result: dict[int, CertificateCode] = {}
    for row in session.connection().execute(_CURRENT, {"user_id": user.id}):
        covered = {each["lesson_id"]: each.get("number") or 0 for each in row.lessons or ()}
        result[row.course_id] = CertificateCode(row.id, row.course_id, row.code, row.issued_at,
                                                row.valid_from, row.expires_at, covered)
    return result


def get_by_code(session: Session, code: str) -> Certificate:
    return found(session.scalar(
        select(Certificate).where(Certificate.code == code)
        .options(joinedload(Certificate.replaced_by), joinedload(Certificate.user),
                 joinedload(Certificate.course))),
        _("No certificate has this verification code."))


def issue(session: Session, user: User, course: Course, lessons: Sequence[CoveredLesson], *,
          reading_seconds: int, now: datetime, kind: CertificateKind = CertificateKind.COMPLETION,
          replaces: Certificate | None = None) -> Certificate:
    """A new certificate, replacing `replaces` if given; the caller commits. A renewal starts a new
    validity; a completion that supersedes another keeps the validity it had."""
    valid_from = now
    if replaces is not None and kind == CertificateKind.COMPLETION:
        valid_from = replaces.valid_from or replaces.issued_at
    signatory = _signatory(session)
    certificate = Certificate(
        user_id=user.id, course_id=course.id, code=_new_code(), issued_at=now, kind=kind.value,
        lessons=[lesson.as_json() for lesson in lessons], reading_seconds=reading_seconds,
        valid_from=valid_from,
        expires_at=add_months(valid_from, course.validity_months) if course.validity_months else None,
        signatory_name=signatory.full_name if signatory else None,
        signatory_title=signatory.title if signatory else None,
    )
    session.add(certificate)
    session.flush()
    if replaces is not None:
        replaces.replaced_by_id = certificate.id
        replaces.replaced_at = now
        session.flush()
    return certificate


def _signatory(session: Session) -> User | None:
    """The president who signs certificates: the first active president account."""
    return session.scalar(select(User).where(User.role == Role.PRESIDENT.value, User.active.is_(True))
                          .order_by(User.id).limit(1))


def apply_validity(session: Session, course: Course) -> int:
    """Give every current certificate of the course the expiry its validity now says (after HR
    changed it); the caller commits. Returns how many certificates changed."""
    changed = 0
    for certificate in session.scalars(select(Certificate).where(
            Certificate.course_id == course.id, Certificate.replaced_by_id.is_(None))):
        start = certificate.valid_from or certificate.issued_at
        expires = add_months(start, course.validity_months) if course.validity_months else None
        if certificate.expires_at != expires:
            certificate.expires_at = expires
            changed += 1
    session.flush()
    return changed


def refresh_passed(session: Session, user_id: int, certificate_id: int, since: datetime) -> bool:
    """Whether the person passed a refresh check of this certificate at or after `since`."""
    return session.scalar(select(RefreshCheck.id).where(
        RefreshCheck.user_id == user_id, RefreshCheck.certificate_id == certificate_id,
        RefreshCheck.passed.is_(True), RefreshCheck.submitted_at >= since).limit(1)) is not None


def _new_code() -> str:
    # 12 characters from a 32-letter alphabet: 60 bits, unguessable, easy to read aloud.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
