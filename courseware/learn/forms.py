"""The forms of a lesson's questions. They only parse; the rules and their messages live in
services/discussion/questions.py, so that a field shows one clear message whichever check refused it.

Every answer and hide form on a lesson page has a prefix naming its question ("answer-12-body"), so
that the one that came back with errors shows them, and only it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField


class AskForm(FlaskForm):
    body = TextAreaField(_l("Your question"))
    anonymous = BooleanField(_l("Ask anonymously (only the president and the hosts see your name)"))


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Your answer to this question"))


class HideForm(FlaskForm):
    reason = StringField(_l("Why hide it? The asker reads this."))


def ask_form() -> AskForm:
    return AskForm(prefix="question")


def answer_form(question_id: int) -> AnswerForm:
    return AnswerForm(prefix=f"answer-{question_id}")


def hide_form(question_id: int) -> HideForm:
    return HideForm(prefix=f"hide-{question_id}")
