"""/notifications (a person's notices, newest first; open one, mark all read), /account/notifications
(each person's preferences: which channels for which kinds) and /unsubscribe/<token> (public: turn off
one kind of optional mail, from its signed link; a mail program may post to it in one click, RFC 8058,
so it takes no CSRF token: the signed token is the authority)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.extensions import csrf, db
from courseware.forms import ConfirmForm, show_errors
from courseware.language import current_language
from courseware.models._time import utcnow
from courseware.notifications.forms import preferences_form
from courseware.services.errors import ValidationError
from courseware.services.notifications import inbox, preferences

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    return render_template("notifications/list.html", form=ConfirmForm(),
                           notices=inbox.notices(db.session, current_user, current_language()))


@bp.get("/notifications/<int:notice_id>")
@login_required
def open_notice(notice_id: int) -> ResponseReturnValue:
    """Mark the notice read and go where it leads (a path on this site only)."""
    link = inbox.open_notice(db.session, current_user, notice_id, utcnow())
    if not link or not link.startswith("/") or link.startswith("//"):
        return redirect(url_for("notifications.index"))
    return redirect(link)


@bp.post("/notifications/read")
@login_required
def read_all() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        inbox.mark_all_read(db.session, current_user, utcnow())
        flash(_("Every notification is marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    found = preferences.read_token(db.session, token)
    if request.method == "POST":
        preferences.opt_out(db.session, found.user.id, found.kind, found.channel)
        return render_template("notifications/unsubscribe.html", found=found, done=True)
    return render_template("notifications/unsubscribe.html", found=found, done=found.already)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    """Which channels tell the person of which kinds; a reminder of an assigned course keeps one."""
    now_on = preferences.choices(db.session, current_user)
    form = preferences_form(now_on)
    if form.validate_on_submit():
        try:
            preferences.save(db.session, current_user, {pair: bool(form[preferences.field_name(*pair)].data)
                                                        for pair in now_on}, current_app.config)
            flash(_("Your notification preferences are saved."), "success")
            return redirect(url_for("notifications.settings"), 303)
        except ValidationError as error:
            db.session.rollback()
            show_errors(form, error)
    return render_template(
        "notifications/preferences.html", form=form, kinds=preferences.person_kinds(),
        channels=preferences.person_channels(), field_name=preferences.field_name,
        reaches=preferences.reaching(db.session, current_user, current_app.config),
    ), 422 if form.errors else 200
