"""A payload corpus through every field people and authors write, rendered on every page: inert."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Course, Department
from courseware.services.authoring.content_import import import_content
from courseware.services.catalog import published
from courseware.services.learning import quizzes
from tests.conftest import TEST_LESSONS, TEST_QUIZZES, read_lesson

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
]
DANGEROUS = ["<script>alert", "<img src=x onerror", "<svg onload", 'href="javascript:']


def yaml_text(value: str) -> str:
    return json.dumps(value)  # JSON strings are valid YAML scalars


@pytest.fixture
def poisoned(app, tmp_path, make_user):
    """A course, a quiz, a person and a department whose every name carries a payload."""
    lessons, quizzes_dir = tmp_path / "lessons", tmp_path / "quizzes"
    shutil.copytree(TEST_LESSONS, lessons)
    shutil.copytree(TEST_QUIZZES, quizzes_dir)
    course_yaml = lessons / "test-course" / "course.yaml"
    course_yaml.write_text(
        f"title: {yaml_text('Course ' + PAYLOADS[0])}\n"
        f"description: {yaml_text(PAYLOADS[1])}\n"
        "modules:\n  - First module\n  - Second module\n")
    lesson = lessons / "test-course" / "01-first-lesson.md"
    lesson.write_text(lesson.read_text()
                      .replace("title: The first lesson", f"title: {yaml_text('Lesson ' + PAYLOADS[1])}")
                      .replace("summary: What the first lesson is about.",
                               f"summary: {yaml_text(PAYLOADS[2])}")
                      + f"\n{PAYLOADS[0]}\n\n[click]({PAYLOADS[3]})\n")
    quiz = quizzes_dir / "first-lesson.yaml"
    quiz.write_text(quiz.read_text()
                    .replace("prompt: Which option is the right one?", f"prompt: {yaml_text(PAYLOADS[0])}")
                    .replace("text: The wrong one", f"text: {yaml_text(PAYLOADS[1])}")
                    .replace("explain: Wrong because it is wrong.", f"explain: {yaml_text(PAYLOADS[2])}"))
    report = import_content(db.session, lessons, quizzes_dir)
    assert report.ok, report.errors
    department = Department(name="Dept " + PAYLOADS[1])
    db.session.add(department)
    db.session.commit()
    person = make_user(full_name="Name " + PAYLOADS[0], department=department.name, username="victim")
    course = db.session.scalar(select(Course))
    first = published.lessons(db.session, course)[0]
    read_lesson(person, first)
    attempt = quizzes.open_attempt(db.session, person, first.quiz)
    quizzes.submit_attempt(db.session, person, attempt.id,
                           {"pick-one": ["a"], "pick-many": ["a"], "true-or-false": ["a"]})
    return course, person, attempt


def assert_inert(body: str, where: str) -> None:
    for needle in DANGEROUS:
        assert needle not in body, f"{needle!r} reached {where} unescaped"


def test_payloads_render_inert_on_every_page(poisoned, signed_in, app):
    course, person, attempt = poisoned
    hr = signed_in("hr", department=None)
    owner_pages = [f"/courses/{course.slug}", f"/courses/{course.slug}/first-lesson",
                   f"/courses/{course.slug}/first-lesson/quiz", f"/attempts/{attempt.id}", "/me", "/"]
    from tests.conftest import SignedInClient

    victim = SignedInClient(app.test_client(), person)
    for url in owner_pages:
        response = victim.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), url)
    hr_pages = ["/hr/", "/hr/people", f"/hr/people/{person.id}", "/hr/questions", "/hr/accounts",
                "/hr/departments", "/hr/assignments", "/hr/audit"]
    for url in hr_pages:
        response = hr.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), url)


def test_payloads_are_escaped_not_dropped(poisoned, signed_in):
    hr = signed_in("hr", department=None)
    page = hr.get("/hr/people").get_data(as_text=True)
    assert "Name &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_exports_carry_the_payload_as_plain_text(poisoned, signed_in):
    hr = signed_in("hr", department=None)
    body = hr.get("/hr/export/progress.csv").get_data().decode("utf-8-sig")
    assert "Name <script>alert(1)</script>" in body  # text in a CSV, which no browser renders
