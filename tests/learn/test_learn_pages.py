"""The learner's pages: what a manager sees on each."""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Certificate, LessonProgress
from tests.conftest import read_on_the_page
from tests.quiz.test_quiz_pages import QUIZ_URL, RIGHT, attempt_id, open_quiz

LESSON_1 = "/courses/test-course/first-lesson"
LESSON_2 = "/courses/test-course/second-lesson"


def test_the_dashboard_invites_to_start_the_course(manager, course):
    page = manager.get("/").get_data(as_text=True)
    assert "Test Course" in page
    assert "0 of 2 lessons complete (0%)" in page
    assert "Start: The first lesson" in page
    assert 'href="/courses/test-course/first-lesson"' in page


def test_the_dashboard_without_courses_says_nothing_is_published(manager):
    assert "No course is published yet" in manager.get("/").get_data(as_text=True)


def test_the_outline_lists_modules_lessons_and_states(manager, course):
    manager.get(LESSON_1)
    page = manager.get("/courses/test-course").get_data(as_text=True)
    # The course head's main action names the lesson to continue; the outline follows it.
    assert "Continue: The first lesson" in page
    outline = page[page.index('class="module"'):]
    assert outline.index("First module") < outline.index("The first lesson") < outline.index("Second module")
    assert "What the first lesson is about." in page
    assert "In progress" in page and "Not started" in page


def test_the_lesson_page_shows_the_rendered_lesson_and_records_the_visit(manager, course):
    response = manager.get(LESSON_1)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>The first lesson</h1>" in page
    assert '<div class="admonition note">' in page
    assert "I have read this lesson" in page
    assert 'rel="next" href="/courses/test-course/second-lesson"' in page
    assert db.session.scalar(select(LessonProgress.opened_at)) is not None


def test_reading_a_lesson_with_a_quiz_sends_the_reader_to_the_quiz(manager, course, reading_clock):
    read_on_the_page(manager, LESSON_1, reading_clock)
    response = manager.post(f"{LESSON_1}/complete")
    assert response.status_code == 302 and response.headers["Location"] == QUIZ_URL
    assert "Pass its quiz to complete it" in manager.get(QUIZ_URL).get_data(as_text=True)


def test_the_whole_course_ends_with_a_certificate(manager, course, client, reading_clock):
    read_on_the_page(manager, LESSON_1, reading_clock)
    manager.post(f"{LESSON_1}/complete")
    page = open_quiz(manager)
    manager.post(QUIZ_URL, data={"attempt_id": attempt_id(page), **RIGHT})
    read_on_the_page(manager, LESSON_2, reading_clock)
    response = manager.post(f"{LESSON_2}/complete")
    certificate = db.session.scalar(select(Certificate))
    assert response.headers["Location"] == f"/certificates/{certificate.code}"
    # Anyone with the code can verify it, signed in or not.
    public = client.get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert manager.user.full_name in public and "Test Course" in public and certificate.code in public
    dashboard = manager.get("/").get_data(as_text=True)
    assert "2 of 2 lessons complete (100%)" in dashboard and "View your certificate" in dashboard


def test_an_unknown_certificate_code_is_a_404(client):
    response = client.get("/certificates/NOPE-NOPE-NOPE")
    assert response.status_code == 404
    assert "No certificate has this verification code." in response.get_data(as_text=True)


def test_me_lists_progress_attempts_and_certificates(manager, course):
    page = open_quiz(manager)
    manager.post(QUIZ_URL, data={"attempt_id": attempt_id(page), **RIGHT})
    me = manager.get("/me").get_data(as_text=True)
    assert "My progress" in me and "The first lesson" in me
    assert "100%" in me and "Passed" in me
    assert "Complete every lesson of a course to earn its certificate." in me
    # One progress figure a course (a bar and its words, no ring beside them), and the attempt's link
    # says what it is.
    assert 'class="ring' not in me and me.count('<progress class="progress"') == 1
    assert 'class="attempt-review"' in me and ">Attempt #1<span" in me


def test_other_peoples_attempts_do_not_show_on_me(signed_in, course):
    owner, other = signed_in("manager"), signed_in("manager")
    page = open_quiz(owner)
    owner.post(QUIZ_URL, data={"attempt_id": attempt_id(page), **RIGHT})
    assert "You have not taken a quiz yet." in other.get("/me").get_data(as_text=True)


def test_pages_carry_security_headers(manager, client, course):
    for response in (manager.get("/"), client.get("/login"), manager.get("/nope")):
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert manager.get("/").headers["Cache-Control"] == "no-store"


def test_an_unexpected_error_shows_a_page_without_a_traceback(app, manager, monkeypatch):
    from courseware.services.learning import progress

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(progress, "progress_in_all_courses", explode)
    response = manager.get("/")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body and "boom" not in body


def test_a_course_without_published_lessons_is_not_listed_for_learners(manager, course):
    from courseware.models import Course
    db.session.add(Course(slug="empty", title="Empty Course", description=""))
    db.session.commit()
    page = manager.get("/").get_data(as_text=True)
    assert "Test Course" in page and "Empty Course" not in page


def test_fields_without_hint_or_error_have_no_broken_aria_reference(client):
    assert 'aria-describedby="None"' not in client.get("/login").get_data(as_text=True)
