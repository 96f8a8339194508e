"""Fingerprinted static URLs: `url_for('static', filename='css/site.css')` gives
`/static/css/site.css?v=<first 12 hex digits of the SHA-256 of the file>`.

A URL names one content for ever, so browsers and nginx may keep it for a year without asking
again (`Cache-Control: public, max-age=31536000, immutable`); a changed file gets a new URL, so no
one is ever served a stale stylesheet after a release. A request whose `v` is missing or not the
file's current fingerprint (an old page during a rolling release) gets `no-cache` instead, so that a
wrong pairing is never cached for a year.

The icons browsers ask for at fixed addresses, `/favicon.ico` and `/apple-touch-icon.png`, are
served from static/ (made by tools/make_icons.py) and kept for 30 days: an address without a
fingerprint, so not for ever.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response, current_app, request, send_from_directory
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
EXTENSION_KEY = "static_fingerprints"
# address -> (endpoint, file in static/)
ICONS = {"/favicon.ico": ("favicon", "favicon.ico"),
         "/apple-touch-icon.png": ("apple_touch_icon", "apple-touch-icon.png")}
ICON_CACHE = f"public, max-age={30 * 24 * 3600}"
ICON_ENDPOINTS = {endpoint for endpoint, _ in ICONS.values()}


class Fingerprints:
    """The fingerprint of each static file, computed once; with `watch`, again when it changes."""

    def __init__(self, folder: str | os.PathLike, watch: bool = False):
        self.folder = str(folder)
        self.watch = watch
        self._known: dict[str, tuple[float | None, str | None]] = {}
        self._lock = threading.Lock()

    def of(self, filename: str) -> str | None:
        """None for a file that does not exist (its URL is left as it is, and answers 404)."""
        known = self._known.get(filename)
        if known is not None and not self.watch:
            return known[1]
        path = safe_join(self.folder, filename)
        try:
            modified = os.stat(path).st_mtime if path else None
        except OSError:
            modified = None
        if known is not None and known[0] == modified:
            return known[1]
        fingerprint = _digest(Path(path)) if path and modified is not None else None
        with self._lock:
            self._known[filename] = (modified, fingerprint)
        return fingerprint


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def init_app(app: Flask) -> None:
    if app.static_folder is None:  # an app without static files has nothing to fingerprint
        return
    # While developing (flask run --debug), a file edited on disk gets its new fingerprint at once.
    fingerprints = Fingerprints(app.static_folder, watch=app.debug)
    app.extensions[EXTENSION_KEY] = fingerprints

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            fingerprint = fingerprints.of(values["filename"])
            if fingerprint:
                values["v"] = fingerprint

    for address, (endpoint, filename) in ICONS.items():
        app.add_url_rule(address, endpoint, _icon(app.static_folder, filename))
    app.after_request(static_cache_headers)


def _icon(folder: str, filename: str) -> Callable[[], Response]:
    def icon() -> Response:
        return send_from_directory(folder, filename)

    return icon


def static_cache_headers(response: Response) -> Response:
    if request.endpoint in ICON_ENDPOINTS and response.status_code in (200, 304):
        response.headers["Cache-Control"] = ICON_CACHE  # the same for everyone, signed in or not
        return response
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    fingerprints: Fingerprints = current_app.extensions[EXTENSION_KEY]
    wanted = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    if wanted and wanted == fingerprints.of(filename):
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"  # revalidate with the ETag every time
    return response
