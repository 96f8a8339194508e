"""Image uploads: type by content, 5 MB at most, kept by hash under instance/uploads/, served to
signed-in readers, and usable in lessons through the sanitizer."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from courseware.content.rendering import render_markdown
from courseware.services.authoring import uploads
from tests.author.conftest import editor_data, lesson_named

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40
GIF = b"GIF89a" + b"\x01\x00" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40


def upload_dir(app) -> Path:
    return Path(app.instance_path) / "uploads"


def post_image(client, data: bytes, filename: str, alt: str = ""):
    return client.post("/author/uploads", data={"image": (io.BytesIO(data), filename), "alt": alt},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})


@pytest.mark.parametrize(("data", "name", "kind"), [
    (PNG, "chart.png", "png"), (JPEG, "photo.jpeg", "jpg"), (GIF, "anim.gif", "gif"),
    (WEBP, "pic.webp", "webp"),
    (PNG, "renamed.gif", "png"),  # the content decides, not the name
    (JPEG, "no-extension", "jpg"),
])
def test_images_are_recognised_by_their_content(app, president, data, name, kind):
    response = post_image(president, data, name, alt="A [bracketed] chart")

    assert response.status_code == 200
    body = response.get_json()
    assert re.fullmatch(rf"/uploads/[0-9a-f]{{64}}\.{kind}", body["url"])
    assert body["markdown"] == f"![A bracketed chart]({body['url']})"
    stored = upload_dir(app) / body["url"].rsplit("/", 1)[1]
    assert stored.read_bytes() == data


@pytest.mark.parametrize(("data", "name"), [
    (b"just some text, honestly", "notes.png"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "vector.svg"),
    (b"<html><script>alert(1)</script></html>", "page.gif"),
    (b"%PDF-1.7\n", "document.jpg"),
])
def test_files_that_are_not_images_are_refused_whatever_their_name(app, president, data, name):
    response = post_image(president, data, name)

    assert response.status_code == 400
    assert f"“{name}” is not a PNG, JPEG, WebP or GIF image" in response.get_json()["error"]
    assert not upload_dir(app).exists() or not any(upload_dir(app).iterdir())


def test_an_empty_upload_is_refused(president):
    response = post_image(president, b"", "empty.png")
    assert response.status_code == 400
    assert "the file was empty or missing" in response.get_json()["error"]


def test_an_image_over_5_mb_is_refused_with_its_size(app, president):
    response = post_image(president, PNG + b"\x00" * (5 * 1024 * 1024), "huge.png")

    assert response.status_code == 400
    assert response.get_json()["error"] == "The image is just over 5.0 MB; images can be at most 5.0 MB."
    assert not upload_dir(app).exists() or not any(upload_dir(app).iterdir())
    exactly = post_image(president, PNG + b"\x00" * (5 * 1024 * 1024 - len(PNG)), "limit.png")
    assert exactly.status_code == 200


def test_a_request_far_over_the_limit_is_stopped_before_it_is_read(president):
    response = post_image(president, PNG + b"\x00" * (9 * 1024 * 1024), "enormous.png")

    assert response.status_code == 413
    assert "images can be at most 5.0 MB" in response.get_json()["error"]


def test_the_same_image_is_kept_once(app, president):
    first = post_image(president, PNG, "a.png").get_json()
    second = post_image(president, PNG, "b.png").get_json()

    assert first["url"] == second["url"]
    assert len(list(upload_dir(app).iterdir())) == 1


def test_uploaded_images_are_served_to_signed_in_readers_only(president, manager, client):
    url = post_image(president, GIF, "anim.gif").get_json()["url"]

    response = manager.get(url)

    assert response.status_code == 200
    assert response.mimetype == "image/gif" and response.data == GIF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get(url).status_code == 302
    assert manager.get("/uploads/" + "0" * 64 + ".png").status_code == 404
    assert manager.get("/uploads/../secret_key").status_code == 404
    assert manager.get("/uploads/notahash.png").status_code == 404


def test_the_sanitizer_keeps_relative_upload_urls_and_drops_dangerous_ones():
    name = "a" * 64 + ".png"
    html = render_markdown(f'![Chart](/uploads/{name} "Quarterly")\n\n![x](javascript:alert(1))\n\n'
                           '![y](data:image/png;base64,AAAA)')

    assert f'<img alt="Chart" src="/uploads/{name}" title="Quarterly">' in html
    assert "javascript:" not in html and "data:" not in html


def test_without_javascript_the_editor_uploads_and_adds_the_image_to_the_text(app, president, manager, first):
    data = editor_data(first, source="Text before the image.", action="upload", alt="Sales chart")
    data["image"] = (io.BytesIO(PNG), "sales.png")

    response = president.post(f"/author/lessons/{first.id}/edit", data=data,
                              content_type="multipart/form-data")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    [name] = [p.name for p in upload_dir(app).iterdir()]
    assert f"Text before the image.\n\n![Sales chart](/uploads/{name})\n</textarea>" in page
    assert f'<img alt="Sales chart" src="/uploads/{name}">' in page  # in the preview
    assert "The image was added at the end of the text. Save to keep it." in page
    assert len(lesson_named("first-lesson").revisions_in("en")) == 1  # nothing saved yet

    save = editor_data(first, source=f"Text before the image.\n\n![Sales chart](/uploads/{name})")
    president.post(f"/author/lessons/{first.id}/edit", data=save)
    president.post(f"/author/lessons/{first.id}/publish", data={"number": 2, "kind": "minor"})
    lesson_page = manager.get("/courses/test-course/first-lesson").get_data(as_text=True)
    assert f'<img alt="Sales chart" src="/uploads/{name}">' in lesson_page
    assert manager.get(f"/uploads/{name}").status_code == 200


def test_a_refused_upload_in_the_editor_keeps_the_text(president, first):
    data = editor_data(first, source="My unsaved words.", action="upload")
    data["image"] = (io.BytesIO(b"not an image"), "fake.png")

    response = president.post(f"/author/lessons/{first.id}/edit", data=data,
                              content_type="multipart/form-data")

    page = response.get_data(as_text=True)
    assert "“fake.png” is not a PNG, JPEG, WebP or GIF image" in page
    assert "My unsaved words.</textarea>" in page


def test_store_image_reports_the_size_of_a_large_stream(tmp_path):
    with pytest.raises(uploads.UploadRefused, match=r"The image is 7\.0 MB"):
        uploads.store_image(tmp_path, io.BytesIO(PNG + b"\x00" * (7 * 1024 * 1024 - len(PNG))), "x.png")
