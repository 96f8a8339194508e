"""One person as HR's person page shows them: per course, their state (`course_state`), why it is not
complete (`explanations`), each lesson's missing step and the due date; and every certificate they
hold or held, newest first, with its status. A few queries per course, none per lesson."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from courseware.models import Certificate, User
from courseware.models._time import utcnow
from courseware.services.learning import certificates, explanations, progress
from courseware.services.learning.certificates import CertificateStatus
from courseware.services.learning.course_state import Standing
from courseware.services.learning.progress import CourseProgress
from courseware.services.people.assignments import Due, DueDates, DueState


@dataclass(frozen=True)
class CourseReport:
    progress: CourseProgress
    standing: Standing
    why: str | None  # the course as a whole, when its state asks for more than its lessons
    missing: dict[int, str]  # per lesson id: what is missing (complete lessons are left out)
    due: Due | None
    due_state: DueState | None


@dataclass(frozen=True)
class CertificateLine:
    certificate: Certificate
    status: CertificateStatus


@dataclass(frozen=True)
class PersonReport:
    courses: list[CourseReport]
    certificates: list[CertificateLine]


def person_report(session: Session, person: User, now: datetime | None = None) -> PersonReport:
    now = now or utcnow()
    due_dates = DueDates(session, person=person)
    courses = []
    for course_progress in progress.progress_in_all_courses(session, person):
        standing = course_progress.standing(now)
        complete = bool(course_progress.total) and course_progress.completed == course_progress.total
        certificate = course_progress.certificate
        certified_at = certificate.issued_at if certificate is not None else None
        due = due_dates.for_user(person, course_progress.course.id, complete=complete,
                                 certified_at=certified_at)
        courses.append(CourseReport(
            course_progress, standing, explanations.why_course(standing, now),
            explanations.explain(session, person.id, course_progress), due,
            due.state(complete, now.date(), certified_at) if due is not None else None))
    held = [CertificateLine(each, certificates.status_of(each, now))
            for each in certificates.certificates_of(session, person)]
    return PersonReport(courses, held)
