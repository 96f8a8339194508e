"""The author pages in the route × role table: endpoint -> (method, url template, {role: status}).

URL templates may use the names that url_values() returns, and those of tests/test_routes.py.
Only the president reaches /author/: managers and HR get 403, anonymous visitors the sign-in page.
A POST here carries only the CSRF token, so for the president it is refused as incomplete (400/422)
or does what an empty form means (e.g. unpublish).
"""
from io import BytesIO
from pathlib import Path

from flask import current_app

from courseware.services.authoring import uploads
from tests.route_roles import ANON, HR, LOGIN, MANAGER, PRESIDENT, only

LESSON = "/author/lessons/{author_lesson}"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

ROUTES: dict = {
    "author.lessons.index": ("GET", "/author/", only(PRESIDENT)),
    "author.lessons.create_course": ("POST", "/author/courses", only(PRESIDENT, ok=422)),
    "author.lessons.create_module": ("POST", "/author/courses/{course}/modules", only(PRESIDENT, ok=422)),
    "author.lessons.move_module": ("POST", "/author/modules/{author_module}/move", only(PRESIDENT, ok=400)),
    "author.lessons.new_lesson": ("GET", "/author/courses/{course}/lessons/new", only(PRESIDENT)),
    "author.lessons.move_lesson": ("POST", LESSON + "/move", only(PRESIDENT, ok=400)),
    "author.lessons.edit": ("GET", LESSON + "/edit", only(PRESIDENT)),
    "author.lessons.preview": ("POST", "/author/preview", only(PRESIDENT)),
    "author.lessons.upload": ("POST", "/author/uploads", only(PRESIDENT, ok=400)),
    "author.revisions.history": ("GET", LESSON + "/history", only(PRESIDENT)),
    "author.revisions.revision": ("GET", LESSON + "/revisions/1", only(PRESIDENT)),
    "author.revisions.diff": ("GET", LESSON + "/diff", only(PRESIDENT)),
    "author.revisions.restore": ("POST", LESSON + "/revisions/1/restore", only(PRESIDENT, ok=303)),
    "author.revisions.publish_page": ("GET", LESSON + "/publish", only(PRESIDENT)),
    "author.revisions.publish": ("POST", LESSON + "/publish", only(PRESIDENT, ok=422)),
    "author.revisions.schedule": ("POST", LESSON + "/schedule", only(PRESIDENT, ok=422)),
    "author.revisions.cancel_schedule": ("POST", LESSON + "/schedule/cancel", only(PRESIDENT, ok=400)),
    "author.revisions.unpublish": ("POST", LESSON + "/unpublish", only(PRESIDENT, ok=303)),
    "author.quiz.edit": ("GET", LESSON + "/quiz", only(PRESIDENT)),
    "author.quiz.version": ("GET", LESSON + "/quiz/versions/1", only(PRESIDENT)),
    "author.quiz.discard": ("POST", LESSON + "/quiz/discard", only(PRESIDENT, ok=400)),
    "author.quiz.archive": ("POST", LESSON + "/quiz/archive", only(PRESIDENT, ok=303)),
    "author.quiz.reinstate": ("POST", LESSON + "/quiz/reinstate", only(PRESIDENT, ok=400)),
    # The owner's attempt keeps the quiz: it can be archived, not deleted.
    "author.quiz.delete": ("POST", LESSON + "/quiz/delete", only(PRESIDENT, ok=409)),
    # Lesson images appear in published lessons, so everyone signed in may load them.
    "media.image": ("GET", "/uploads/{upload}", {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
    # What changed since one's own completion: a learner page, for everyone signed in.
    "learn.changes": ("GET", "/courses/{course}/{lesson}/changes",
                      {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}),
}


def url_values(course, owner) -> dict:
    """Values for this table's URL templates; `owner` is a manager with an attempt and a certificate."""
    lesson = next(each for each in course.lessons if each.quiz is not None)
    upload_dir = Path(current_app.instance_path) / "uploads"
    stored = uploads.store_image(upload_dir, BytesIO(PNG), "pixel.png")
    return {"author_lesson": lesson.id, "author_module": lesson.module_id, "upload": stored.name}
