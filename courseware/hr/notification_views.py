"""HR's notification settings: /hr/notifications (each channel as the environment configures it,
secrets masked; "send me a test" per channel; the delivery log, filtered, 50 a page) and the test's
POST. For HR and the president."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courseware.auth.decorators import role_required
from courseware.extensions import db
from courseware.forms import ConfirmForm
from courseware.models import DeliveryState
from courseware.models._time import utcnow
from courseware.services.errors import ValidationError
from courseware.services.notifications import log, settings
from courseware.services.notifications.channels import Channel
from courseware.services.notifications.messages import Kind

bp = Blueprint("hr_notifications", __name__, url_prefix="/hr")
READERS = ("hr", "president")


@bp.get("/notifications")
@role_required(*READERS)
def overview() -> ResponseReturnValue:
    state, kind = request.args.get("state") or None, request.args.get("kind") or None
    try:
        page = log.delivery_log(db.session, state, kind, max(1, request.args.get("page", 1, type=int)))
    except ValidationError:
        abort(400)
    return render_template("hr/notifications.html", channels=settings.overview(current_app.config),
                           form=ConfirmForm(), log=page, state=state, kind=kind, filters=list(log.LogFilter),
                           kinds=list(Kind), state_label=log.state_label, kind_label=_kind_label,
                           channel_label=_channel_label)


def _kind_label(kind: str) -> str:
    return Kind(kind).label if kind in {k.value for k in Kind} else kind


def _channel_label(channel: str) -> str:
    return Channel(channel).label if channel in {c.value for c in Channel} else channel


@bp.post("/notifications/test")
@role_required(*READERS)
def send_test() -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        channel = Channel(request.form.get("channel", ""))
    except ValueError:
        abort(400)
    try:
        delivery = settings.send_test(db.session, current_user, channel, utcnow(), current_app.config)
    except ValidationError as error:
        flash(str(error), "error")
        return redirect(url_for("hr_notifications.overview"))
    if delivery.state == DeliveryState.SENT:
        flash(_("Test sent on %(channel)s.", channel=channel.label), "success")
    else:
        flash(_("The test on %(channel)s failed: %(reason)s", channel=channel.label,
                reason=delivery.last_error or ""), "error")
    return redirect(url_for("hr_notifications.overview"))
