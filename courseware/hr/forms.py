from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, EmailField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

NO_DEPARTMENT = 0


class AssignmentForm(FlaskForm):
    course_id = SelectField("Course", coerce=int, validators=[DataRequired()])
    department_ids = SelectMultipleField("Departments", coerce=int, validators=[Optional()])
    usernames = StringField(
        "People (usernames, separated by commas)", validators=[Optional(), Length(max=5000)]
    )
    due_on = DateField("Due date", validators=[Optional()])
    due_days = IntegerField(
        "…or days to complete, counted from assignment (or from joining the department)",
        validators=[Optional(), NumberRange(min=1, max=730)],
    )


class AccountForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("E-mail", validators=[Optional(), Length(max=254)])
    department_id = SelectField("Department", coerce=int)
    role = SelectField("Role")


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file."), FileAllowed(["csv", "txt"], "Upload a .csv file.")],
    )


class DepartmentForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    parent_id = SelectField("Part of", coerce=int)
