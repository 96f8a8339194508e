"""The president's authoring pages in Simplified Chinese, and the same pages still in English."""
from __future__ import annotations

import pytest

from tests.author.conftest import editor_data
from tests.author.test_quiz_authoring import base_of, open_editor, question, quiz_form

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def page(response) -> str:
    return response.get_data(as_text=True)


def test_the_lessons_list_is_in_chinese(president, course):
    html = page(president.get("/author/", headers=CHINESE))
    assert '<html lang="zh-CN">' in html
    for text in ("课与测验", "学员只会看到已发布的修订版。", "新建课程", "创建课程", "在此添加一课",
                 "学员阅读的是修订版 1。", "以学员身份查看", "历史记录", "课程编写"):
        assert text in html, text
    # The state is translated; its stored value (the class name) is not.
    assert '<span class="badge author-state author-state-published">已发布</span>' in html
    assert "Lessons and quizzes" not in html and "Learners read revision" not in html
    # A form's lazily translated hint is escaped like any other text.
    assert "即 /courses/&lt;地址&gt;。" in html


def test_the_lessons_list_stays_english(president, course):
    html = page(president.get("/author/", headers=ENGLISH))
    assert '<html lang="en">' in html
    for text in ("Lessons and quizzes", "New course", "Learners read revision 1.", "View as a learner",
                 '<span class="badge author-state author-state-published">Published</span>'):
        assert text in html, text
    assert "课与测验" not in html
    assert "/courses/&lt;address&gt;. Leave empty" in html


def test_the_editor_is_in_chinese_including_its_scripts_words(president, first):
    html = page(president.get(f"/author/lessons/{first.id}/edit", headers=CHINESE))
    for text in ("正在编辑", "保存草稿", "刷新预览", "按 Ctrl+S 或 ⌘S 保存。", "有未保存的修改",
                 "阅读时长（分钟）", "正文（Markdown）", "插入图片", "上传图片", "预览",
                 "各小节以 <code>##</code> 开头；上方的课名是本课唯一的一级标题。"):
        assert text in html, text
    # The editor script's messages come translated from the page, with its slots left for it to fill.
    assert 'data-text-uploading="正在上传 {name}…"' in html
    assert 'data-text-too-large="该图片为 {size} MB，图片最大为 {limit} MB。"' in html
    assert "Save draft" not in html and "Refresh preview" not in html


def test_the_editor_stays_english(president, first):
    html = page(president.get(f"/author/lessons/{first.id}/edit", headers=ENGLISH))
    for text in ("Editing", "Save draft", "Refresh preview", "Reading time (minutes)", "Upload image",
                 'data-text-uploading="Uploading {name}…"'):
        assert text in html, text
    assert "保存草稿" not in html


@pytest.mark.parametrize("headers, expected", [
    (CHINESE, ["请填写课名。", "阅读时长为 1 到 600 分钟。"]),
    (ENGLISH, ["Give the lesson a title.", "Reading time is 1 to 600 minutes."]),
])
def test_a_validation_error_is_in_the_readers_language(president, first, headers, expected):
    response = president.post(f"/author/lessons/{first.id}/edit",
                              data=editor_data(first, title="", minutes=0), headers=headers)
    assert response.status_code == 422
    html = page(response)
    for text in expected:
        assert text in html, text


def test_a_service_error_is_in_chinese(president, first):
    source = "The opening.\n\n# A second title\n\nThe body."
    response = president.post(f"/author/lessons/{first.id}/edit",
                              data=editor_data(first, source=source), headers=CHINESE)
    assert response.status_code == 422
    assert "小节标题请用 &#39;##&#39;：课名是本课唯一的一级标题" in page(response)


def test_the_quiz_editor_is_in_chinese(president, first):
    html = page(president.get(f"/author/lessons/{first.id}/quiz", headers=CHINESE))
    for text in ("学员使用的是第 1 版。", "目前共有 0 次作答。", "第 1 题", "第 1 题题干",
                 "选项 A 正确", "选项 A 为什么对或错", "为第 1 题添加选项", "添加题目",
                 "发布为新版本", "及格线（%）", "可作答次数", "版本", "管理测验", "归档测验",
                 'aria-label="↓ 将第 1 题下移"'):
        assert text in html, text
    assert "Add a question" not in html and "Publish as a new version" not in html


def test_the_quiz_editor_stays_english(president, first):
    html = page(president.get(f"/author/lessons/{first.id}/quiz", headers=ENGLISH))
    for text in ("Learners take version 1.", "0 attempts so far.", "Question 1", "Option A is correct",
                 "Add a question", "Publish as a new version", "Pass mark (%)",
                 'aria-label="↓ Move question 1 down"'):
        assert text in html, text
    assert "添加题目" not in html


def test_the_quiz_editors_problems_are_in_chinese(president, second):
    base = base_of(open_editor(president, second))
    questions = [question("q1", "", {0})]
    response = president.post(f"/author/lessons/{second.id}/quiz", headers=CHINESE,
                              data=quiz_form(questions, base, action="publish"))
    assert response.status_code == 422
    html = page(response)
    assert "测验暂时无法发布：还有 1 个问题需要修正，已在下方标出。" in html
    assert "请填写题干。" in html


def test_the_diff_and_history_are_in_chinese(president, first):
    assert president.post(f"/author/lessons/{first.id}/edit",
                          data=editor_data(first, source="A new opening.\n\n## A section\n\nThe body.")
                          ).status_code == 303
    history = page(president.get(f"/author/lessons/{first.id}/history", headers=CHINESE))
    for text in ("每次保存的修订版都会保留。", "对比所选修订版", "按 Markdown 源文", "草稿", "首次发布"):
        assert text in history, text
    diff = page(president.get(f"/author/lessons/{first.id}/diff", headers=CHINESE))
    assert "修订版 1 中" in diff and ">删除</span>的内容" in diff
    assert '<option value="1" selected>修订版 1：' in diff
