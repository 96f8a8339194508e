"""Static files: fingerprinted URLs cached for a year, nothing from another host, pages compressed
for browsers that accept gzip."""
from __future__ import annotations

import gzip
import hashlib
import os
import re

import pytest

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


def test_small_responses_files_and_refusals_are_not_compressed(client):
    gz = {"Accept-Encoding": "gzip"}
    assert client.get("/healthz", headers=gz).headers.get("Content-Encoding") is None
    assert client.get("/static/css/site.css", headers=gz).headers.get("Content-Encoding") is None
    assert client.get("/no-such-page", headers=gz).headers.get("Content-Encoding") is None
