"""Responses compressed with gzip when the browser says it accepts it: pages, CSV exports and JSON
that the app generates, and its own text files (CSS, JavaScript, SVG) under /static.

A page of the course is 15-40 KB of HTML and compresses to a fifth of that; site.css is 47 KB and
compresses to about 10. In production nginx serves and compresses the files itself
(deploy/nginx/culture-courses.conf); `make run` and `make serve` send them through the app, which
compresses each static text file once per process (on its first request, again only when the file
changes on disk) and keeps the bytes (`StaticGzip`). The compressed file is a representation of its
own: `Content-Encoding: gzip`, its own length and a strong ETag of its own (`"<tag>-gzip"`, answered
304 when the browser asks with it), `Vary: Accept-Encoding` on both representations.

Against BREACH (guessing a secret in a compressed HTTPS page, such as the CSRF token, from the
sizes of many responses), every generated gzip body carries 1-100 random bytes in the gzip header's
file name field, so that the size of a response says nothing exact about its content; the same
mitigation as Django's GZipMiddleware ("Heal The Breach"). Browsers ignore that field. Static files
hold no secret: theirs is the same bytes every time.
"""
from __future__ import annotations

import gzip
import os
import secrets
import string
import threading

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

COMPRESSIBLE = {
    "text/html", "text/plain", "text/css", "text/csv", "text/javascript", "application/javascript",
    "application/json", "image/svg+xml",
}
# Below this, the gzip header and the work cost more than they save.
MIN_SIZE = 600
# Level 1 makes a lesson page about a tenth larger than level 6 at a third of the time, and every
# page is compressed anew (bench/serve.py measured level 6 at a tenth of a page's time).
LEVEL = 1
MAX_RANDOM_BYTES = 100
_FILENAME_CHARACTERS = (string.ascii_letters + string.digits).encode()
# Random bytes mapped to letters and digits in one pass. The length is what must be unpredictable;
# the characters' slight bias (256 is not a multiple of 62) says nothing about the page.
_TO_FILENAME = bytes(_FILENAME_CHARACTERS[byte % len(_FILENAME_CHARACTERS)] for byte in range(256))


# The app's own text files: what nginx's gzip_types names in production.
STATIC_COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}
EXTENSION_KEY = "static_gzip"


class StaticGzip:
    """Each static text file's gzip bytes, made once per process and kept while the file is unchanged
    (its size and modification time)."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = str(folder)
        self._known: dict[str, tuple[tuple[int, int], bytes | None]] = {}
        self._lock = threading.Lock()

    def of(self, filename: str) -> bytes | None:
        """None for a missing file, or one too small to be worth compressing."""
        path = safe_join(self.folder, filename)
        try:
            stat = os.stat(path) if path else None
        except OSError:
            stat = None
        if path is None or stat is None:
            return None
        version = (stat.st_size, stat.st_mtime_ns)
        known = self._known.get(filename)
        if known is not None and known[0] == version:
            return known[1]
        with open(path, "rb") as handle:
            data = handle.read()
        body = gzip.compress(data, compresslevel=9, mtime=0) if len(data) >= MIN_SIZE else None
        with self._lock:
            self._known[filename] = (version, body)
        return body


def init_app(app: Flask) -> None:
    if app.static_folder is not None:
        app.extensions[EXTENSION_KEY] = StaticGzip(app.static_folder)
    app.after_request(compress_response)


def compress_response(response: Response) -> Response:
    if request.endpoint == "static":
        return compress_static(response)
    if (
        response.direct_passthrough  # files (send_file): nginx's job in production
        or response.is_streamed
        or not 200 <= response.status_code < 300
        or response.status_code == 204
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(compress(data))
    response.headers["Content-Encoding"] = "gzip"
    etag = response.get_etag()[0]
    if etag:
        # The compressed body is a different representation: its tag must differ (RFC 9110 8.8.1).
        response.set_etag(etag + "-gzip", weak=True)
    return response


def compress(data: bytes) -> bytes:
    """gzip with a random-length file name in the header (see the module's note on BREACH)."""
    return named_gzip(gzip.compress(data, compresslevel=LEVEL, mtime=0))


def named_gzip(body: bytes) -> bytes:
    """gzip bytes (made with no file name) given a random-length file name, for each response anew:
    a page compressed once and kept (courseware/page_cache.py) is sent with a new length each time."""
    name = secrets.token_bytes(1 + secrets.randbelow(MAX_RANDOM_BYTES)).translate(_TO_FILENAME)
    header = bytearray(body[:10])
    header[3] |= 0x08  # FLG.FNAME: a zero-terminated file name follows the 10-byte header
    return bytes(header) + name + b"\0" + body[10:]


def compress_static(response: Response) -> Response:
    """A static text file as its gzip representation, for a browser that accepts gzip."""
    if response.mimetype not in STATIC_COMPRESSIBLE or response.status_code not in (200, 304):
        return response
    response.vary.add("Accept-Encoding")
    cache: StaticGzip | None = current_app.extensions.get(EXTENSION_KEY)
    etag = response.get_etag()[0]
    if cache is None or not etag or not request.accept_encodings["gzip"]:
        return response
    body = cache.of((request.view_args or {}).get("filename", ""))
    if body is None:
        return response
    tag = f"{etag}-gzip"
    if response.status_code == 304 and tag not in request.if_none_match:
        return response  # the browser holds the uncompressed file, and that is still current
    if hasattr(response.response, "close"):
        response.response.close()  # the file send_file opened
    response.direct_passthrough = False
    response.headers.pop("Accept-Ranges", None)  # ranges would be of the uncompressed file
    response.set_etag(tag)
    response.headers["Content-Encoding"] = "gzip"
    if tag in request.if_none_match:
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Length", None)
        return response
    response.status_code = 200
    response.set_data(body)
    return response
