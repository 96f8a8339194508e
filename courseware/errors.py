"""Error pages in the site's style, for every status and every domain error; never a traceback."""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from courseware.extensions import db
from courseware.services.errors import DomainError
from courseware.services.ops.audit import one_line

log = logging.getLogger(__name__)

TITLES = {
    400: _l("That request could not be handled"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    409: _l("That was already done"),
    410: _l("No longer available"),
    422: _l("Please check the form"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is unavailable"),
}
MESSAGES = {
    400: _l("The request was malformed or incomplete."),
    403: _l("Your account's role does not include this page. If you think it should, ask HR."),
    404: _l("The page you asked for does not exist, or is not yours to see."),
    405: _l("This address does not accept that kind of request."),
    429: _l("Too many attempts in a short time. Wait a minute and try again."),
    500: _l("The error has been logged. Please try again in a moment."),
}


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    body = render_template(
        "errors/error.html",
        status=status,
        title=TITLES.get(status) or _("Error"),
        message=message or MESSAGES.get(status, ""),
    )
    return body, status


def csrf_error(error: CSRFError,
               recover: Callable[[], ResponseReturnValue | None] | None = None) -> ResponseReturnValue:
    """A form whose token expired or was forged: logged, then `recover`'s page if it gives one (a
    blueprint's own way to keep what the person typed, registered as its CSRFError handler), else an
    error page. Nothing was saved."""
    log.info("CSRF failure: %s on %s", one_line(error.description), one_line(request.path))
    recovered = recover() if recover is not None else None
    if recovered is not None:
        return recovered
    return render_error(
        400, _("The form had expired or did not come from this site. Go back, reload the "
               "page and try again; nothing was saved.")
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> ResponseReturnValue:
        db.session.rollback()
        return render_error(error.status_code, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code == 403:
            log.info("403 on %s for %s", one_line(request.path),
                     one_line(current_user.username if current_user.is_authenticated else "anonymous"))
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> ResponseReturnValue:
        log.exception("Unhandled error")
        db.session.rollback()
        return render_error(500)
