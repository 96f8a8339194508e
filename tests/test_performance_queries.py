"""The main pages run a fixed number of SQL queries, whatever the number of lessons or people.

Each page is measured on a small site (the test course, one colleague) and again after the course
has grown by ten lessons with quizzes and the company by five people who have done everything; a
page whose query count grows with either has a per-row query. Counts are of statements sent to the
database, not time, so the test is exact on any machine.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import (
    Certificate,
    Course,
    Lesson,
    LessonRevision,
    Module,
    Quiz,
    QuizVersion,
)
from courseware.models._time import utcnow
from courseware.services import catalog
from courseware.services.catalog import published
from courseware.services.learning import attempt_history, completion, quizzes
from tests.conftest import read_lesson

# What the views read: every page rendered, none served as kept (courseware/page_cache.py).
pytestmark = pytest.mark.usefixtures("rendered_pages")

RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}
QUESTIONS = [{"id": "q1", "type": "single", "prompt": "Which?",
              "options": [{"key": "a", "text": "This", "correct": True, "explain": "Yes."},
                          {"key": "b", "text": "That", "correct": False, "explain": "No."}]}]
# A ceiling per page, so that a slow creep shows up too (loading the signed-in user is one of them).
BUDGET = 8
SUBMISSION_BUDGET = 16


@contextmanager
def counting():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def queries_of(client, url: str) -> list[str]:
    """The statements of the second request: the first warms the outline cache, as in production."""
    assert client.get(url).status_code == 200, url
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


def add_lessons(course: Course, count: int) -> None:
    module = db.session.scalar(sa.select(Module).where(Module.course_id == course.id))
    now = utcnow()
    start = db.session.scalar(sa.select(sa.func.max(Lesson.position))) + 1
    for n in range(start, start + count):
        lesson = Lesson(course_id=course.id, module_id=module.id, slug=f"extra-{n}", position=n)
        db.session.add(lesson)
        db.session.flush()
        revision = LessonRevision(lesson_id=lesson.id, number=1, title=f"Extra lesson {n}",
                                  source="Text.", html="<p>Text.</p>", content_hash=f"extra-{n}",
                                  published_at=now, material=True, module_id=module.id)
        quiz = Quiz(lesson_id=lesson.id)
        db.session.add_all([revision, quiz])
        db.session.flush()
        version = QuizVersion(quiz_id=quiz.id, number=1, pass_mark=80, questions=QUESTIONS,
                              content_hash=f"extra-{n}", published_at=now)
        db.session.add(version)
        db.session.flush()
        lesson.published_revision_id = revision.id
        quiz.current_version_id = version.id
    db.session.commit()


def do_everything(user, course: Course) -> None:
    """Open and read every lesson, pass every quiz (twice), and so earn the certificate."""
    for lesson in published.lessons(db.session, course):
        completion.record_open(db.session, user, lesson)
        quiz = lesson.active_quiz
        if quiz is not None:
            answers = RIGHT if lesson.slug == "first-lesson" else {"q1": ["a"]}
            for _ in range(2):
                attempt = quizzes.open_attempt(db.session, user, quiz)
                quizzes.submit_attempt(db.session, user, attempt.id, answers)
        read_lesson(user, lesson)


def main_pages(user, course: Course) -> dict[str, str]:
    attempt = attempt_history.attempts_for(db.session, user)[0]
    return {
        "dashboard": "/",
        "course outline": f"/courses/{course.slug}",
        "lesson": f"/courses/{course.slug}/first-lesson",
        "quiz": f"/courses/{course.slug}/first-lesson/quiz",
        "attempt review": f"/attempts/{attempt.id}",
        "my progress": "/me",
    }


def submission_queries(client, course: Course) -> int:
    """The statements of one graded quiz submission (the attempt opened by the quiz page)."""
    url = f"/courses/{course.slug}/first-lesson/quiz"
    attempt_id = re.search(r'name="attempt_id" value="(\d+)"', client.get(url).get_data(as_text=True))[1]
    with counting() as statements:
        response = client.post(url, data={"attempt_id": attempt_id,
                                          **{f"q-{question}": keys for question, keys in RIGHT.items()}})
    assert response.status_code == 303, response.get_data(as_text=True)
    return len(statements)


def measure(client, pages: dict[str, str], course: Course) -> dict[str, int]:
    counts = {name: len(queries_of(client, url)) for name, url in pages.items()}
    counts["quiz submission"] = submission_queries(client, course)
    return counts


def test_page_queries_do_not_grow_with_lessons_or_people(course, manager, make_user):
    do_everything(manager.user, course)
    do_everything(make_user(), course)
    pages = main_pages(manager.user, course)
    small = measure(manager, pages, course)

    add_lessons(course, 10)
    for _ in range(5):
        do_everything(make_user(), course)
    do_everything(manager.user, course)
    large = measure(manager, main_pages(manager.user, course), course)

    assert large == small, "a page's query count grew with the number of lessons or people"
    over = {name: count for name, count in large.items()
            if count > (SUBMISSION_BUDGET if name == "quiz submission" else BUDGET)}
    assert not over, f"over budget: {over}"


def test_loading_the_outline_takes_the_same_queries_for_any_number_of_lessons(course):
    def load_queries() -> int:
        with counting() as statements, db.engine.connect() as connection:
            catalog.load_outline(connection)
        return len(statements)

    small = load_queries()
    add_lessons(course, 10)
    assert load_queries() == small


@pytest.mark.parametrize("page", ["dashboard", "lesson", "course outline"])
def test_the_reading_pages_read_no_lesson_text_from_the_database_once_warm(course, manager, page):
    """The outline, and a lesson's text after its first view, come from memory."""
    do_everything(manager.user, course)
    url = main_pages(manager.user, course)[page]
    assert not [s for s in queries_of(manager, url) if re.search(r"lesson_revision\.(html|source)", s)]


