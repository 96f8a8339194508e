"""Reading time, counted on the server's clock: a lesson counts as read only after a share of its
estimated minutes (READ_MIN_FRACTION, at least 30 s), across visits; each report from the page counts
at most the time since the last one, so HR's minutes cannot be inflated.

The test lessons: the first is estimated at 3 minutes (72 s to read at 0.4), the second at 2 (48 s).
"""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Certificate, LessonProgress
from courseware.services.learning import reading
from courseware.services.learning.reading import MAX_SECONDS_PER_BEAT
from tests.conftest import read_on_the_page
from tests.hr.test_exports import read_csv
from tests.learn.test_learn_pages import LESSON_1, LESSON_2
from tests.quiz.test_quiz_pages import QUIZ_URL, RIGHT, attempt_id, open_quiz

ZH = {"Accept-Language": "zh-CN"}


def _record(client, lesson_id: int | None = None) -> LessonProgress:
    query = select(LessonProgress).where(LessonProgress.user_id == client.user.id)
    if lesson_id is not None:
        query = query.where(LessonProgress.lesson_id == lesson_id)
    return db.session.scalar(query.order_by(LessonProgress.id))


def _report(client, seconds, end: bool = False):
    data = {"seconds": str(seconds), **({"end": "1"} if end else {})}
    response = client.post(f"{LESSON_1}/progress", data=data)
    assert response.status_code == 200
    return response.get_json()


def test_the_lesson_page_carries_the_report_address_and_an_end_marker(manager, course):
    page = manager.get(LESSON_1).get_data(as_text=True)
    assert f'data-progress-url="{LESSON_1}/progress"' in page
    assert "data-lesson-end" in page
    assert 'name="csrf-token"' in page
    assert '<script src="/static/js/site.js' in page
    # The no-script way stays.
    assert "I have read this lesson" in page


def test_the_no_script_button_says_how_long_is_left(manager, course, reading_clock):
    page = manager.get(LESSON_1).get_data(as_text=True)
    assert "About 2 minutes of reading left</span></button>" in page  # 72 s of 3 minutes
    reading_clock.move(seconds=40)
    manager.post(f"{LESSON_1}/complete")  # too early: 40 s counted
    page = manager.get(LESSON_1).get_data(as_text=True)
    assert "About 1 minute of reading left</span></button>" in page
    lesson_2 = manager.get(LESSON_2).get_data(as_text=True)
    assert "Mark complete" in lesson_2 and "About 1 minute of reading left" in lesson_2  # 48 s


def test_the_time_left_in_chinese(manager, course):
    page = manager.get(LESSON_1, headers=ZH).get_data(as_text=True)
    assert "大约还需阅读 2 分钟" in page


def test_opening_and_confirming_at_once_does_not_mark_the_lesson_read(manager, course, reading_clock):
    manager.get(LESSON_1)
    response = manager.post(f"{LESSON_1}/complete")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LESSON_1}#finish"
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert ("You have not spent long enough on this lesson yet: about 2 minutes of reading left."
            in page)
    assert 'id="finish" tabindex="-1"' in page
    assert "In progress" in page and "I have read this lesson" in page
    record = _record(manager)
    assert record.read_at is None and record.completed_at is None and record.seconds_spent == 0


def test_the_message_in_chinese(manager, course, reading_clock):
    manager.get(LESSON_1, headers=ZH)
    response = manager.post(f"{LESSON_1}/complete", headers=ZH)
    page = manager.get(response.headers["Location"], headers=ZH).get_data(as_text=True)
    assert "您在本课上花的时间还不够：大约还需阅读 2 分钟。" in page


def test_enough_time_across_two_visits_marks_the_lesson_read(manager, course, reading_clock):
    manager.get(LESSON_1)
    reading_clock.move(seconds=40)
    too_early = manager.post(f"{LESSON_1}/complete")
    assert too_early.headers["Location"] == f"{LESSON_1}#finish"
    assert _record(manager).read_at is None and _record(manager).seconds_spent == 40

    reading_clock.move(days=1)  # the page left aside overnight counts nothing more
    manager.get(LESSON_1)
    reading_clock.move(seconds=32)
    response = manager.post(f"{LESSON_1}/complete")
    assert response.headers["Location"] == QUIZ_URL
    assert "Pass its quiz to complete it" in manager.get(QUIZ_URL).get_data(as_text=True)
    record = _record(manager)
    assert record.read_at == reading_clock.now and record.seconds_spent == 72


def test_without_script_one_visit_counts_at_most_twice_the_estimate(manager, course, reading_clock):
    manager.get(LESSON_1)
    reading_clock.move(hours=5)
    manager.post(f"{LESSON_1}/complete")
    record = _record(manager)
    assert record.read_at is not None and record.seconds_spent == 2 * 3 * 60


def test_time_spent_adds_up_without_marking_the_lesson_read(manager, course, reading_clock):
    manager.get(LESSON_1)
    for seconds in (30, 45):
        reading_clock.move(seconds=seconds)
        assert _report(manager, seconds) == {"read": False, "completed": False}
    record = _record(manager)
    assert record.seconds_spent == 75 and record.read_at is None


