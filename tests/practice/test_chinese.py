"""The practice pages in Simplified Chinese (Accept-Language: zh-CN) and in English (en): the
interface follows the reader's language, what people wrote stays as they wrote it."""

from __future__ import annotations

import csv
import io
from datetime import date

from courseware.extensions import db
from courseware.i18n_catalogs import check
from courseware.models import Goal
from tests.practice.conftest import form_errors
from tests.practice.test_export import fill

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


def half_year(user) -> Goal:
    goal = Goal(user_id=user.id, title="Raise repeat orders", starts_on=date(2026, 7, 1),
                target_on=date(2026, 12, 31))
    db.session.add(goal)
    db.session.commit()
    return goal


def test_the_practice_catalog_is_complete():
    problems = check(["practice"])
    assert not problems, "\n".join(map(str, problems[:40]))


def test_today_in_chinese(manager, clock):
    html = manager.get("/practice/today", headers=ZH).get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    for expected in (
        "<h1>今日 <span class=\"muted\">· 2026年11月25日 星期三</span></h1>",
        "早上：今日待办",
        "晚上：每日总结",
        "今天最重要的一件事",
        "最需要做好的一件事（可选）",
        "列一次待办或写一次总结，就开始连续记录。",
        "最近 12 周",
        '<abbr title="星期一">周一</abbr>',
        "专注自检",
        "回顾检测",
    ):
        assert expected in html, expected
    for english in ("Morning: today", "Evening: the daily summary", "Streak", "Monday"):
        assert english not in html, english


def test_today_in_english(manager, clock):
    html = manager.get("/practice/today", headers=EN).get_data(as_text=True)
    assert '<html lang="en">' in html
    for expected in (
        "<h1>Today <span class=\"muted\">· Wednesday 25 November 2026</span></h1>",
        "Morning: today's to-do",
        "Evening: the daily summary",
        "Plan or summarize a day to start a streak.",
        '<abbr title="Monday">Mon</abbr>',
        "Focus check",
    ):
        assert expected in html, expected
    assert "今日待办" not in html


def test_the_calendar_and_streak_in_each_language(manager, clock):
    response = manager.post("/practice/today/plan", data={"most_important": "给李总回电话"}, headers=ZH)
    assert response.status_code == 303
    html = manager.get("/practice/today", headers=ZH).get_data(as_text=True)
    assert "今日待办已保存。晚上记得回来写每日总结。" in html  # the flash, in the reader's language
    assert "自 9月7日 以来：列待办 <strong>1</strong> 天，写总结 <strong>0</strong> 天。" in html
    assert "已连续记录 <strong>1 天</strong>。" in html
    assert '<span class="visually-hidden">11月25日 星期三：已列待办</span>' in html
    assert '<span class="cal-mark" aria-hidden="true">待</span>' in html
    assert "<th scope=\"row\">9月7日</th>" in html
    assert "给李总回电话" in html  # what the person wrote, as written
    english = manager.get("/practice/today", headers=EN).get_data(as_text=True)
    assert "Since 7 September: <strong>1</strong> day planned, <strong>0</strong> summarized." in english
    assert "Streak: <strong>1 day</strong>." in english
    assert '<span class="visually-hidden">Wednesday 25 November: planned</span>' in english
    assert "<th scope=\"row\">7 Sep</th>" in english


def test_goals_in_each_language(manager, clock):
    half_year(manager.user)
    html = manager.get("/practice/goals", headers=ZH).get_data(as_text=True)
    for expected in ("<h1>我的目标</h1>", "新建长期目标", "长期目标 · 2026年7月1日 至 2026年12月31日",
                     "分解为短期目标", "周期结束", "完成标准", "设定目标", "Raise repeat orders",
                     "例如“前 20 大客户的复购订单增长 15%”"):
        assert expected in html, expected
    english = manager.get("/practice/goals", headers=EN).get_data(as_text=True)
    for expected in ("<h1>My goals</h1>", "New long-term goal",
                     "Long-term goal · 1 July 2026 to 31 December 2026", "Period ends",
                     "top 20 customers up 15%"):
        assert expected in english, expected


def test_a_goal_page_in_chinese(manager, clock):
    goal = half_year(manager.user)
    html = manager.get(f"/practice/goals/{goal.id}", headers=ZH).get_data(as_text=True)
    for expected in ("更新进度", "进度（%）", "添加短期目标", "0%", "编辑", "删除…",
                     "从今天到 2026年12月31日 之间，须在长期目标的周期之内。"):
        assert expected in html, expected


def test_form_errors_in_each_language(manager, clock):
    response = manager.post("/practice/goals", data={"title": "", "target_on": "2020-01-01"}, headers=ZH)
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == [
        "请为目标填写名称。",
        "2020年1月1日已经过去，请选择今天或之后的日期。",
    ]
    response = manager.post("/practice/goals", data={"title": "A", "target_on": "31/12/2026"}, headers=ZH)
    assert "请按 YYYY-MM-DD 格式填写日期，例如 2026-12-31。" in form_errors(response.get_data(as_text=True))
    response = manager.post("/practice/today/plan", data={"most_important": "x" * 301}, headers=ZH)
    assert form_errors(response.get_data(as_text=True)) == ["此项过长：最多 300 个字符（当前 301 个）。"]
    english = manager.post("/practice/today/plan", data={"most_important": "x" * 301}, headers=EN)
    assert form_errors(english.get_data(as_text=True)) == [
        "This line is too long: at most 300 characters (it has 301)."
    ]
    english = manager.post("/practice/goals", data={"title": ""}, headers=EN)
    assert "Give the goal a title." in form_errors(english.get_data(as_text=True))


