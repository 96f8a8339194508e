"""The pulse's forms: the president's draft (a title, two days, five question rows of which 3 to 5
are filled), and the manager's answers (one radio group per question). The rules and their messages
are in services/pulse; these parse the request."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from courseware.forms import DayField
from courseware.models import Pulse
from courseware.services.pulse.pulses import CHOICE, MAX_QUESTIONS, SCALE, PulseFields, QuestionFields
from courseware.services.pulse.results import value_labels


class PulseForm(FlaskForm):
    title = StringField(_l("Title"))
    opens_on = DayField(_l("First day"), validators=[Optional()])
    closes_on = DayField(_l("Last day"), validators=[Optional()])

    def question_rows(self) -> list[tuple[int, Field, Field, Field]]:
        return [(n, self[f"q{n}_text"], self[f"q{n}_kind"], self[f"q{n}_options"])
                for n in range(1, MAX_QUESTIONS + 1)]

    def to_fields(self) -> PulseFields:
        return PulseFields(self.title.data or "", self.opens_on.data, self.closes_on.data,
                           [QuestionFields(text.data or "", kind.data or SCALE, options.data or "")
                            for _n, text, kind, options in self.question_rows()])

    @classmethod
    def from_fields(cls, fields: PulseFields) -> PulseForm:
        data: dict = {"title": fields.title, "opens_on": fields.opens_on, "closes_on": fields.closes_on}
        for n, question in enumerate(fields.questions, start=1):
            data |= {f"q{n}_text": question.text, f"q{n}_kind": question.kind,
                     f"q{n}_options": question.options}
        return cls(formdata=None, data=data)


_KINDS = [SelectChoice(SCALE, _l("Agreement, 1 (strongly disagree) to 5 (strongly agree)")),
          SelectChoice(CHOICE, _l("One choice among the options below"))]
for _number in range(1, MAX_QUESTIONS + 1):
    setattr(PulseForm, f"q{_number}_text", StringField(_l("Question %(num)d", num=_number)))
    setattr(PulseForm, f"q{_number}_kind", SelectField(_l("Answered by"), choices=_KINDS, default=SCALE))
    setattr(PulseForm, f"q{_number}_options", TextAreaField(_l("Options, one a line (for a choice)")))


def answer_form(pulse: Pulse) -> FlaskForm:
    """A form with one radio group `q<position>` per question, its values 1..n."""

    class AnswerForm(FlaskForm):
        pass

    for question in pulse.questions:
        choices = [SelectChoice(str(n), label) for n, label in enumerate(value_labels(question), start=1)]
        setattr(AnswerForm, f"q{question.position}", RadioField(question.text, choices=choices,
                                                                validate_choice=False))
    return AnswerForm()
