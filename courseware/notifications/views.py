"""/notifications (a person's notices, newest first; open one, mark all read) and /unsubscribe/<token>
(public: turn off one kind of optional mail, from its signed link; a mail program may post to it in
one click, RFC 8058, so it takes no CSRF token: the signed token is the authority)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courseware.extensions import csrf, db
from courseware.forms import ConfirmForm
from courseware.language import current_language
from courseware.models._time import utcnow
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
