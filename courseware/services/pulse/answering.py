"""Answering a pulse, once, without leaving a trace of who answered what.

Two rows are written in one transaction, and nothing joins them (courseware/models/feedback.py):

- the "has answered" token, HMAC-SHA256 of the pulse and the person's id under the site's secret key:
  the same person always gets the same token (so a second answer is refused by the primary key),
  but the token is not their id and cannot be computed from it without the key;
- the answers: pulse, question, value, the department the person is in now and the day, with a
  random uuid for a key (no autoincrement that would line them up with the token row).

Personal data: the answers name nobody, so "My data" has nothing to export and erasure nothing to
delete. The tokens are kept when a person is erased: they say only that a (now pseudonymous)
account answered a pulse, nothing of what, and deleting them would not change a figure.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import BindParameter, DateTime, ScalarSelect, Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courseware.formatting import format_datetime
from courseware.models import Pulse, PulseAnswer, PulseResponder, Role, User
from courseware.services.errors import Conflict, Forbidden, InvalidFields
from courseware.services.pulse.pulses import CHOICE, SCALE_POINTS, get_pulse
from courseware.timezones import company_zone, local_today


def responder_token(pulse_id: int, user_id: int, secret: str | bytes | None = None) -> str:
    """The person's token for one pulse: 64 hex digits, not their id, not reversible without the key."""
    key = secret if secret is not None else current_app.config["SECRET_KEY"]
    key_bytes = key.encode() if isinstance(key, str) else key
    return hmac.new(key_bytes, f"pulse:{pulse_id}:user:{user_id}".encode(), hashlib.sha256).hexdigest()


def may_answer(user: User) -> bool:
    """Pulses are the managers' (a line manager is a manager too)."""
    return user.role == Role.MANAGER.value


def has_answered(session: Session, pulse: Pulse, user: User) -> bool:
    return session.get(PulseResponder, (pulse.id, responder_token(pulse.id, user.id))) is not None


# A pulse still open is among the newest published ones (a pulse runs for days, and a few are
# published a year): open_for() looks for the person's token among this many.
RECENT_PULSES = 50


# The parameter of newest_open_pulse's column: the moment it is read at.
OPEN_AT = "pulse_open_at"


def newest_open_pulse() -> ScalarSelect[int]:
    """The newest published pulse not closed at the moment given as the OPEN_AT parameter: a column
    that the sign-in's user query carries (courseware.auth.session; built once, as that query is),
    so that the dashboard costs no query when no pulse is open."""
    return _newest_open(bindparam(OPEN_AT, type_=DateTime())).scalar_subquery()


def _newest_open(now: datetime | BindParameter[datetime]) -> Select[tuple[int]]:
    return select(func.max(Pulse.id)).where(Pulse.published_at.is_not(None), Pulse.closes_at > now)


def open_for(session: Session, user: User, now: datetime, newest: int | None = -1) -> list[Pulse]:
    """The pulses open now that the person may answer and has not: one query, none when `newest`
    (newest_open_pulse, read with the person) says no pulse is open (-1: not known, look)."""
    if not may_answer(user) or newest is None:
        return []
    if newest == -1:
        newest = session.scalar(_newest_open(now))
        if newest is None:
            return []
    ids = range(max(1, newest - RECENT_PULSES + 1), newest + 1)
    tokens = [responder_token(pulse_id, user.id) for pulse_id in ids]
    answered = select(PulseResponder.pulse_id).where(PulseResponder.pulse_id == Pulse.id,
                                                     PulseResponder.token.in_(tokens))
    return list(session.scalars(select(Pulse).where(
        Pulse.published_at.is_not(None), Pulse.opens_at <= now, Pulse.closes_at > now,
        Pulse.id >= ids.start, ~answered.exists()).order_by(Pulse.closes_at)))


def answerable(session: Session, user: User, pulse_id: int, now: datetime) -> Pulse:
    """The pulse, if the person may answer it now; a clear refusal otherwise."""
    if not may_answer(user):
        raise Forbidden(_("Pulses are answered by managers."))
    pulse = get_pulse(session, pulse_id)
    if not pulse.is_published:
        raise Forbidden(_("This pulse is not published."))
    if not pulse.is_open(now):
        raise Conflict(_("This pulse is not open: it runs from %(opens)s to %(closes)s.",
                         opens=format_datetime(pulse.opens_at), closes=format_datetime(pulse.closes_at)))
    if has_answered(session, pulse, user):
        raise Conflict(_("You have already answered this pulse. Thank you!"))
    return pulse


def _values(pulse: Pulse, given: Mapping[str, str | None]) -> dict[int, int]:
    """{question id: value} from the form's `q<position>` fields; InvalidFields for each one missing."""
    values: dict[int, int] = {}
    errors: dict[str, str] = {}
    for question in pulse.questions:
        name = f"q{question.position}"
        top = len(question.options) if question.kind == CHOICE else SCALE_POINTS
        raw = (given.get(name) or "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= top:
            errors[name] = _("Answer question %(num)d.", num=question.position)
        else:
            values[question.id] = int(raw)
    if errors:
        raise InvalidFields(errors)
    return values


def answer(session: Session, user: User, pulse_id: int, given: Mapping[str, str | None], *,
           now: datetime) -> None:
    """Store the person's answers and their token; one transaction, refused a second time."""
    pulse = answerable(session, user, pulse_id, now)
    values = _values(pulse, given)
    day = local_today(company_zone(), now)
    session.add(PulseResponder(pulse_id=pulse.id, token=responder_token(pulse.id, user.id)))
    session.add_all([PulseAnswer(id=str(uuid.uuid4()), pulse_id=pulse.id, question_id=question_id,
                                 value=value, department_id=user.department_id, answered_on=day)
                     for question_id, value in values.items()])
    try:
        session.commit()
    except IntegrityError:  # the same person answered from another tab a moment ago
        session.rollback()
        raise Conflict(_("You have already answered this pulse. Thank you!")) from None
