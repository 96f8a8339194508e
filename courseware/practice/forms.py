"""Practice forms. They parse the input (dates, numbers); the rules and their messages live in the
services, so that a field shows one clear message whichever check refused it."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import NumberInput

from courseware.forms import DayField
from courseware.inputs import BoundedIntegerField
from courseware.models import Goal
from courseware.services.practice.goals import GoalFields

NO_CHOICE = 0
PROGRESS_MESSAGE = _l("Progress is a whole number from 0 to 100 (percent).")



def goal_label(goal: Goal) -> str:
    if goal.parent_id:
        return _("Short-term: %(title)s", title=goal.title)
    return _("Long-term: %(title)s", title=goal.title)


def _optional_int(value: str | int) -> int:
    # wtforms coerces the submitted text, or a choice's value; never None (it skips coercing None).
    try:
        return int(value)
    except (TypeError, ValueError):
        return NO_CHOICE


class GoalForm(FlaskForm):
    """A long-term goal (with its period) or, without `starts_on`, a short-term goal."""

    title = StringField(_l("Goal"))
    measure = StringField(_l("Measure of done"))
    starts_on = DayField(_l("Period starts"), validators=[Optional()])
    target_on = DayField(_l("Target date"), validators=[Optional()])
    lesson_id = SelectField(_l("Applies the lesson (optional)"), coerce=_optional_int, validate_choice=False)

    def long_term(self) -> GoalForm:
        self.target_on.label.text = _("Period ends")
        return self

    def set_lessons(self, choices: list[tuple[int, str]]) -> None:
        self.lesson_id.choices = [(NO_CHOICE, _("— none —")), *choices]

    def fields(self) -> GoalFields:
        return GoalFields(title=self.title.data or "", measure=self.measure.data or "",
                          starts_on=self.starts_on.data, target_on=self.target_on.data,
                          lesson_id=self.lesson_id.data or None)

    def fill(self, goal: Goal) -> None:
        self.title.data, self.measure.data = goal.title, goal.measure
        self.starts_on.data, self.target_on.data = goal.starts_on, goal.target_on
        self.lesson_id.data = goal.lesson_id or NO_CHOICE

    def suggest_period(self, today: date) -> None:
        """The rest of the current half-year: the period the course's goal meetings review."""
        self.starts_on.data = today
        self.target_on.data = date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)


class PercentField(BoundedIntegerField):
    widget = NumberInput(min=0, max=100, step=5)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(PROGRESS_MESSAGE)) from None


class ProgressForm(FlaskForm):
    progress = PercentField(_l("Progress (%)"),
                            validators=[Optional(), NumberRange(0, 100, PROGRESS_MESSAGE)])
    note = StringField(_l("Note (optional)"))


class FocusForm(FlaskForm):
    text = StringField(_l("Request or temptation"))
    decision = SelectField(_l("Does it serve one of your goals?"), validate_choice=False)
    reason = StringField(_l("Note (optional)"))

    def set_goals(self, goals: Iterable[Goal]) -> None:
        self.decision.choices = [("", _("— choose —")), *((str(goal.id), goal_label(goal)) for goal in goals),
                                 ("decline", _("Not related to my goals: decline it"))]


class PlanForm(FlaskForm):
    most_important = StringField(_l("The most important thing to do today"))
    do_well = StringField(_l("What most needs to be done well (optional)"))
    goal_id = SelectField(_l("Serves the goal (optional)"), coerce=_optional_int, validate_choice=False)

    def set_goals(self, goals: Iterable[Goal]) -> None:
        self.goal_id.choices = [(NO_CHOICE, _("— none —"))] + [(goal.id, goal_label(goal)) for goal in goals]


class SummaryForm(FlaskForm):
    done = TextAreaField(_l("What I did today"))
    learned = TextAreaField(_l("What I learned (optional)"))
    tomorrow = TextAreaField(_l("What comes tomorrow (optional)"))


class ReflectionForm(FlaskForm):
    answer = TextAreaField(_l("Your reflection"))


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Your reply"))
