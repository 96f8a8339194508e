"""One way for a service's refusal to reach a form: InvalidFields / ValidationError and show_errors."""
from __future__ import annotations

from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from courseware.forms import show_errors
from courseware.services.errors import InvalidFields, ValidationError


class _Form(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()
    note = StringField()


def test_invalid_fields_names_every_field_and_has_a_general_message(app):
    with app.test_request_context():
        error = InvalidFields({"title": "Give it a title.", "note": "Too long."})
        assert isinstance(error, ValidationError)
        assert (error.field, str(error)) == ("title", "Please correct the marked fields.")
        assert error.field_errors == {"title": "Give it a title.", "note": "Too long."}
        assert str(InvalidFields({"note": "Too long."}, message="Too long.")) == "Too long."
        assert ValidationError("Taken.", field="title").field_errors == {"title": "Taken."}


def test_show_errors_puts_messages_on_fields_and_the_rest_on_default_or_flashed(app):
    with app.test_request_context(method="POST"):
        form = _Form()
        show_errors(form, InvalidFields({"title": "Give it a title.", "elsewhere": "Not here."}))
        assert form.title.errors == ["Give it a title."]
        assert not form.note.errors
        assert get_flashed_messages(with_categories=True) == [("error", "Not here.")]

    with app.test_request_context(method="POST"):
        form = _Form()
        show_errors(form, ValidationError("No field.", field=None), default=form.note)
        show_errors(form, ValidationError("Unknown field.", field="nowhere"), default=form.note)
        show_errors(form, ValidationError("Too long.", field="note"))
        assert form.note.errors == ["No field.", "Unknown field.", "Too long."]
        assert get_flashed_messages() == []
