"""Featuring a reflection in its lesson: the president asks (from a shared reflection's page), the
author answers yes with their name, yes without it, or no, and may withdraw at any time
(services/practice/featuring.py)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courseware.auth.decorators import role_required
from courseware.extensions import db
from courseware.forms import ConfirmForm
from courseware.models import FeatureState, Role
from courseware.practice.common import clock
from courseware.services.practice import featuring

bp = Blueprint("featuring", __name__, url_prefix="/reflections")

ANSWERED = {
    FeatureState.NAMED: _l("Thank you: the lesson shows your reflection with your name. You can withdraw it "
                        "at any time."),
    FeatureState.ANONYMOUS: _l("Thank you: the lesson shows your reflection without your name. You can "
                            "withdraw it at any time."),
    FeatureState.DECLINED: _l("Understood: your reflection is not shown in the lesson."),
    FeatureState.WITHDRAWN: _l("Withdrawn: the lesson no longer shows your reflection."),
}


def _back(reflection_id: int) -> ResponseReturnValue:
    return redirect(url_for("practice.reflections.show", reflection_id=reflection_id), code=303)


@bp.post("/<int:reflection_id>/feature/ask")
@role_required(Role.PRESIDENT.value)
def ask(reflection_id: int) -> ResponseReturnValue:
    if not ConfirmForm().validate():
        flash(_("The form expired: please try again."), "error")
        return _back(reflection_id)
    featuring.ask(db.session, current_user, reflection_id, now=clock())
    flash(_("Asked. The author decides whether the lesson shows it, with their name or without."), "success")
    return _back(reflection_id)


@bp.post("/<int:reflection_id>/feature")
def decide(reflection_id: int) -> ResponseReturnValue:
    if not ConfirmForm().validate():
        flash(_("The form expired: please try again."), "error")
        return _back(reflection_id)
    # A choice that is none of the three (only a forged request sends one) is a 400 page.
    feature = featuring.decide(db.session, current_user, reflection_id, request.form.get("choice", ""),
                               now=clock())
    flash(str(ANSWERED[feature.state]), "success" if feature.is_shown else "info")
    return _back(reflection_id)
