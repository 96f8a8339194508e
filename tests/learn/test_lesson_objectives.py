"""A lesson's learning objectives: stored with the revision and shown at the top of the page."""
from __future__ import annotations

from courseware.extensions import db
from courseware.models import Lesson, LessonRevision
from tests.quiz.bank import import_bank


def test_objectives_are_stored_with_the_revision_and_shown_first(manager, tmp_path):
    import_bank(tmp_path)
    lesson = db.session.query(Lesson).filter_by(slug="habits").one()
    assert [o["id"] for o in lesson.published_revision.objectives] == [
        "spot-the-sign", "name-the-cost", "plan-a-change"]

    page = manager.get("/courses/bank-course/habits").get_data(as_text=True)

    assert "After this lesson you can…" in page
    first = page.index("Spot a sign of habitual thinking in a meeting.")
    assert first < page.index("Some text about habits.")
    assert "Plan one change against inertia." in page


def test_objectives_in_chinese(signed_in, tmp_path):
    import_bank(tmp_path)
    reader = signed_in("manager")
    page = reader.get("/courses/bank-course/habits",
                      headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "学完本课，您能够：" in page
    assert "在会议中识别习惯性思维的迹象。" in page


def test_a_lesson_without_objectives_shows_no_list(manager, course):
    page = manager.get("/courses/test-course/first-lesson").get_data(as_text=True)
    assert "After this lesson you can" not in page
    assert all(r.objectives is None for r in db.session.query(LessonRevision))
