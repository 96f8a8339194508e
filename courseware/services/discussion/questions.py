"""Asking, "I have this question too", answering, pinning and hiding questions on a lesson.

- Anyone who can read a lesson (signed in, the lesson published) asks under it: Markdown, rendered
  and sanitized once (content.rendering, as lessons are), at most MAX_QUESTION characters, named or
  anonymous (anonymous to everyone but the president and the hosts). The view limits how often.
- Anyone but the asker marks "I have this question too", once (the mark toggles).
- The president and the hosts (hosts.py) answer; the asker is told through the notification
  machinery (Kind.QUESTION_ANSWERED: the bell, and e-mail or a work notice, with their preferences
  and quiet hours). An answer may be pinned into the lesson page ("From the questions").
- They hide a question with a reason, or show it again: audited ("question.hide", "question.unhide").
  A hidden question is seen by its asker (with the reason) and by the president and the hosts only.

Every write is one transaction, which bumps the lesson's board version (models/boards.py: the lesson
page keeps the board as rendered per version).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.content.rendering import nesting_problem, render_markdown, too_deep_message
from courseware.models import Lesson, LessonQuestion, QuestionAnswer, QuestionMeToo, User
from courseware.models.boards import bump_questions
from courseware.services.catalog import published
from courseware.services.discussion import hosts
from courseware.services.errors import Forbidden, NotFound, ValidationError
from courseware.services.notifications import deliveries, planning
from courseware.services.notifications.messages import Kind
from courseware.services.ops import audit
from courseware.services.practice.common import FieldChecks

# Limits, in characters (README.md, "Questions on a lesson").
MAX_QUESTION = 2000
MAX_ANSWER = 4000
MAX_REASON = 300


def _markdown(checks: FieldChecks, name: str, value: str | None, limit: int, label: str,
              required: str) -> tuple[str, str]:
    text = checks.text(name, value, limit, label=label, required=required)
    line = nesting_problem(text) if text else None
    if line is not None:
        checks.add(name, too_deep_message(line))
    checks.raise_if_any()
    return text, render_markdown(text)


def ask(session: Session, user: User, lesson_id: int, body: str | None, anonymous: bool,
        now: datetime) -> LessonQuestion:
    """The person's question under a published lesson (NotFound otherwise); InvalidFields naming
    `body` when it is empty or too long."""
    lesson = published.lesson(session, lesson_id)
    text, html = _markdown(FieldChecks(), "body", body, MAX_QUESTION, _("Your question"),
                           _("Write your question before sending it."))
    question = LessonQuestion(lesson_id=lesson.id, user_id=user.id, body=text, html=html,
                              anonymous=bool(anonymous), created_at=now)
    session.add(question)
    bump_questions(session, lesson.id)
    session.commit()
    return question


def visible_question(session: Session, viewer: User, question_id: int) -> LessonQuestion:
    """A question the person may see: its lesson published, and not hidden unless they asked it or
    moderate; NotFound otherwise."""
    question = session.get(LessonQuestion, question_id)
    if question is None or not published.is_published(session, question.lesson_id):
        raise NotFound(_("No such question."))
    if question.is_hidden and question.user_id != viewer.id and not hosts.can_moderate(session, viewer):
        raise NotFound(_("No such question."))
    return question


def _moderated_question(session: Session, moderator: User, question_id: int) -> LessonQuestion:
    if not hosts.can_moderate(session, moderator):
        raise Forbidden(_("Only the president and the hosts they name answer and moderate questions."))
    return visible_question(session, moderator, question_id)


def toggle_me_too(session: Session, user: User, question_id: int, now: datetime) -> bool:
    """Mark "I have this question too", or take the mark back; returns whether it is now marked."""
    question = visible_question(session, user, question_id)
    if question.user_id == user.id:
        raise ValidationError(_("This is your own question."))
    if question.is_hidden:
        raise ValidationError(_("This question is hidden."))
    mark = session.scalar(select(QuestionMeToo).where(QuestionMeToo.question_id == question.id,
                                                      QuestionMeToo.user_id == user.id))
    bump_questions(session, question.lesson_id)
    if mark is not None:
        session.delete(mark)
        session.commit()
        return False
    session.add(QuestionMeToo(question_id=question.id, user_id=user.id, created_at=now))
    try:
        session.commit()
    except IntegrityError:  # the same button pressed twice at once: marked once
        session.rollback()
    return True


def answer(session: Session, moderator: User, question_id: int, body: str | None, now: datetime,
           config: Mapping) -> QuestionAnswer:
    """The president's or a host's answer; the asker is told (unless they answered themselves)."""
    question = _moderated_question(session, moderator, question_id)
    text, html = _markdown(FieldChecks(), "body", body, MAX_ANSWER, _("The answer"),
                           _("Write your answer before sending it."))
    reply = QuestionAnswer(question_id=question.id, author_id=moderator.id, body=text, html=html,
                           created_at=now)
    session.add(reply)
    session.flush()
    if question.user_id != moderator.id:
        _tell_the_asker(session, question, reply, moderator, now, config)
    bump_questions(session, question.lesson_id)
    session.commit()
    return reply


def _tell_the_asker(session: Session, question: LessonQuestion, reply: QuestionAnswer, moderator: User,
                    now: datetime, config: Mapping) -> None:
    """Kind.QUESTION_ANSWERED on the asker's channels, once per answer (the delivery key names it)."""
    lesson = session.get(Lesson, question.lesson_id)
    assert lesson is not None
    params = {"course_id": lesson.course_id, "course_title": lesson.course.title, "lesson_id": lesson.id,
              "lesson_title": lesson.title, "question_id": question.id, "answerer": moderator.full_name}
    link = f"/courses/{lesson.course.slug}/{lesson.slug}#question-{question.id}"
    event = planning.Event(question.user_id, Kind.QUESTION_ANSWERED, f"question.answer-{reply.id}", None,
                           Kind.QUESTION_ANSWERED.value, params, link)
    deliveries.claim(session, planning.for_people(session, [event], now, config), now)