def test_a_report_counts_at_most_the_time_since_the_page_opened_or_the_last_report(
        manager, course, reading_clock):
    manager.get(LESSON_1)
    reading_clock.move(seconds=50)
    _report(manager, 900)
    assert _record(manager).seconds_spent == 50
    reading_clock.move(seconds=20)
    _report(manager, 900)
    assert _record(manager).seconds_spent == 70


def test_twenty_inflated_reports_within_a_second_add_at_most_that_second(manager, hr, course,
                                                                         reading_clock):
    manager.get(LESSON_1)
    reading_clock.move(seconds=1)
    for _ in range(20):
        _report(manager, 900)
    record = _record(manager)
    assert record.seconds_spent == 1 and record.read_at is None
    # HR sees the counted time, not 300 minutes.
    person = hr.get(f"/hr/people/{manager.user.id}").get_data(as_text=True)
    assert "300 min" not in person and "15 min" not in person
    rows = read_csv(hr.get("/hr/export/progress.csv?role=manager"))
    column = rows[0].index("minutes_spent")
    minutes = {row[5]: row[column] for row in rows[1:] if row[0] == manager.user.username}
    assert minutes == {"1": "0", "2": "0"}


def test_one_report_counts_at_most_fifteen_minutes(manager, course, reading_clock):
    manager.get(LESSON_1)
    reading_clock.move(hours=2)
    _report(manager, 86400)
    assert _record(manager).seconds_spent == MAX_SECONDS_PER_BEAT == 900


def test_a_report_without_an_opened_page_counts_nothing(manager, course, reading_clock):
    _report(manager, 600)
    reading_clock.move(seconds=30)
    assert _record(manager).seconds_spent == 0


def test_nonsense_and_negative_times_count_nothing(manager, course, reading_clock):
    manager.get(LESSON_1)
    reading_clock.move(minutes=10)
    for seconds in ("-500", "lots", "", "1e9"):
        assert manager.post(f"{LESSON_1}/progress", data={"seconds": seconds}).status_code == 200
    assert _record(manager).seconds_spent == 0


def test_reaching_the_end_too_early_says_how_long_is_left(manager, course, reading_clock):
    manager.get(LESSON_1)
    reading_clock.move(seconds=30)
    result = _report(manager, 30, end=True)
    assert result["read"] is False and result["completed"] is False
    assert result["seconds_left"] == 42
    assert result["message"] == ("You have not spent long enough on this lesson yet: "
                                 "about 1 minute of reading left.")
    assert _record(manager).read_at is None


def test_reaching_the_end_marks_the_lesson_read_and_the_quiz_still_counts(manager, course,
                                                                         reading_clock):
    manager.get(LESSON_1)
    reading_clock.move(seconds=120)
    assert _report(manager, 120, end=True) == {"read": True, "completed": False}
    record = _record(manager)
    assert record.read_at is not None and record.completed_at is None and record.seconds_spent == 120
    assert "Quiz to pass" in manager.get(LESSON_1).get_data(as_text=True)


def test_reaching_the_end_of_the_last_lesson_completes_the_course(manager, course, reading_clock):
    page = open_quiz(manager)
    manager.post(QUIZ_URL, data={"attempt_id": attempt_id(page), **RIGHT})
    read_on_the_page(manager, LESSON_1, reading_clock)
    assert _report(manager, 180, end=True) == {"read": True, "completed": True}
    read_on_the_page(manager, LESSON_2, reading_clock)
    response = manager.post(f"{LESSON_2}/progress", data={"seconds": "60", "end": "1"})
    assert response.get_json() == {"read": True, "completed": True}
    assert db.session.scalar(select(Certificate.user_id)) == manager.user.id


def test_time_spent_shows_on_hrs_person_page_and_in_the_export(manager, hr, course, reading_clock):
    manager.get(LESSON_1)
    for _ in range(10):
        reading_clock.move(seconds=60)
        _report(manager, 60)
    page = hr.get(f"/hr/people/{manager.user.id}").get_data(as_text=True)
    assert "10 min" in page
    rows = read_csv(hr.get("/hr/export/progress.csv?role=manager"))
    column = rows[0].index("minutes_spent")
    assert [row[column] for row in rows[1:] if row[0] == manager.user.username and row[5] == "1"] == ["10"]


def test_the_share_of_the_estimate_is_a_setting_with_a_floor(app, manager, course, reading_clock):
    app.config["READ_MIN_FRACTION"] = 1.0
    manager.get(LESSON_1)
    reading_clock.move(seconds=150)
    manager.post(f"{LESSON_1}/complete")
    assert _record(manager).read_at is None  # 150 s of 180
    app.config["READ_MIN_FRACTION"] = 0.0
    assert reading.minimum_seconds(3) == reading.MIN_SECONDS == 30
    assert reading.minimum_seconds(0) == 30


def test_reports_need_the_csrf_token_and_a_published_lesson(manager, course):
    assert manager.client.post(f"{LESSON_1}/progress", data={"seconds": "60"}).status_code == 400
    assert manager.post("/courses/test-course/no-such-lesson/progress").status_code == 404
    assert _record(manager) is None