def test_the_focus_check_in_chinese(manager, clock):
    response = manager.post("/practice/focus/", data={"text": "周五打高尔夫", "decision": "decline"},
                            headers=ZH)
    assert response.status_code == 303
    html = manager.get("/practice/focus/", headers=ZH).get_data(as_text=True)
    for expected in ("已拒绝：这件事已列入您的不做清单。", "<h2 id=\"not-to-do-title\">不做清单</h2>",
                     "与我的目标无关：拒绝", "周五打高尔夫", "移除"):
        assert expected in html, expected


def test_the_markdown_export_in_each_language(manager, lessons, clock):
    fill(manager.user, lessons[0])
    text = manager.get("/practice/export.md", headers=ZH).get_data(as_text=True)
    for expected in (
        f"# {manager.user.full_name} 的践行记录",
        "导出日期：2026-11-25。",
        "## 目标",
        "- 长期目标，2026-07-01 至 2026-12-31；40%，进行中",
        "- 2026-11-25：40% — Two visits",
        "完成标准：Five notes",
        "## 专注自检",
        "Golf on Friday —— 已拒绝（列入不做清单）（Customer calls）",
        "Top-20 quote —— 服务于“Repeat orders up 15 %”",
        "## 每日记录",
        "- 最重要的一件事：",
        "- 今日完成：",
        "## 反思",
        "2026-11-25 已分享给总裁。",
        "## 回顾检测",
        "The first lesson，学完后第 30 天：2 题答对 1 题",
    ):
        assert expected in text, expected
    english = manager.get("/practice/export.md", headers=EN).get_data(as_text=True)
    assert "## Focus check" in english and "1 of 2 right" in english and "## 专注自检" not in english


def test_the_csv_export_in_each_language(manager, lessons, clock):
    fill(manager.user, lessons[0])
    body = manager.get("/practice/export.csv", headers=ZH).get_data().decode("utf-8")
    assert body.startswith("\ufeff类别,日期,相关对象,项目,内容\r\n")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert ["专注自检", "2026-11-25", "不做清单", "事项", "Golf on Friday"] in rows
    assert ["每日记录", "2026-11-25", "总结", "已完成", "Called.\nOffer sent."] in rows
    assert ["回顾检测", "2026-11-25", "The first lesson", "30 天", "2 题答对 1 题"] in rows
    english = manager.get("/practice/export.csv", headers=EN).get_data().decode("utf-8")
    assert english.startswith("\ufeffkind,date,about,field,text\r\n")


def test_reflections_and_participation_in_chinese(manager, hr, clock):
    html = manager.get("/practice/reflections/", headers=ZH).get_data(as_text=True)
    assert "<h1>我的反思</h1>" in html and "还没有反思。" in html
    html = manager.get("/practice/checks/", headers=ZH).get_data(as_text=True)
    assert "目前没有待完成的回顾检测。" in html
    html = hr.get("/practice/participation", headers=ZH).get_data(as_text=True)
    for expected in ("<h1>践行参与情况</h1>", "按部门", "列待办天数", "全部部门", "还没有人完成回顾检测。"):
        assert expected in html, expected


def test_the_dashboard_card_in_each_language(manager, course, clock):
    html = manager.get("/", headers=ZH).get_data(as_text=True)
    assert "专注与精进，每天践行" in html and ">列出今日待办</a>：今天最重要的一件事" in html
    manager.post("/practice/today/plan", data={"most_important": "Call Mr Li"}, headers=ZH)
    html = manager.get("/", headers=ZH).get_data(as_text=True)
    assert "今天最重要的一件事：<strong>Call Mr Li</strong>。" in html and "已连续记录 1 天。" in html
    english = manager.get("/", headers=EN).get_data(as_text=True)
    assert "Today's most important thing: <strong>Call Mr Li</strong>." in english
    assert "Streak: 1 day." in english


def test_the_reflection_box_under_a_lesson_in_chinese(manager, with_prompt, clock):
    url = f"/courses/{with_prompt.course.slug}/{with_prompt.slug}"
    html = manager.get(url, headers=ZH).get_data(as_text=True)
    assert '<h2 id="reflection-title">反思</h2>' in html
    assert "私密：只有您本人能看到。写好后可以分享给总裁。" in html and "保存我的反思" in html
    response = manager.post(f"/practice/reflections/lessons/{with_prompt.id}", data={"answer": "在报价环节"},
                            headers=ZH)
    assert response.status_code == 303
    html = manager.get(response.headers["Location"], headers=ZH).get_data(as_text=True)
    assert "您的反思已保存。只有您本人能看到。" in html and "在报价环节" in html and "分享给总裁" in html


def test_the_goal_form_offers_lessons_in_the_readers_language(manager, course):
    assert "第一课" in manager.get("/practice/goals", headers=ZH).get_data(as_text=True)
    assert "第一课" not in manager.get("/practice/goals", headers=EN).get_data(as_text=True)
