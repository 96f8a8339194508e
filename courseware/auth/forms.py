from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(
        "Username", validators=[DataRequired(message="Enter your username."), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password", validators=[DataRequired(message="Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")


class ConfirmForm(FlaskForm):
    """A form with no fields: a button that POSTs with a CSRF token."""


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(message="Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired(message="Choose a new password."), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(message="Type the new password again."),
                    EqualTo("new_password", message="The two new passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )


class ReauthenticateForm(FlaskForm):
    password = PasswordField(
        "Password", validators=[DataRequired(message="Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
