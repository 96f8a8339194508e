"""Static files: fingerprinted URLs cached for a year, nothing from another host, pages and the
site's CSS, JavaScript and SVG compressed for browsers that accept gzip, the icons."""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import struct

import pytest

from courseware.compression import StaticGzip
from courseware.config import PROJECT_ROOT
from courseware.static_files import IMMUTABLE, Fingerprints

STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"')


def fingerprint_of(relative: str) -> str:
    return hashlib.sha256((PROJECT_ROOT / "static" / relative).read_bytes()).hexdigest()[:12]


def test_pages_link_static_files_by_content_fingerprint(client):
    page = client.get("/login").get_data(as_text=True)
    links = STATIC_URL.findall(page)
    assert ("/static/css/site.css", fingerprint_of("css/site.css")) in links
    assert 'href="/static/css/site.css"' not in page


@pytest.mark.parametrize("who", ["anonymous", "manager"])
def test_a_fingerprinted_file_is_cached_for_a_year_even_when_signed_in(who, client, manager):
    asker = manager if who == "manager" else client
    url = f"/static/css/site.css?v={fingerprint_of('css/site.css')}"
    response = asker.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert response.get_data() == (PROJECT_ROOT / "static/css/site.css").read_bytes()


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_file_asked_for_without_its_current_fingerprint_is_revalidated(query, client):
    """An old page during a release may ask with an old fingerprint: never cache that pairing."""
    response = client.get(f"/static/css/site.css{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers.get("ETag")


def test_a_changed_file_gets_a_new_fingerprint_while_developing(tmp_path):
    (tmp_path / "app.css").write_text("body { color: black }")
    watching, fixed = Fingerprints(tmp_path, watch=True), Fingerprints(tmp_path)
    first = watching.of("app.css")
    assert fixed.of("app.css") == first
    (tmp_path / "app.css").write_text("body { color: navy }")
    os.utime(tmp_path / "app.css", (1, 1))  # a different modification time, whatever the clock
    assert watching.of("app.css") != first
    assert fixed.of("app.css") == first  # production: files change only with a restart
    assert watching.of("missing.css") is None and watching.of("../secret") is None


# An attribute, a CSS url() or an @import that points at another host (absolute or scheme-relative).
OUTSIDE = re.compile(
    r'(?:src|href|action|poster|data)\s*=\s*"(?:https?:)?//'
    r'|url\(\s*["\']?(?:https?:)?//|@import\s+["\']?(?:https?:)?//', re.IGNORECASE)


def test_no_page_or_stylesheet_asks_another_host_for_anything(course, client, manager, hr, president):
    """Fonts, scripts and styles are all served by us: nothing from a CDN or font service."""
    pages = {
        client: ["/login"],
        manager: ["/", "/courses/test-course", "/courses/test-course/first-lesson",
                  "/courses/test-course/first-lesson/quiz", "/me"],
        hr: ["/hr/"],
        president: ["/author/"],
    }
    for asker, urls in pages.items():
        for url in urls:
            response = asker.get(url)
            assert response.status_code == 200, url
            found = OUTSIDE.findall(response.get_data(as_text=True))
            assert not found, (url, found)
    for asset in (PROJECT_ROOT / "static").rglob("*"):
        if asset.suffix in (".css", ".js", ".html", ".svg"):
            assert not OUTSIDE.findall(asset.read_text()), asset
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp


def test_pages_are_gzipped_for_browsers_that_accept_it(course, manager):
    plain = manager.get("/courses/test-course")
    assert plain.headers.get("Content-Encoding") is None
    assert "Accept-Encoding" in plain.headers["Vary"]

    zipped = manager.get("/courses/test-course", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    body = zipped.get_data()
    assert int(zipped.headers["Content-Length"]) == len(body) < len(plain.get_data()) / 2
    page = gzip.decompress(body).decode()
    assert page.startswith("<!doctype html>") and "The first lesson" in page


def test_compressed_sizes_vary_so_that_they_reveal_nothing_exact(course, manager):
    """Random bytes in the gzip header (against BREACH): the same page, different sizes."""
    sizes = {len(manager.get("/courses/test-course", headers={"Accept-Encoding": "gzip"}).get_data())
             for _ in range(8)}
    assert len(sizes) > 1


def test_small_responses_images_and_refusals_are_not_compressed(client):
    gz = {"Accept-Encoding": "gzip"}
    assert client.get("/healthz", headers=gz).headers.get("Content-Encoding") is None
    assert client.get("/no-such-page", headers=gz).headers.get("Content-Encoding") is None
    assert client.get("/static/no-such.css", headers=gz).status_code == 404
    for small_or_image in ("/static/favicon.svg", "/favicon.ico", "/static/apple-touch-icon.png"):
        response = client.get(small_or_image, headers=gz)
        assert response.status_code == 200 and response.headers.get("Content-Encoding") is None
        assert response.get_data() == (PROJECT_ROOT / "static" / small_or_image.split("/")[-1]).read_bytes()


@pytest.mark.parametrize("asset", ["css/site.css", "css/author.css", "js/site.js", "js/editor.js"])
def test_static_text_files_are_gzipped_for_browsers_that_accept_it(asset, client, manager):
    """`make run` and `make serve` send the files through the app: compressed, as nginx does."""
    original = (PROJECT_ROOT / "static" / asset).read_bytes()
    url = f"/static/{asset}?v={fingerprint_of(asset)}"
    plain = client.get(url)
    assert plain.headers.get("Content-Encoding") is None and plain.get_data() == original
    assert "Accept-Encoding" in plain.headers["Vary"]

    for asker in (client, manager):
        zipped = asker.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in zipped.headers["Vary"]
        assert zipped.headers["Cache-Control"] == IMMUTABLE
        body = zipped.get_data()
        assert int(zipped.headers["Content-Length"]) == len(body) < len(original) / 2
        assert gzip.decompress(body) == original
        # Its own representation: its own tag, and the same bytes every time (no secret to pad).
        assert zipped.headers["ETag"] != plain.headers["ETag"]
        assert zipped.headers["ETag"].endswith('-gzip"') and not zipped.headers["ETag"].startswith("W/")
        assert asker.get(url, headers={"Accept-Encoding": "gzip"}).get_data() == body
        assert "Accept-Ranges" not in zipped.headers


def test_a_compressed_file_is_revalidated_with_its_own_tag(client):
    gz = {"Accept-Encoding": "gzip"}
    zipped = client.get("/static/css/site.css", headers=gz)
    again = client.get("/static/css/site.css", headers={**gz, "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == zipped.headers["ETag"]
    # A browser that kept the uncompressed file gets its 304 too; a stale tag gets the file.
    plain_tag = client.get("/static/css/site.css").headers["ETag"]
    assert client.get("/static/css/site.css", headers={**gz, "If-None-Match": plain_tag}).status_code == 304
    stale = client.get("/static/css/site.css", headers={**gz, "If-None-Match": '"old-gzip"'})
    assert stale.status_code == 200 and gzip.decompress(stale.get_data()).startswith(b"/*")


def test_a_static_file_is_compressed_once_and_again_when_it_changes(tmp_path, monkeypatch):
    (tmp_path / "app.css").write_text("body { color: black }\n" * 100)
    cache = StaticGzip(tmp_path)
    first = cache.of("app.css")
    assert first is not None and gzip.decompress(first).startswith(b"body { color: black }")
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: reads.append(a) or real_open(*a, **k))
    assert cache.of("app.css") is first and reads == []  # kept: not read nor compressed again
    monkeypatch.undo()
    (tmp_path / "app.css").write_text("body { color: navy }\n" * 100)
    os.utime(tmp_path / "app.css", (1, 1))
    assert gzip.decompress(cache.of("app.css")).startswith(b"body { color: navy }")
    (tmp_path / "tiny.css").write_text("p{}")
    assert cache.of("tiny.css") is None and cache.of("missing.css") is None and cache.of("../x") is None


# --- the icons ------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "manager"])
def test_the_favicon_and_touch_icon_are_served_and_kept_for_30_days(who, client, manager):
    asker = manager if who == "manager" else client
    icon = asker.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.headers["Cache-Control"] == "public, max-age=2592000"
    data = icon.get_data()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)  # an icon file
    sizes = [data[6 + 16 * i] for i in range(count)]
    assert sizes == [16, 32, 48]
    touch = asker.get("/apple-touch-icon.png")
    assert touch.status_code == 200 and touch.mimetype == "image/png"
    assert touch.headers["Cache-Control"] == "public, max-age=2592000"
    assert touch.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", touch.get_data()[16:24]) == (180, 180)


def test_every_page_links_its_icons(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in page
    svg = re.search(r'<link rel="icon" href="(/static/favicon\.svg\?v=[0-9a-f]{12})" '
                    r'type="image/svg\+xml">', page)
    touch = re.search(r'<link rel="apple-touch-icon" '
                      r'href="(/static/apple-touch-icon\.png\?v=[0-9a-f]{12})">', page)
    assert svg and touch
    drawing = client.get(svg.group(1))
    assert drawing.status_code == 200 and drawing.mimetype == "image/svg+xml"
    assert 'fill="#8a1c1c"' in drawing.get_data(as_text=True)  # the site's --accent
    assert client.get(touch.group(1)).headers["Cache-Control"] == IMMUTABLE
