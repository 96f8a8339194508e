"""Erasing a person who has left: the account is pseudonymized, their private text deleted, what
they did kept anonymously for the statistics.

- HR or the president erases one person (`erase_person`): deactivated first, never themselves, a
  president only by a president, never the last president; HR types the username to confirm.
- The retention job (`erase_expired`, run daily by courseware/jobs.py) erases everyone deactivated
  more than PERSONAL_DATA_RETENTION_MONTHS ago (0 turns it off); each run is audited.

What erasure does, in one transaction per person:

- the account: "Former employee 123" (in the site's language), username `erased-123`; e-mail, job
  title, language, time zone and line manager emptied; the password unusable, every session ended;
- deleted: sign-in sessions, links to the company's identity provider, notification opt-outs, the
  notices in their list, practice entries (goals and their updates, focus decisions, daily plans and
  summaries, reflections and their consent to be featured in a lesson), their "I have this question
  too" marks, their place among the hosts of the lesson questions, and their questions on lessons that
  nobody answered (with others' marks on them); the bodies of the messages sent to them are emptied;
- kept, anonymous: their answered questions on lessons (an answer may be pinned into the lesson),
  marked anonymous so that no name shows, even to the president;
- kept, under the pseudonym: lesson progress, quiz attempts and answers, follow-up checks,
  certificates and assignments (the figures HR reads stay right);
- the audit trail: every entry naming them (by username, name or e-mail) is rewritten to the
  pseudonym; the erasure itself is recorded by account id only.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from courseware.language import site_language
from courseware.models import (
    AuditEvent,
    Certificate,
    DailyEntry,
    Delivery,
    Department,
    DirectoryRecord,
    FailedSignIn,
    FocusItem,
    Goal,
    GoalUpdate,
    ImportHandout,
    LessonQuestion,
    Notification,
    NotificationOptOut,
    QuestionAnswer,
    QuestionHost,
    QuestionMeToo,
    Reflection,
    ReflectionFeature,
    Role,
    User,
)
from courseware.models.accounts import ExternalIdentity, SignInSession, new_session_token
from courseware.models.boards import renamed
from courseware.services.errors import Conflict, Forbidden, ValidationError
from courseware.services.ops import audit
from courseware.services.people.account_admin import get_account

UNUSABLE_PASSWORD = "!erased"  # no hash format: check_password_hash never accepts it

# What erasure does with each column that names a person (tests/services/test_erasure.py fails on a
# column referring to user_account.id that is not here, so that a new table cannot be forgotten).
DELETED = {("sign_in_session", "user_id"), ("external_identity", "user_id"), ("notification", "user_id"),
           ("notification_opt_out", "user_id"), ("practice_goal", "user_id"),
           ("practice_focus_item", "user_id"), ("practice_day", "user_id"),
           ("practice_reflection", "user_id"), ("directory_record", "user_id"),
           ("import_handout", "user_id"), ("reflection_feature", "user_id"),
           ("question_me_too", "user_id"), ("question_host", "user_id")}
KEPT: dict[tuple[str, str], str] = {
    ("lesson_progress", "user_id"): "statistics: lessons completed",
    ("quiz_attempt", "user_id"): "statistics: scores, and the question analysis (answers via attempt_answer)",
    ("practice_followup", "user_id"): "statistics: what people still know 30 and 90 days on",
    ("certificate", "user_id"): "statistics: certificates held",
    ("refresh_check", "user_id"): "statistics: refreshes passed",
    ("assignment", "user_id"): "statistics: what was assigned, and overdue",
    ("assignment", "created_by_id"): "who made an assignment: the pseudonym",
    ("delivery", "user_id"): "the delivery log's counts; each message's body is emptied",
    ("audit_event", "actor_id"): "the audit trail: entries naming the person are rewritten to the pseudonym",
    ("user_account", "manager_id"): "the people who reported to them: HR sets their new line manager",
    ("practice_reflection", "replied_by_id"): "a reply belongs to the reflection's author",
    ("reflection_feature", "requested_by_id"): "who asked to feature a reflection: the request belongs to "
                                               "the reflection's author, deleted with it",
    ("lesson_revision", "author_id"): "course content belongs to the course",
    ("quiz_version", "author_id"): "course content belongs to the course",
    ("department", "head_id"): "emptied: a person who has left heads nothing",
    ("lesson_question", "user_id"): "answered questions stay under their lesson, anonymous; unanswered "
                                    "ones are deleted with their 'me too' marks",
    ("lesson_question", "hidden_by_id"): "who hid a question: the pseudonym",
    ("question_answer", "author_id"): "an answer belongs to the lesson's questions, under the pseudonym",
    ("question_host", "added_by_id"): "who named a host: the pseudonym",
}
# The account's columns that stay (pseudonymized where they name the person); every other column of
# user_account, a new one included (a mobile number...), is emptied.
ACCOUNT_COLUMNS_KEPT = {"id", "username", "full_name", "role", "department_id", "department_since",
                        "password_hash", "session_token", "active", "created_at", "last_login_at",
                        "deactivated_at", "erased_at", "password_is_temporary", "page_version"}


def pseudonym(user_id: int) -> str:
    """The name an erased person is shown by, in the site's language."""
    with force_locale(site_language()):
        return _("Former employee %(id)d", id=user_id)


