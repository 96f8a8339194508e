from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    EmailField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from courseware.forms import DayField
from courseware.inputs import BoundedIntegerField, bounded_int

NO_DEPARTMENT = 0
NEVER = "never"  # certificates of the course never expire
NOBODY = 0  # the choice of no line manager, or no head


class DueDayField(DayField):
    invalid_message = _l("Enter the due date as a day, for example 2027-03-31.")


class AssignmentForm(FlaskForm):
    """A course for departments (ticked in a tree: a department includes its sub-departments) and
    people (found by a search, ticked); the ids are checked by services/people/assignments."""

    course_id = SelectField(_l("Course"), coerce=bounded_int, validators=[DataRequired()])
    department_ids = SelectMultipleField(_l("Departments"), coerce=bounded_int, validate_choice=False,
                                         validators=[Optional()])
    user_ids = SelectMultipleField(lazy_pgettext("people to assign a course to", "People"),
                                   coerce=bounded_int, validate_choice=False, validators=[Optional()])
    q = StringField(_l("Find people by name, username or department"),
                    validators=[Optional(), Length(max=100)])
    due_on = DueDayField(_l("Due date"), validators=[Optional()])
    due_days = BoundedIntegerField(
        _l("…or days to complete, counted from assignment (or from joining the department)"),
        validators=[Optional(), NumberRange(min=1, max=730)],
    )
    purpose = SelectField(_l("Asks for"), default="completion")  # choices: assignments.Purpose


class CertificatePolicyForm(FlaskForm):
    """A course's certificate settings; services.learning.certificate_policy checks the ranges."""

    expires = SelectField(_l("Certificates expire"), default=NEVER, choices=[
        SelectChoice(NEVER, _l("Never")), SelectChoice("months", _l("After a number of months"))])
    validity_months = BoundedIntegerField(_l("Valid for (months)"), validators=[Optional()])
    refresh_window_days = BoundedIntegerField(_l("Refresh window (days before expiry)"),
                                              validators=[Optional()])
    refresh_questions = BoundedIntegerField(_l("Questions in the refresh check"), validators=[Optional()])


class AccountForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Job title"), validators=[
        Optional(), Length(max=120, message=_l("A job title has at most %(max)d characters."))])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    department_id = SelectField(_l("Department"), coerce=bounded_int)
    # Any id is let through to the service, which says in words why a choice is refused (a cycle).
    manager_id = SelectField(_l("Line manager"), coerce=bounded_int, default=NOBODY, validate_choice=False)
    role = SelectField(_l("Role"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file.")),
                    FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
    )


class DepartmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    name_zh = StringField(_l("Chinese name"), validators=[Optional(), Length(max=120)])
    parent_id = SelectField(_l("Part of"), coerce=bounded_int)


class DepartmentNamesForm(FlaskForm):
    """Renaming a department, or giving it its Chinese name (one per department, each with its own
    prefix)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    name_zh = StringField(_l("Chinese name"), validators=[Optional(), Length(max=120)])


class DepartmentHeadForm(FlaskForm):
    """One per department on the departments page (each with its own prefix)."""

    head_id = SelectField(_l("Head"), coerce=bounded_int, default=NOBODY, validate_choice=False)


class EraseForm(FlaskForm):
    """Erasing a person who has left (services/people/erasure): confirmed by typing their username."""

    confirm = StringField(_l("Type the username to confirm"),
                          validators=[DataRequired(message=_l("Type the username to confirm.")),
                                      Length(max=64)],
                          render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})


class NudgeForm(FlaskForm):
    """HR's optional note on a nudge (its length is the service's to check: nudges.NOTE_LENGTH); the
    people chosen travel as `user` values beside it."""

    note = TextAreaField(_l("A note from you (optional, plain text)"), validators=[Optional()])
