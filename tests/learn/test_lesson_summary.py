"""A lesson's printable one-page summary: objectives, key points, this week's task and a form to
fill in by hand, in the reader's language; the sections come from the lesson's own headings."""
from __future__ import annotations

from pathlib import Path

import pytest

from courseware.config import PROJECT_ROOT
from courseware.content.rendering import render_markdown
from courseware.extensions import db
from courseware.models import Lesson, LessonProgress
from courseware.services.authoring.content_import import import_content
from courseware.services.catalog.summary import summary_of_html

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
LESSONS = PROJECT_ROOT / "lessons" / "corporate-culture"
FIRST = "/courses/corporate-culture/performance-goal-and-effect"


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def culture_course(app):
    report = import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    assert report.ok, [str(e) for e in report.errors]


def test_the_summary_in_english(manager, culture_course):
    page = text(manager.get(FIRST + "/summary", headers=EN))
    assert "<h1>Performance: the goal and the effect</h1>" in page
    assert "After this lesson you can…" in page
    assert "Explain the two halves of performance, the goal and the effect" in page
    assert "Key points" in page and "Organizational performance means reaching organizational goals" in page
    assert "Try this week" in page and "make two columns" in page
    for label in ("What I will do", "With whom", "By when", "What I noticed"):
        assert label in page
    assert 'class="lesson-summary-footer"' in page and "Corporate Culture" in page
    # Only the summary: not the lesson's other sections.
    assert "The meeting behind the lecture" not in page and "<script>" not in page


def test_the_summary_in_chinese(manager, culture_course):
    page = text(manager.get(FIRST + "/summary", headers=ZH))
    assert "<h1>绩效：目标与效果</h1>" in page
    assert "学完本课，您能够：" in page and "讲清绩效的两半" in page
    assert "要点" in page and "组织绩效是指在一定时期内高效地达成组织目标。" in page
    assert "本周实践" in page and "把部门上半年的业绩分成两栏。" in page
    for label in ("我要做的事", "和谁一起", "完成时间", "我的观察"):
        assert label in page
    assert "What I will do" not in page and "授课的背景" not in page


def test_the_lesson_page_links_to_its_summary(manager, culture_course):
    assert f'href="{FIRST}/summary"' in text(manager.get(FIRST, headers=EN))
    assert "打印本课摘要" in text(manager.get(FIRST, headers=ZH))


def test_a_lesson_without_the_sections_still_renders(manager, course):
    response = manager.get("/courses/test-course/first-lesson/summary")
    page = text(response)
    assert response.status_code == 200
    assert "data-summary-key-points" not in page and "data-summary-task" not in page
    assert "data-summary-objectives" not in page
    assert "What I will do" in page


def test_an_unknown_or_unpublished_lesson_is_not_found(manager, course):
    assert manager.get("/courses/test-course/no-such-lesson/summary").status_code == 404
    assert manager.get("/courses/no-such-course/first-lesson/summary").status_code == 404
    lesson = db.session.query(Lesson).filter_by(slug="first-lesson").one()
    lesson.published_revision_id = None
    db.session.commit()
    assert manager.get("/courses/test-course/first-lesson/summary").status_code == 404


def test_anonymous_readers_are_sent_to_sign_in(client, course):
    response = client.get("/courses/test-course/first-lesson/summary")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_opening_the_summary_records_no_progress(manager, course):
    manager.get("/courses/test-course/first-lesson/summary")
    assert db.session.query(LessonProgress).count() == 0


@pytest.mark.parametrize("path", sorted(LESSONS.glob("*.md")) + sorted((LESSONS / "zh_CN").glob("*.md")),
                         ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_shipped_lesson_has_key_points_and_a_task(path: Path):
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    summary = summary_of_html(render_markdown(body))
    assert summary.key_points and summary.key_points.lstrip().startswith("<ul>")
    assert summary.task and summary.task.lstrip().startswith("<p>")
    assert "<h2" not in summary.key_points + summary.task


def test_sections_are_cut_at_the_next_heading():
    html = render_markdown("## Key points\n\n- one\n\n## Other\n\ntext\n\n## Try this week\n\nDo it.\n")
    summary = summary_of_html(html)
    assert summary.key_points == "<ul>\n<li>one</li>\n</ul>" and summary.task == "<p>Do it.</p>"
    assert summary_of_html("<p>No headings.</p>") == summary_of_html("")
