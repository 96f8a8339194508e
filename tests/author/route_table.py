"""The author pages in the route × role table: endpoint -> (method, url template, {role: status}).

URL templates may use the names that url_values() returns, and those of tests/test_routes.py.
Only the president reaches /author/: managers and HR get 403, anonymous visitors the sign-in page.
A POST here carries only the CSRF token, so for the president it is refused as incomplete (400/422)
or does what an empty form means (e.g. unpublish).
"""
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from flask import current_app

from courseware.extensions import db
from courseware.models._time import utcnow
from courseware.services.authoring import uploads
from courseware.services.pulse import pulses
from courseware.timezones import zone_named
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
    # The culture pulse (tests/author/test_pulses.py) and what managers apply (test_insights.py).
    # Posted empty, a new pulse's form answers with its errors; publishing the draft succeeds.
    "author.pulses.index": ("GET", "/author/pulses/", only(PRESIDENT)),
    "author.pulses.new": ("POST", "/author/pulses/new", only(PRESIDENT, ok=422)),
    "author.pulses.edit": ("GET", "/author/pulses/{pulse_draft}/edit", only(PRESIDENT)),
    "author.pulses.publish": ("POST", "/author/pulses/{pulse_draft}/publish", only(PRESIDENT, ok=303)),
    "author.pulses.show": ("GET", "/author/pulses/{pulse_open}", only(PRESIDENT)),
    "author.pulses.trends": ("GET", "/author/pulses/trends", only(PRESIDENT)),
    "author.insights.index": ("GET", "/author/insights", only(PRESIDENT)),
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
    return {"author_lesson": lesson.id, "author_module": lesson.module_id, "upload": stored.name,
            **pulse_values()}


def pulse_values() -> dict:
    """A draft pulse and a published one, open from yesterday for a month (HR's and the managers'
    rows use the open one)."""
    today = date.today()
    questions = [pulses.QuestionFields(f"Statement {n}") for n in (1, 2, 3)]
    made = [pulses.save_draft(db.session, pulses.PulseFields(title, today - timedelta(days=1),
                                                            today + timedelta(days=30), list(questions)),
                              zone_named("Asia/Shanghai"), now=utcnow()) for title in ("Draft", "Open")]
    pulses.publish(db.session, made[1].id, now=utcnow())
    return {"pulse_draft": made[0].id, "pulse_open": made[1].id}
