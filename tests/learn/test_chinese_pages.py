"""The core and learner pages in Simplified Chinese: the same pages, forms, flashes and commands as
in English, in the language the browser (or the terminal) asks for. Stored data stays as stored."""
from __future__ import annotations

import pytest

from courseware.i18n import cli_language
from tests.conftest import csrf_from
from tests.quiz.test_quiz_pages import QUIZ_URL, RIGHT, WRONG, attempt_id

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
LESSON_1 = "/courses/test-course/first-lesson"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_sign_in_page_in_chinese_and_in_english(client):
    chinese = text(client.get("/login", headers=ZH))
    assert "<h1>登录</h1>" in chinese and "用户名" in chinese and "在此设备上保持登录" in chinese
    assert "忘记密码？请联系人力资源部重置。" in chinese and "Sign in" not in chinese
    english = text(client.get("/login", headers=EN))
    assert "<h1>Sign in</h1>" in english and "Keep me signed in on this device" in english
    assert "登录" not in english


def test_form_errors_are_in_the_readers_language(client):
    token = csrf_from(text(client.get("/login", headers=ZH)))
    empty = text(client.post("/login", data={"csrf_token": token}, headers=ZH))
    assert "有 2 处需要修改" in empty and "请输入用户名。" in empty and "请输入密码。" in empty
    wrong = text(client.post("/login", data={"csrf_token": token, "username": "nobody",
                                             "password": "not-a-password"}, headers=ZH))
    assert "用户名与密码不匹配，或该账号已停用。" in wrong
    english = text(client.post("/login", data={"csrf_token": token}, headers=EN))
    assert "There are 2 problems" in english and "Enter your username." in english


def test_a_service_error_on_a_form_is_translated(manager):
    page = text(manager.post("/account/password", data={
        "current_password": "wrong", "new_password": "a new passphrase", "confirm": "a new passphrase",
    }, headers=ZH))
    assert "当前密码不正确。" in page and "修改密码" in page
    short = text(manager.post("/account/password", data={
        "current_password": "correct horse battery staple", "new_password": "short", "confirm": "short",
    }, headers=ZH))
    assert "密码至少需要 8 个字符。" in short


def test_flash_messages_are_in_the_language_of_the_request(client, manager):
    # Flask-Login's message, lazily translated when it is flashed.
    client.get("/", headers=ZH)
    assert "请先登录。" in text(client.get("/login", headers=ZH))
    manager.post("/logout", headers=ZH)
    assert "您已退出登录。" in text(manager.get("/login", headers=ZH))


def test_the_dashboard_in_chinese(manager, course):
    page = text(manager.get("/", headers=ZH))
    assert '<html lang="zh-CN">' in page
    assert f"{manager.user.full_name}，欢迎您" in page
    assert "已完成 0 课，共 2 课（0%）" in page
    # The course's own title is content: the title of the first lesson follows the content language.
    assert "开始学习：" in page and "学习方式" in page
    assert ">首页</a>" in page and ">我的进度</a>" in page and ">管理者</span>" in page
    english = text(manager.get("/", headers=EN))
    assert "0 of 2 lessons complete (0%)" in english and "Start: The first lesson" in english


def test_the_lesson_page_in_chinese(manager, course):
    page = text(manager.get(LESSON_1, headers=ZH))
    assert "第 1 课，共 2 课" in page and "我已读完本课" in page and "下一课" in page
    assert 'data-message-read="您已读完本课，通过课后测验即可完成。"' in page
    english = text(manager.get(LESSON_1, headers=EN))
    assert "Lesson 1 of 2" in english and "I have read this lesson" in english


def test_the_quiz_page_in_chinese(manager, course):
    page = text(manager.get(QUIZ_URL, headers=ZH))
    assert "共 3 题" in page and "及格线 60%" in page and "作答次数不限" in page
    assert "第 1 题，共 3 题" in page and "单选" in page and ">交卷</button>" in page
    assert 'data-text-one-missing="第 {number} 题尚未作答。"' in page
    english = text(manager.get(QUIZ_URL, headers=EN))
    assert "pass mark 60%" in english and "Question 1 of 3" in english and "Choose one" in english


def test_a_quiz_result_in_chinese(manager, course):
    page = text(manager.get(QUIZ_URL, headers=ZH))
    response = manager.post(QUIZ_URL, data={"attempt_id": attempt_id(page), **RIGHT}, headers=ZH)
    review = text(manager.get(response.headers["Location"], headers=ZH))
    assert "<title>已通过：100% · " in review and "答对 3 题，共 3 题" in review and "已通过" in review
    page = text(manager.get(QUIZ_URL, headers=ZH))
    response = manager.post(QUIZ_URL, data={"attempt_id": attempt_id(page), **WRONG}, headers=ZH)
    review = text(manager.get(response.headers["Location"], headers=ZH))
    assert "<title>未通过：0% · " in review and "及格线 60%" in review and "再测一次" in review
    assert "回答错误" in review and "您的答案" in review and "正确答案" in review


def test_an_unanswered_quiz_says_so_in_chinese(manager, course):
    page = text(manager.get(QUIZ_URL, headers=ZH))
    response = manager.post(QUIZ_URL, data={"attempt_id": attempt_id(page)}, headers=ZH)
    assert response.status_code == 422
    assert "请答完所有题目再交卷。" in text(response) and "第 1 题尚未作答" in text(response)


def test_error_pages_in_chinese(manager, client):
    missing = client.get("/no-such-page", headers=ZH)
    assert missing.status_code == 404 and "页面不存在" in text(missing) and "错误 404" in text(missing)
    certificate = client.get("/certificates/NOPE-NOPE", headers=ZH)
    assert "没有与此验证码对应的证书。" in text(certificate)
    assert "没有这门课程。" in text(manager.get("/courses/nope", headers=ZH))
    forbidden = text(manager.get("/hr/", headers=ZH))
    assert "您无权访问此页面" in forbidden and "角色为“管理者”" in forbidden


@pytest.mark.parametrize("environment, language", [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
])
def test_the_command_language_comes_from_the_environment(app, monkeypatch, environment, language):
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert cli_language() == language


def test_commands_speak_the_terminals_language(runner, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    created = runner.invoke(args=["create-user", "bob", "--name", "Bob", "--generate-password"])
    assert created.exit_code == 0, created.output
    assert "已创建管理者账号 bob。" in created.output and "密码（仅显示这一次）：" in created.output
    refused = runner.invoke(args=["create-user", "carol", "--name", "Carol", "--password", "short"])
    assert refused.exit_code == 1 and "密码至少需要 8 个字符。" in refused.output
    monkeypatch.setenv("LANG", "C.UTF-8")
    english = runner.invoke(args=["create-user", "dave", "--name", "Dave", "--role", "hr",
                                  "--generate-password"])
    assert "Created hr dave." in english.output and "Password (shown once):" in english.output
