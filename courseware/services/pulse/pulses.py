"""Drafting and publishing a pulse. A draft may be changed as often as wanted; a published pulse is
never changed (its answers refer to its questions), only read.

The open period is typed as two calendar days in the president's zone: the pulse opens at the start
of the first and closes at the end of the last, stored in UTC (courseware.timezones)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from courseware.formatting import format_number
from courseware.models import Pulse, PulseQuestion
from courseware.services.errors import Conflict, InvalidFields, NotFound
from courseware.timezones import to_local, to_utc

SCALE, CHOICE = "scale", "choice"
KINDS = (SCALE, CHOICE)
MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
MIN_OPTIONS, MAX_OPTIONS = 2, 6
MAX_TITLE, MAX_QUESTION, MAX_OPTION = 200, 300, 100
SCALE_POINTS = 5


@dataclass
class QuestionFields:
    text: str = ""
    kind: str = SCALE
    options: str = ""  # a choice's options, one a line


@dataclass
class PulseFields:
    title: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    questions: list[QuestionFields] = field(default_factory=list)


def get_pulse(session: Session, pulse_id: int) -> Pulse:
    pulse = session.scalar(select(Pulse).where(Pulse.id == pulse_id)
                           .options(selectinload(Pulse.questions)))
    if pulse is None:
        raise NotFound(_("No such pulse."))
    return pulse


def all_pulses(session: Session) -> list[Pulse]:
    """Every pulse, the latest to open first."""
    return list(session.scalars(select(Pulse).order_by(Pulse.opens_at.desc(), Pulse.id.desc())))


def fields_of(pulse: Pulse, zone: tzinfo) -> PulseFields:
    """A saved pulse as its form shows it, its days in `zone`."""
    return PulseFields(
        pulse.title, to_local(pulse.opens_at, zone).date(),
        (to_local(pulse.closes_at, zone) - timedelta(days=1)).date(),
        [QuestionFields(q.text, q.kind, "\n".join(q.options)) for q in pulse.questions])


def _options(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _check_question(errors: dict[str, str], number: int, question: QuestionFields) -> None:
    prefix = f"q{number}_"
    if len(question.text) > MAX_QUESTION:
        errors[prefix + "text"] = _("Question %(num)d is too long: at most %(limit)s characters.",
                                    num=number, limit=format_number(MAX_QUESTION))
    if question.kind not in KINDS:
        errors[prefix + "kind"] = _("Question %(num)d: choose a scale or a choice.", num=number)
    elif question.kind == CHOICE:
        options = _options(question.options)
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            errors[prefix + "options"] = _("Question %(num)d: give from 2 to 6 options, one a line.",
                                           num=number)
        elif any(len(option) > MAX_OPTION for option in options):
            errors[prefix + "options"] = _("Question %(num)d: an option has at most %(limit)s characters.",
                                           num=number, limit=format_number(MAX_OPTION))
        elif len(set(options)) != len(options):
            errors[prefix + "options"] = _("Question %(num)d: the options must differ.", num=number)


def check(fields: PulseFields) -> list[tuple[str, str, list[str]]]:
    """The questions asked, as (text, kind, options); InvalidFields naming every problem."""
    errors: dict[str, str] = {}
    title = " ".join(fields.title.split())
    if not title:
        errors["title"] = _("Give the pulse a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("The title is too long: at most %(limit)s characters.",
                            limit=format_number(MAX_TITLE))
    if fields.opens_on is None:
        errors["opens_on"] = _("Enter the first day of the pulse.")
    if fields.closes_on is None:
        errors["closes_on"] = _("Enter the last day of the pulse.")
    elif fields.opens_on is not None and fields.closes_on < fields.opens_on:
        errors["closes_on"] = _("The last day cannot come before the first.")
    asked = []
    for number, question in enumerate(fields.questions, start=1):
        question.text = " ".join(question.text.split())
        if question.text:
            _check_question(errors, number, question)
            asked.append((question.text, question.kind,
                          _options(question.options) if question.kind == CHOICE else []))
    if not MIN_QUESTIONS <= len(asked) <= MAX_QUESTIONS:
        errors.setdefault("q1_text", _("A pulse asks from 3 to 5 questions: you wrote %(num)d.",
                                       num=len(asked)))
    if errors:
        raise InvalidFields(errors)
    return asked


def save_draft(session: Session, fields: PulseFields, zone: tzinfo, *, now: datetime,
               pulse_id: int | None = None) -> Pulse:
    """A new draft, or a draft rewritten (its questions replaced); one transaction."""
    asked = check(fields)
    assert fields.opens_on is not None and fields.closes_on is not None  # check() said so
    pulse = Pulse(created_at=now) if pulse_id is None else get_pulse(session, pulse_id)
    if pulse.is_published:
        raise Conflict(_("This pulse is published: it can no longer be changed."))
    pulse.title = " ".join(fields.title.split())
    pulse.opens_at = to_utc(datetime.combine(fields.opens_on, time()), zone)
    pulse.closes_at = to_utc(datetime.combine(fields.closes_on + timedelta(days=1), time()), zone)
    pulse.questions = [PulseQuestion(position=n, text=text, kind=kind, options=options)
                       for n, (text, kind, options) in enumerate(asked, start=1)]
    session.add(pulse)
    session.commit()
    return pulse


def publish(session: Session, pulse_id: int, *, now: datetime) -> Pulse:
    """Managers see it from its first day; it can no longer be changed."""
    pulse = get_pulse(session, pulse_id)
    if pulse.is_published:
        raise Conflict(_("This pulse is already published."))
    if pulse.closes_at <= now:
        raise Conflict(_("This pulse's period is over: change its days before publishing it."))
    pulse.published_at = now
    session.commit()
    return pulse