def age_certificates(days_left: int) -> None:
    """Every current certificate expires in `days_left` days: inside a 30-day refresh window."""
    db.session.execute(sa.update(Certificate).where(Certificate.replaced_by_id.is_(None))
                       .values(expires_at=utcnow() + timedelta(days=days_left)))
    db.session.commit()


def hr_pages(course: Course, person) -> dict[str, str]:
    return {
        "hr overview": f"/hr/?course={course.slug}",
        "hr people by expiry": f"/hr/people?course={course.slug}&sort=expiry",
        "hr people, refresh due": f"/hr/people?course={course.slug}&status=refresh_due",
        "hr people, expiring": f"/hr/people?course={course.slug}&status=expiring&department=1",
        "hr person": f"/hr/people/{person.id}",
        "hr certificate settings": f"/hr/courses/{course.id}/certificate",
        "hr progress export": f"/hr/export/progress.csv?course={course.slug}",
    }


def test_hr_certificate_states_take_the_same_queries_for_any_number_of_people_or_lessons(course, hr,
                                                                                          make_user):
    """The course states (current certificates, what each covers, refresh windows) come from a
    fixed number of queries on HR's pages, the person page (whose certificate's window is open) and
    the export."""
    course.validity_months = 12
    db.session.commit()
    person = make_user()
    do_everything(person, course)
    do_everything(make_user(), course)
    age_certificates(10)
    small = {name: len(queries_of(hr, url)) for name, url in hr_pages(course, person).items()}

    add_lessons(course, 10)
    for _ in range(5):
        do_everything(make_user(), course)
    do_everything(person, course)  # a certificate that supersedes the first
    age_certificates(10)
    large = {name: len(queries_of(hr, url)) for name, url in hr_pages(course, person).items()}
    assert large == small, "an HR page's query count grew with the number of people or lessons"


def test_the_team_pages_take_the_same_queries_for_any_size_of_team(app, course, make_user):
    """A line manager's /team pages: one recursive query for the team, whatever its size or depth."""
    from tests.conftest import SignedInClient

    lead = make_user(username="lead")
    first = make_user()
    first.manager = lead
    db.session.commit()
    do_everything(first, course)
    client = SignedInClient(app.test_client(), lead)

    def team_counts() -> dict[str, int]:
        return {url: len(queries_of(client, url))
                for url in ("/team", "/team/people", f"/team/people/{first.id}")}

    small = team_counts()
    manager = first
    for _ in range(5):  # a chain five deep, and a colleague at each level
        below, beside = make_user(), make_user()
        below.manager = beside.manager = manager
        db.session.commit()
        do_everything(below, course)
        do_everything(beside, course)
        manager = below
    assert team_counts() == small, "a team page's query count grew with the team"
