"""What the president hears back: reflections featured in a lesson with their author's consent, and
the culture pulse, whose answers no one (the database included) can tie to a person.

The pulse's two tables are apart on purpose:

- `pulse_responder` says only "someone holding this token has answered this pulse". The token is
  HMAC-SHA256(SECRET_KEY, pulse id, user id) (services/pulse/answering.py): not the person's id, and
  without the application's secret key it cannot be computed from one. No time, no answer.
- `pulse_answer` holds one row per question answered: the pulse, the question, the value, the
  department the person was in when answering (for the figures by department, shown only from 5
  people on) and the day (a DATE, never a time). No column refers to a person or to the token.

Ordering must not leak who answered what either: an autoincrement id, or the rows' physical order,
would line an answer up with the responder row written in the same request. So both tables have
random primary keys (a uuid4 for answers, the HMAC itself for responders) and, on SQLite, are
WITHOUT ROWID tables: the b-tree is kept in key order, i.e. a random one, and no hidden rowid
remembers the order of insertion. Exports, backups and the database copy read them ordered by key.
What stays beyond the application's reach: PostgreSQL's system columns (the inserting transaction,
`xmin`) live on the server only and never reach a backup or an export; a superuser who also holds
the secret key could correlate them on the live server until the rows are frozen by VACUUM.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.extensions import Model
from courseware.models._time import utcnow


class FeatureState:
    """A request to feature a reflection, and its author's answer."""

    ASKED = "asked"           # waiting for the author
    NAMED = "named"           # yes, with my name
    ANONYMOUS = "anonymous"   # yes, without my name
    DECLINED = "declined"     # no
    WITHDRAWN = "withdrawn"   # was yes, taken back

    SHOWN = (NAMED, ANONYMOUS)


class ReflectionFeature(Model):
    """The president's request to show a shared reflection in its lesson, and the author's consent.
    It belongs to the reflection's author (`user_id`): exported with their data, erased with them."""

    __tablename__ = "reflection_feature"
    __table_args__ = (Index("ix_reflection_feature_lesson", "lesson_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("practice_reflection.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)  # the author
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default=FeatureState.ASKED)
    decided_at: Mapped[datetime | None]

    reflection = relationship("Reflection")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def is_shown(self) -> bool:
        return self.state in FeatureState.SHOWN


class Pulse(Model):
    """A short survey of 3 to 5 questions, open from `opens_at` to `closes_at` (naive UTC) once
    published; a draft until then."""

    __tablename__ = "pulse"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    questions: Mapped[list[PulseQuestion]] = relationship(
        back_populates="pulse", order_by="PulseQuestion.position", cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def is_open(self, now: datetime) -> bool:
        return self.is_published and self.opens_at <= now < self.closes_at


class PulseQuestion(Model):
    """An agreement scale from 1 to 5 (`scale`), or one choice among 2 to 6 options (`choice`,
    the answer's value is the option's position, from 1)."""

    __tablename__ = "pulse_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    options: Mapped[list] = mapped_column(JSON, default=list)

    pulse: Mapped[Pulse] = relationship(back_populates="questions")


class PulseResponder(Model):
    """Someone has answered: an HMAC token, never a person's id (see the module's docstring)."""

    __tablename__ = "pulse_responder"
    __table_args__ = ({"sqlite_with_rowid": False},)

    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)


class PulseAnswer(Model):
    """One answer to one question, by nobody in particular (see the module's docstring)."""

    __tablename__ = "pulse_answer"
    __table_args__ = (Index("ix_pulse_answer_question", "pulse_id", "question_id"),
                      {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a random uuid4
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("pulse_question.id"))
    value: Mapped[int]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    answered_on: Mapped[date]
