"""A lesson's printable team discussion guide at /courses/<c>/<l>/discussion: the five parts with
their minutes and the lesson's objectives, in the reader's language, linked from the lesson page
only when the lesson has a guide (the test course's first lesson has one, its second none)."""
from __future__ import annotations

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Lesson, LessonProgress, LessonRevision
from tests.quiz.bank import import_bank

EN = {"Accept-Language": "en-US,en;q=0.9"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
FIRST = "/courses/test-course/first-lesson"
SECOND = "/courses/test-course/second-lesson"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_guide_in_english(manager, course):
    response = manager.get(FIRST + "/discussion", headers=EN)
    page = text(response)
    assert response.status_code == 200
    assert "<h1>The first lesson</h1>" in page and "Team discussion guide · 30 minutes" in page
    for heading, minutes in (("1. Opening question", 5), ("2. The case", 10), ("3. Three questions", 10),
                             ("4. Write it down and agree the follow-up", 5)):
        assert f'{heading} <span class="discussion-minutes">{minutes} minutes</span>' in page
    assert "What did the first lesson change in how you see your own work?" in page
    assert "A department met its numbers for the half year, yet two of its three projects stalled." in page
    assert page.index("What does the department&#39;s result show") < page.index(
        "Which of the two stalled projects") < page.index("What would you stop doing")
    assert "What the team writes down" in page and "One thing the team will keep doing" in page
    assert "How you follow up" in page and "Ask each person in next week&#39;s meeting" in page
    assert "Test Course" in page.split("lesson-summary-footer", 1)[1]  # the footer names the course
    assert "<script" not in page.split("</header>", 1)[1].split("<footer class=\"site-footer", 1)[0]


def test_the_guide_in_chinese(manager, course):
    page = text(manager.get(FIRST + "/discussion", headers=ZH))
    assert "<h1>第一课</h1>" in page and "团队讨论指南 · 30 分钟" in page
    assert "开场提问" in page and "案例讨论" in page and "三个问题" in page
    assert "第一课改变了您看待自己工作的哪一点？" in page
    assert "为了给它腾出精力，您会停下哪件事？" in page
    assert "下周例会上，问每个人改变了什么。" in page
    assert "What did the first lesson change" not in page and "Opening question" not in page


def test_the_lesson_page_links_to_its_guide_only_when_it_has_one(manager, course):
    first = text(manager.get(FIRST, headers=EN))
    assert f'href="{FIRST}/discussion"' in first and "Team discussion guide" in first
    assert "团队讨论指南" in text(manager.get(FIRST, headers=ZH))
    second = text(manager.get(SECOND, headers=EN))
    assert "/discussion" not in second and "Team discussion guide" not in second


def test_a_lesson_without_a_guide_is_a_clear_404(manager, course):
    response = manager.get(SECOND + "/discussion", headers=EN)
    assert response.status_code == 404
    assert "This lesson has no team discussion guide." in text(response)
    assert manager.get("/courses/test-course/no-such-lesson/discussion").status_code == 404


def test_an_unpublished_lesson_has_no_guide_page(manager, course):
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "first-lesson"))
    lesson.published_revision_id = None
    db.session.commit()
    assert manager.get(FIRST + "/discussion").status_code == 404


def test_anonymous_readers_are_sent_to_sign_in(client, course):
    response = client.get(FIRST + "/discussion")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_opening_the_guide_records_no_progress(manager, course):
    manager.get(FIRST + "/discussion")
    assert db.session.query(LessonProgress).count() == 0


def test_the_guide_shows_the_lessons_objectives(manager, tmp_path):
    import_bank(tmp_path)
    revision = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "habits")).published_revision
    revision.discussion = {"opening": "Open.", "case": "A case.", "questions": ["One?", "Two?", "Three?"],
                           "record": "Write.", "follow_up": "Follow."}
    db.session.commit()
    page = text(manager.get("/courses/bank-course/habits/discussion", headers=EN))
    assert "What the lesson teaches" in page
    assert page.index("Spot a sign of habitual thinking in a meeting.") < page.index("1. Opening question")


def test_the_texts_are_plain_and_escaped(manager, course):
    revision = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "first-lesson")).published_revision
    revision.discussion = {**revision.discussion, "opening": "<script>alert(1)</script> **bold**"}
    db.session.commit()
    page = text(manager.get(FIRST + "/discussion", headers=EN))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold**" in page and "<script>alert(1)" not in page


def test_a_translation_without_a_guide_shows_the_english_one(manager, course):
    chinese = db.session.scalar(sa.select(LessonRevision).where(LessonRevision.language == "zh_CN"))
    chinese.discussion = None
    db.session.commit()
    page = text(manager.get(FIRST + "/discussion", headers=ZH))
    assert "该指南暂无中文版本，现以英文显示。" in page
    assert "What did the first lesson change in how you see your own work?" in page
    assert "<h1 lang=\"en\">The first lesson</h1>" in page  # English on a Chinese page says so
