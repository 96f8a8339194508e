"""The questions on a lesson in Simplified Chinese: the section, the form's errors, the moderators'
tools, the hosts page and the asker's notice, in the language the browser asks for."""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import LessonQuestion

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_questions_in_chinese(signed_in, president, lesson_url):
    asker = signed_in("manager")
    page = _text(asker.get(lesson_url, headers=ZH))
    assert "就本课提问" in page and "匿名提问（只有总裁和主持人能看到您的姓名）" in page
    assert "还没有问题。欢迎您第一个提问。" in page and "Ask about this lesson" not in page
    empty = _text(asker.post(lesson_url + "/questions", data={"question-body": ""}, headers=ZH))
    assert "请先写下您的问题再发送。" in empty

    asker.post(lesson_url + "/questions", data={"question-body": "目标由谁来定？", "question-anonymous": "y"})
    question = db.session.scalar(select(LessonQuestion))
    other = _text(signed_in("manager").get(lesson_url, headers=ZH))
    assert "匿名" in other and "我也有这个问题" in other and "0 人也有这个问题" in other
    moderator = _text(president.get(lesson_url, headers=ZH))
    assert "（匿名提问）" in moderator and "发布回答" in moderator and "隐藏此问题" in moderator

    president.post(f"/questions/{question.id}/answers", data={f"answer-{question.id}-body": "团队一起定。"})
    notices = _text(asker.get("/notifications", headers=ZH))
    assert "下的问题有了回答" in notices and "回答了您在" in notices


def test_the_hosts_page_in_chinese(president):
    page = _text(president.get("/author/hosts", headers=ZH))
    assert "问题主持人" in page and "还没有主持人：目前只有您回答问题。" in page and "指定为主持人" in page
    refused = _text(president.post("/author/hosts", data={"user_id": ""}, headers=ZH))
    assert "请选择要指定为主持人的人员。" in refused
