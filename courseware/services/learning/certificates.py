"""Certificates: earned when every published lesson of a course is complete."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from courseware.models import Certificate, Course, LessonProgress, User
from courseware.services.catalog.published import lesson_ids
from courseware.services.errors import found


def certificate_for(session: Session, user: User, course: Course) -> Certificate | None:
    return session.scalar(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.course_id == course.id)
    )


def certificates_of(session: Session, user: User) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .options(joinedload(Certificate.course))
            .order_by(Certificate.issued_at)
        )
    )


@dataclass(frozen=True, slots=True)
class CertificateCode:
    course_id: int
    code: str
    issued_at: datetime


_certificate = Certificate.__table__
_CODES = select(_certificate.c.course_id, _certificate.c.code, _certificate.c.issued_at).where(
    _certificate.c.user_id == bindparam("user_id"))


def codes_by_course(session: Session, user: User) -> dict[int, CertificateCode]:
    """The person's certificates by course id (what the dashboard and outlines link to)."""
    return {row.course_id: CertificateCode(*row)
            for row in session.connection().execute(_CODES, {"user_id": user.id})}


def get_by_code(session: Session, code: str) -> Certificate:
    return found(session.scalar(select(Certificate).where(Certificate.code == code)),
                 _("No certificate has this verification code."))


def issue_if_earned(session: Session, user: User, course: Course) -> Certificate | None:
    """Issue the course certificate once every published lesson is complete; the caller commits."""
    existing = certificate_for(session, user, course)
    if existing is not None:
        return existing
    published = lesson_ids(course.id)
    total = session.scalar(select(func.count()).select_from(published.subquery()))
    done = session.scalars(
        select(func.count(LessonProgress.id)).where(
            LessonProgress.user_id == user.id,
            LessonProgress.lesson_id.in_(published),
            LessonProgress.completed_at.is_not(None),
        )
    ).one()
    if not total or done < total:
        return None
    certificate = Certificate(user_id=user.id, course_id=course.id, code=_new_code())
    session.add(certificate)
    session.flush()
    return certificate


def _new_code() -> str:
    # 12 characters from a 32-letter alphabet: 60 bits, unguessable, easy to read aloud.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