def pseudonym_username(user_id: int) -> str:
    return f"erased-{user_id}"


def check_erasable(session: Session, actor: User | None, user: User) -> None:
    """Why this person may not be erased (by `actor`; None: the retention job), else nothing."""
    if user.erased_at is not None:
        raise Conflict(_("This person has already been erased."))
    if actor is not None and user.id == actor.id:
        raise Forbidden(_("You cannot erase your own account."))
    if actor is not None and user.role == Role.PRESIDENT and actor.role != Role.PRESIDENT:
        raise Forbidden(_("Only a president can erase a president."))
    if user.active:
        raise Conflict(_("Deactivate the account first: only people who have left are erased."))
    if user.role == Role.PRESIDENT and not session.scalar(
            select(func.count(User.id)).where(User.role == Role.PRESIDENT.value, User.id != user.id,
                                              User.active.is_(True))):
        raise Conflict(_("This is the last president: make someone else president first."))


def erase_person(session: Session, actor: User, user_id: int, typed_username: str, now: datetime) -> User:
    """HR's erasure of one person, confirmed by typing their username; one transaction."""
    user = get_account(session, user_id)
    check_erasable(session, actor, user)
    if (typed_username or "").strip().lower() != user.username:
        raise ValidationError(_("Type the username exactly as shown to confirm."), field="confirm")
    erase(session, user, now)
    audit.record(session, "account.erase", actor=actor, target=user.username, details=f"account {user.id}")
    session.commit()
    return user


def erase(session: Session, user: User, now: datetime) -> None:
    """Pseudonymize the person and delete their private text, in the caller's transaction."""
    identifiers = [value for value in (user.email, user.full_name, user.username) if value]
    _delete_private_rows(session, user.id)
    # Failed sign-ins are kept by the name typed, not by account: the person's username goes too.
    session.execute(delete(FailedSignIn).where(func.lower(FailedSignIn.username) == user.username.lower()))
    _rewrite_audit_trail(session, user.id, identifiers, pseudonym_username(user.id))
    name = pseudonym(user.id)
    session.execute(update(Certificate).where(Certificate.signatory_name == user.full_name)
                    .values(signatory_name=name, signatory_title=None))
    session.execute(update(Department).where(Department.head_id == user.id).values(head_id=None))
    for column in User.__table__.columns:
        if column.name not in ACCOUNT_COLUMNS_KEPT and column.nullable:
            setattr(user, column.key, None)
    user.full_name = name
    user.username = pseudonym_username(user.id)
    user.password_hash = UNUSABLE_PASSWORD
    user.password_is_temporary = False
    user.session_token = new_session_token()
    user.active = False
    user.deactivated_at = user.deactivated_at or now
    user.erased_at = now
    session.flush()


