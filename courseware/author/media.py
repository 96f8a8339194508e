"""Lesson images, for everyone signed in: they appear in published lessons."""
from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask.typing import ResponseReturnValue
from flask_login import login_required

from courseware.author.views import upload_dir
from courseware.services.authoring import uploads

bp = Blueprint("media", __name__)


@bp.get("/uploads/<name>")
@login_required
def image(name: str) -> ResponseReturnValue:
    path = uploads.image_path(upload_dir(), name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=uploads.media_type(name), max_age=0, conditional=True)
    # Named by content hash: the bytes behind a name never change. Never a document of ours.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
