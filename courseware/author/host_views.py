"""/author/hosts: the president names the hosts who answer and moderate lesson questions beside them,
from the active accounts, and takes them off the list (services/discussion/hosts.py; audited)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.author.forms import HostForm
from courseware.extensions import db
from courseware.forms import show_errors
from courseware.models._time import utcnow
from courseware.services.discussion import hosts
from courseware.services.errors import ValidationError

bp = Blueprint("hosts", __name__)


def _page(form: HostForm, status: int = 200) -> ResponseReturnValue:
    candidates = hosts.candidates(db.session)
    form.user_id.choices = [(0, _("Choose a person…"))] + [
        (user.id, f"{user.full_name} ({user.username})") for user in candidates]
    return render_template("author/hosts.html", form=form, hosts=hosts.hosts(db.session)), status


@bp.get("/hosts")
def index() -> ResponseReturnValue:
    return _page(HostForm())


@bp.post("/hosts")
def add() -> ResponseReturnValue:
    form = HostForm()
    try:
        user = hosts.add(db.session, current_user, form.user_id.data or None, now=utcnow())
    except ValidationError as error:
        db.session.rollback()
        show_errors(form, error, default=form.user_id)
        return _page(form, 422)
    flash(_("%(name)s is now a host: they answer and moderate questions on every lesson.",
            name=user.full_name), "success")
    return redirect(url_for(".index"), code=303)


@bp.post("/hosts/<int:user_id>/remove")
def remove(user_id: int) -> ResponseReturnValue:
    user = hosts.remove(db.session, current_user, user_id)
    flash(_("%(name)s is no longer a host.", name=user.full_name), "success")
    return redirect(url_for(".index"), code=303)
