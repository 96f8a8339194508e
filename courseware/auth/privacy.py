"""Personal data, the person's side: the public privacy page (/privacy) and "My data" (/account/data),
the download of everything the site holds about the signed-in person (services/people/personal_data).
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, fresh_login_required

from courseware.extensions import db
from courseware.forms import ConfirmForm
from courseware.models._time import utcnow
from courseware.services.ops import audit
from courseware.services.people import personal_data

bp = Blueprint("privacy", __name__)


@bp.get("/privacy")
def privacy():
    """What is stored, why, for how long and who sees it; public, in the reader's language."""
    return render_template("auth/privacy.html",
                           retention_months=current_app.config["PERSONAL_DATA_RETENTION_MONTHS"])


@bp.route("/account/data", methods=["GET", "POST"])
@fresh_login_required
def my_data() -> ResponseReturnValue:
    """The page that says what the download holds (GET), and the download itself (POST, with the form's
    token): a ZIP, audited."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("auth/my_data.html", form=form), 400 if form.is_submitted() else 200
    name, data = personal_data.export_zip(db.session, current_user, utcnow())
    audit.record(db.session, "account.data_export", actor=current_user, target=current_user.username,
                 details=f"{len(data)} bytes", commit=True)
    response = current_app.response_class(data, mimetype="application/zip")
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = "no-store"
    return response
