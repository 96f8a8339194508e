"""The lesson page's reports: reading time (bounded per report) and the end of the lesson reached."""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Certificate, LessonProgress
from courseware.services.learning.progress import MAX_SECONDS_PER_BEAT
from tests.learn.test_learn_pages import LESSON_1, LESSON_2
from tests.quiz.test_quiz_pages import QUIZ_URL, RIGHT, attempt_id, open_quiz


def _record(client) -> LessonProgress:
    return db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == client.user.id))


def test_the_lesson_page_carries_the_report_address_and_an_end_marker(manager, course):
    page = manager.get(LESSON_1).get_data(as_text=True)
    assert f'data-progress-url="{LESSON_1}/progress"' in page
    assert "data-lesson-end" in page
    assert 'name="csrf-token"' in page
    assert '<script src="/static/js/site.js' in page
    # The no-script way stays.
    assert "I have read this lesson" in page


def test_time_spent_adds_up_without_marking_the_lesson_read(manager, course):
    manager.get(LESSON_1)
    for seconds in ("30", "45"):
        response = manager.post(f"{LESSON_1}/progress", data={"seconds": seconds})
        assert response.status_code == 200
        assert response.get_json() == {"read": False, "completed": False}
    record = _record(manager)
    assert record.seconds_spent == 75 and record.read_at is None


def test_one_report_counts_at_most_fifteen_minutes(manager, course):
    manager.post(f"{LESSON_1}/progress", data={"seconds": "86400"})
    assert _record(manager).seconds_spent == MAX_SECONDS_PER_BEAT == 900


def test_nonsense_and_negative_times_count_nothing(manager, course):
    for seconds in ("-500", "lots", "", "1e9"):
        assert manager.post(f"{LESSON_1}/progress", data={"seconds": seconds}).status_code == 200
    assert _record(manager).seconds_spent == 0


def test_reaching_the_end_marks_the_lesson_read_and_the_quiz_still_counts(manager, course):
    response = manager.post(f"{LESSON_1}/progress", data={"seconds": "120", "end": "1"})
    assert response.get_json() == {"read": True, "completed": False}
    record = _record(manager)
    assert record.read_at is not None and record.completed_at is None and record.seconds_spent == 120
    assert "Quiz to pass" in manager.get(LESSON_1).get_data(as_text=True)


def test_reaching_the_end_of_the_last_lesson_completes_the_course(manager, course):
    page = open_quiz(manager)
    manager.post(QUIZ_URL, data={"attempt_id": attempt_id(page), **RIGHT})
    manager.post(f"{LESSON_1}/progress", data={"end": "1"})
    response = manager.post(f"{LESSON_2}/progress", data={"seconds": "60", "end": "1"})
    assert response.get_json() == {"read": True, "completed": True}
    assert db.session.scalar(select(Certificate.user_id)) == manager.user.id


def test_time_spent_shows_on_hrs_person_page(manager, hr, course):
    manager.post(f"{LESSON_1}/progress", data={"seconds": "600"})
    page = hr.get(f"/hr/people/{manager.user.id}").get_data(as_text=True)
    assert "10 min" in page


def test_reports_need_the_csrf_token_and_a_published_lesson(manager, course):
    assert manager.client.post(f"{LESSON_1}/progress", data={"seconds": "60"}).status_code == 400
    assert manager.post("/courses/test-course/no-such-lesson/progress").status_code == 404
    assert _record(manager) is None
