"""/author/: one parent blueprint that only the president passes, whatever page is added to it."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from courseware.author import host_views, insight_views, pulse_views, quiz_views, revision_views, views
from courseware.errors import render_error
from courseware.extensions import login_manager
from courseware.language import LANGUAGES, SOURCE_LANGUAGE
from courseware.models import Role
from courseware.services.authoring import uploads

bp = Blueprint("author", __name__, url_prefix="/author")
for child in (views.bp, revision_views.bp, quiz_views.bp, pulse_views.bp, insight_views.bp, host_views.bp):
    bp.register_blueprint(child)


# The editor posts a lesson's text with an image of up to 5 MB; the image limit itself is checked
# by the upload service, with a message next to the field.
MAX_REQUEST_BYTES = uploads.MAX_BYTES + 3 * 1024 * 1024
MAX_FORM_TEXT_BYTES = 2 * 1024 * 1024


@bp.url_value_preprocessor
def request_limits(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # URL value preprocessors run before the CSRF check reads the body, so the limits apply to it.
    request.max_content_length = MAX_REQUEST_BYTES
    request.max_form_memory_size = MAX_FORM_TEXT_BYTES
    g.author_language = editing_language()


def editing_language() -> str:
    """The language of the lesson revisions a page works on: `?lang=zh_CN`, else the source one."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else SOURCE_LANGUAGE


@bp.url_defaults
def keep_editing_language(_endpoint: str, values: dict[str, Any]) -> None:
    """Links and forms of a page that works on a translation stay on that translation."""
    language = g.get("author_language", SOURCE_LANGUAGE)
    if language != SOURCE_LANGUAGE:
        values.setdefault("lang", language)


@bp.before_request
def president_only() -> ResponseReturnValue | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(Role.PRESIDENT.value):
        abort(403)
    return None


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    message = _("That upload is too large: images can be at most %(size)s. "
                "Nothing was saved; go back and choose a smaller image.",
                size=uploads.megabytes(uploads.MAX_BYTES))
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), 413
    return render_error(413, message)