def _delete_private_rows(session: Session, user_id: int) -> None:
    goal_ids = select(Goal.id).where(Goal.user_id == user_id).scalar_subquery()
    session.execute(delete(GoalUpdate).where(GoalUpdate.goal_id.in_(goal_ids)))
    for model in (ReflectionFeature, FocusItem, DailyEntry, Reflection, Notification, NotificationOptOut,
                  SignInSession, ExternalIdentity, DirectoryRecord, ImportHandout):
        session.execute(delete(model).where(model.user_id == user_id))
    # Goals refer to their long-term goal: the links go first.
    session.execute(update(Goal).where(Goal.user_id == user_id).values(parent_id=None))
    session.execute(delete(Goal).where(Goal.user_id == user_id))
    _erase_questions(session, user_id)
    # Their name leaves every lesson's boxes (questions, answers, featured reflections).
    renamed(session)
    session.execute(update(Delivery).where(or_(Delivery.user_id == user_id,
                                               Delivery.reason == f"test.by-{user_id}"))
                    .values(params={}, last_error=None))


def _erase_questions(session: Session, user_id: int) -> None:
    """Their marks and hosting go; their unanswered questions too; the answered ones stay, anonymous."""
    for model in (QuestionMeToo, QuestionHost):
        session.execute(delete(model).where(model.user_id == user_id))
    answered = select(QuestionAnswer.question_id)
    unanswered = select(LessonQuestion.id).where(LessonQuestion.user_id == user_id,
                                                 LessonQuestion.id.not_in(answered)).scalar_subquery()
    session.execute(delete(QuestionMeToo).where(QuestionMeToo.question_id.in_(unanswered)))
    session.execute(delete(LessonQuestion).where(LessonQuestion.user_id == user_id,
                                                 LessonQuestion.id.not_in(answered)))
    session.execute(update(LessonQuestion).where(LessonQuestion.user_id == user_id).values(anonymous=True))


def _rewrite_audit_trail(session: Session, user_id: int, identifiers: list[str], replacement: str) -> None:
    """Every audit entry naming the person names the pseudonym instead."""
    if not identifiers:
        return
    columns = (AuditEvent.actor, AuditEvent.target, AuditEvent.details)
    mentions = [func.lower(column).contains(value.lower(), autoescape=True)
                for column in columns for value in identifiers]
    events = session.scalars(select(AuditEvent).where(or_(AuditEvent.actor_id == user_id, *mentions)))
    patterns = [re.compile(r"(?<![\w.@-])" + re.escape(value) + r"(?![\w@-])", re.IGNORECASE)
                for value in sorted(identifiers, key=len, reverse=True)]
    for event in events:
        for attribute in ("actor", "target", "details"):
            text = getattr(event, attribute) or ""
            for pattern in patterns:
                text = pattern.sub(replacement, text)
            setattr(event, attribute, text)
        if event.actor_id == user_id:
            event.actor = replacement


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier; the month's last day when it has no such day."""
    month_index = moment.month - 1 - months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def retention_ran_today(session: Session, now: datetime) -> bool:
    """Whether the retention job ran in the last 24 hours (it runs daily, whatever the tick's rate)."""
    last = session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "privacy.retention", AuditEvent.at > now - timedelta(days=1)).limit(1))
    return last is not None


@dataclass(frozen=True)
class RetentionReport:
    erased: int
    kept: int  # due, but not erasable (the last president)


def due_for_erasure(session: Session, now: datetime, months: int) -> list[User]:
    """People deactivated more than `months` months before `now`, not yet erased."""
    if months <= 0:
        return []
    cutoff = months_before(now, months)
    return list(session.scalars(select(User).where(
        User.active.is_(False), User.erased_at.is_(None), User.deactivated_at.is_not(None),
        User.deactivated_at <= cutoff).order_by(User.id)))


def erase_expired(session: Session, now: datetime, months: int) -> RetentionReport | None:
    """The retention job: erase everyone past the retention period, once a day; None when it is
    turned off or already ran in the last 24 hours."""
    if months <= 0 or retention_ran_today(session, now):
        return None
    erased = kept = 0
    for user in due_for_erasure(session, now, months):
        try:
            check_erasable(session, None, user)
        except (Conflict, Forbidden):
            kept += 1
            continue
        erase(session, user, now)
        audit.record(session, "account.erase", actor_name="retention", target=user.username,
                     details=f"account {user.id}; retention {months} months")
        session.commit()
        erased += 1
    event = audit.record(session, "privacy.retention", actor_name="retention", target=f"{erased} erased",
                         details=f"retention {months} months; {kept} kept (last president)")
    event.at = now  # the job's clock: the next run is a day later
    session.commit()
    return RetentionReport(erased, kept)
