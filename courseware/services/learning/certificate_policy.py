"""A course's certificate settings, as HR and the president set them: how long a certificate stays
valid (never, or 1 to 120 months), how many days before it expires a refresh is due (1 to 365, less
than the validity) and how many questions the refresh check asks (1 to 30).

Saving them is one transaction: the course's settings, the new expiry of every current certificate
(`certificates.apply_validity`) and an audit event naming each old and new value. The outline holds
the settings (`catalog.CertificatePolicy`): the course row's change raises the content version.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.models import AuditEvent, Certificate, Course, User
from courseware.services.errors import InvalidFields, found
from courseware.services.learning import certificates
from courseware.services.ops import audit

MAX_VALIDITY_MONTHS = 120
MAX_WINDOW_DAYS = 365
MAX_REFRESH_QUESTIONS = 30
AUDIT_ACTION = "course.certificate_policy"


@dataclass(frozen=True, slots=True)
class Policy:
    validity_months: int | None  # None: certificates never expire
    refresh_window_days: int
    refresh_questions: int


@dataclass(frozen=True, slots=True)
class Saved:
    """What a save changed: each setting as "name: old -> new", and how many current certificates
    got a new expiry."""

    changes: tuple[str, ...]
    certificates_changed: int


def get_course(session: Session, course_id: int) -> Course:
    return found(session.get(Course, course_id), _("No such course."))


def policy_of(course: Course) -> Policy:
    return Policy(course.validity_months, course.refresh_window_days, course.refresh_questions)


def current_certificates(session: Session, course: Course) -> int:
    """How many certificates of the course are current (nothing replaced them)."""
    return session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.course_id == course.id, Certificate.replaced_by_id.is_(None))) or 0


def shortest_days(months: int) -> int:
    """The fewest days `months` months can last (from any day of any year): a refresh window must
    be shorter, or the refresh would be due the day a certificate is issued."""
    starts = [datetime(year, month, 1) for year in (2023, 2024) for month in range(1, 13)]
    return min((certificates.add_months(start, months) - start).days for start in starts)


def check(validity_months: int | None, refresh_window_days: int | None,
          refresh_questions: int | None) -> Policy:
    """The settings, once every one is in its range and the refresh window is shorter than the
    validity; InvalidFields names each one that is not."""
    errors: dict[str, str] = {}
    months, window, questions = validity_months, refresh_window_days, refresh_questions
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        errors["validity_months"] = _("A certificate is valid for 1 to %(max)d months.",
                                      max=MAX_VALIDITY_MONTHS)
    if window is None or not 1 <= window <= MAX_WINDOW_DAYS:
        errors["refresh_window_days"] = _("The refresh window is 1 to %(max)d days.", max=MAX_WINDOW_DAYS)
    elif months is not None and "validity_months" not in errors and window >= shortest_days(months):
        errors["refresh_window_days"] = _("The refresh window must be shorter than the validity: "
                                          "under %(days)d days for %(months)d months.",
                                          days=shortest_days(months), months=months)
    if questions is None or not 1 <= questions <= MAX_REFRESH_QUESTIONS:
        errors["refresh_questions"] = _("A refresh check asks 1 to %(max)d questions.",
                                        max=MAX_REFRESH_QUESTIONS)
    if errors:
        raise InvalidFields(errors)
    assert window is not None and questions is not None  # checked above
    return Policy(months, window, questions)


def save(session: Session, actor: User, course: Course, *, validity_months: int | None,
         refresh_window_days: int | None, refresh_questions: int | None) -> Saved:
    """Set the course's certificate settings and re-date its current certificates, audited, in one
    transaction (this commits)."""
    policy = check(validity_months, refresh_window_days, refresh_questions)
    old = policy_of(course)
    changes = tuple(f"{name}: {_shown(getattr(old, name))} -> {_shown(getattr(policy, name))}"
                    for name in ("validity_months", "refresh_window_days", "refresh_questions")
                    if getattr(old, name) != getattr(policy, name))
    course.validity_months = policy.validity_months
    course.refresh_window_days = policy.refresh_window_days
    course.refresh_questions = policy.refresh_questions
    session.flush()
    changed = certificates.apply_validity(session, course)
    if changes or changed:
        audit.record(session, AUDIT_ACTION, actor=actor, target=course.slug,
                     details="; ".join([*changes, f"certificates re-dated: {changed}"]))
    session.commit()
    return Saved(changes, changed)


def recent_changes(session: Session, course: Course, limit: int = 10) -> list[AuditEvent]:
    """The latest saves of the course's settings that changed something, newest first."""
    return audit.events_of(session, AUDIT_ACTION, course.slug, limit)


def _shown(value: int | None) -> str:
    return "never" if value is None else str(value)