def visible_answer(session: Session, viewer: User, answer_id: int) -> QuestionAnswer:
    """An answer to a question the person may see (visible_question); NotFound otherwise."""
    reply = session.get(QuestionAnswer, answer_id)
    if reply is None:
        raise NotFound(_("No such answer."))
    visible_question(session, viewer, reply.question_id)
    return reply


def toggle_pin(session: Session, moderator: User, answer_id: int, now: datetime) -> bool:
    """Pin an answer into its lesson page, or unpin it; returns whether it is now pinned."""
    if not hosts.can_moderate(session, moderator):
        raise Forbidden(_("Only the president and the hosts they name answer and moderate questions."))
    reply = visible_answer(session, moderator, answer_id)
    question = reply.question
    if reply.pinned_at is None and question.is_hidden:
        raise ValidationError(_("Show the question again before pinning its answer."))
    reply.pinned_at = None if reply.pinned_at is not None else now
    bump_questions(session, question.lesson_id)
    session.commit()
    return reply.pinned_at is not None


def hide(session: Session, moderator: User, question_id: int, reason: str | None,
         now: datetime) -> LessonQuestion:
    """Hide a question with a reason the asker reads (InvalidFields naming `reason`); audited."""
    question = _moderated_question(session, moderator, question_id)
    checks = FieldChecks()
    text = checks.line("reason", reason, MAX_REASON, label=_("The reason"),
                       required=_("Say why the question is hidden: its asker reads the reason."))
    checks.raise_if_any()
    question.hidden_at, question.hidden_reason, question.hidden_by_id = now, text, moderator.id
    audit.record(session, "question.hide", actor=moderator, target=f"question {question.id}",
                 details=f"lesson {question.lesson_id}; reason={text!r}")
    bump_questions(session, question.lesson_id)
    session.commit()
    return question


def unhide(session: Session, moderator: User, question_id: int) -> LessonQuestion:
    """Show a hidden question to everyone again; audited."""
    question = _moderated_question(session, moderator, question_id)
    if not question.is_hidden:  # shown already (two moderators at once): nothing to record
        return question
    question.hidden_at = question.hidden_reason = question.hidden_by_id = None
    audit.record(session, "question.unhide", actor=moderator, target=f"question {question.id}",
                 details=f"lesson {question.lesson_id}")
    bump_questions(session, question.lesson_id)
    session.commit()
    return question
