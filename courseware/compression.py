"""Pages, CSV exports and JSON compressed with gzip when the browser says it accepts it.

A page of the course is 15-40 KB of HTML and compresses to a fifth of that. Files are left to
nginx in production (deploy/nginx.conf compresses them and serves them from disk); here only what
the app generates is compressed, after every other after-request hook, so the body is final.

Against BREACH (guessing a secret in a compressed HTTPS page, such as the CSRF token, from the
sizes of many responses), every gzip body carries 1-100 random bytes in the gzip header's file name
field, so that the size of a response says nothing exact about its content; the same mitigation as
Django's GZipMiddleware ("Heal The Breach"). Browsers ignore that field.
"""
from __future__ import annotations

import gzip
import secrets
import string

from flask import Flask, Response, request

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


def init_app(app: Flask) -> None:
    app.after_request(compress_response)


def compress_response(response: Response) -> Response:
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
    body = gzip.compress(data, compresslevel=LEVEL, mtime=0)
    name = secrets.token_bytes(1 + secrets.randbelow(MAX_RANDOM_BYTES)).translate(_TO_FILENAME)
    header = bytearray(body[:10])
    header[3] |= 0x08  # FLG.FNAME: a zero-terminated file name follows the 10-byte header
    return bytes(header) + name + b"\0" + body[10:]
