"""HR's pages, messages and exports in the viewer's language: Chinese for zh-CN, English for en.
Names and departments are shown as stored; lesson titles and quiz questions in the viewer's language
where the course has them."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Department
from courseware.services.catalog import published

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_overview_in_chinese(hr, course, company):
    page = hr.get("/hr/", headers=ZH).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    for text in ("：概览", "全公司汇总", "按部门", "学习卡点", "测验全部通过", "即将到期", "平均进度",
                 "各部门课程完成情况", "图例", "下载学习进度（CSV）", "下载作答记录（CSV）", "课程指派",
                 "账号变更记录"):
        assert text in page, text
    # The chart's description: each department's segments, counted in people.
    assert ("International Trade：已完成 1 人、已完成旧版本 0 人、待复训 0 人、已过期 0 人、学习中 1 人"
            in page)
    assert "在 5 人中" in page  # HR included
    # Stored data stays as it is.
    assert "International Trade" in page
    assert "Where people stall" not in page and "Course status by department" not in page


def test_the_overview_in_english(hr, course, company):
    page = hr.get("/hr/", headers=EN).get_data(as_text=True)
    assert '<html lang="en">' in page
    for text in ("Company totals", "By department", "Where people stall", "Course status by department",
                 "1 complete", "Of 5 people, how many opened each lesson", "Download progress (CSV)"):
        assert text in page, text
    assert "学习卡点" not in page


def test_the_people_page_in_chinese(hr, course, company):
    page = hr.get("/hr/people?status=not_started&role=manager", headers=ZH).get_data(as_text=True)
    assert "Cy Idle" in page and "Ada Done" not in page
    for text in ("<h1>人员</h1>", "1 人", "全部部门", "全部状态", "全部角色", "排序方式", "最近活动", "筛选",
                 '<span class="badge status-not_started">未开始</span>', "将以上人员导出为 CSV（学习进度）",
                 "管理者"):
        assert text in page, text
    assert "1 person" not in page and "Not started" not in page
    everyone = hr.get("/hr/people", headers=ZH).get_data(as_text=True)
    assert "5 人" in everyone and "学习中" in everyone and "已完成" in everyone


def test_the_people_page_in_english(hr, course, company):
    page = hr.get("/hr/people?status=not_started&role=manager", headers=EN).get_data(as_text=True)
    assert "1 person" in page and '<span class="badge status-not_started">Not started</span>' in page
    assert "All departments" in page and "人员" not in page


def test_a_person_page_in_chinese(hr, course, company):
    page = hr.get(f"/hr/people/{company.done.id}", headers=ZH).get_data(as_text=True)
    assert "Ada Done" in page and "第 1 版" in page and "已完成 2 课，共 2 课" in page and "100%" in page
    assert "测验记录" in page and "结业证书" in page


def test_a_form_error_in_chinese(hr, course, make_user):
    person = make_user(username="x")
    response = hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [person.id],
                                                "due_on": "2000-01-01"}, headers=ZH)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "截止日期不能早于今天。" in page
    # The form's labels and hints too.
    assert "指派课程" in page and "勾选一个部门即包括其下属部门" in page
    assert "按姓名、用户名或部门查找人员" in page
    bad_day = hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [person.id],
                                               "due_on": "2027-02-30"}, headers=ZH)
    assert "请按日期填写截止日期，例如 2027-03-31。" in bad_day.get_data(as_text=True)


def test_a_form_error_in_english(hr, course, make_user):
    person = make_user(username="x")
    response = hr.post("/hr/assignments", data={"course_id": course.id, "user_ids": [person.id],
                                                "due_on": "2000-01-01"}, headers=EN)
    assert response.status_code == 422
    assert "The due date is in the past." in response.get_data(as_text=True)


def test_a_flash_message_in_chinese(hr, course, make_user):
    make_user(username="in.trade")
    trade = db.session.scalar(select(Department).where(Department.name == "International Trade"))
    response = hr.post("/hr/assignments", data={"course_id": course.id, "department_ids": [trade.id],
                                                "due_days": 30}, headers=ZH, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"已指派《{course.title}》（共 1 项指派）。" in page
    assert "30 天" in page and "International Trade（部门）" in page


def test_the_progress_export_in_chinese(hr, course, company):
    rows = read_csv(hr.get("/hr/export/progress.csv?role=manager", headers=ZH))
    assert rows[0] == ["用户名", "姓名", "部门", "角色", "课程", "课序号", "课名", "状态",
                       "完成时间（Asia/Shanghai）", "完成时版本", "最高得分", "作答次数", "学习时长（分钟）",
                       "证书编号", "证书颁发日期", "证书到期日", "课程状态"]
    body = {(r[0], r[5]): r for r in rows[1:]}
    assert body[("ada", "1")][7] == "已完成" and body[("ada", "1")][3] == "管理者"
    assert body[("di", "1")][7] == "待测验" and body[("bo", "1")][7] == "已打开"
    assert body[("cy", "2")][7] == "未开始"
    # Names and departments as stored.
    assert body[("ada", "1")][1] == "Ada Done" and body[("di", "1")][2] == "Domestic Trade"


def test_the_progress_export_in_english(hr, course, company):
    rows = read_csv(hr.get("/hr/export/progress.csv?role=manager", headers=EN))
    assert rows[0][:4] == ["username", "full_name", "department", "role"]
    body = {(r[0], r[5]): r for r in rows[1:]}
    assert body[("ada", "1")][7] == "completed" and body[("ada", "1")][3] == "manager"


def test_the_attempts_export_in_chinese(hr, course, company):
    rows = read_csv(hr.get("/hr/export/attempts.csv?status=in_progress", headers=ZH))
    assert rows[0] == ["用户名", "姓名", "部门", "课程", "课序号", "课名", "作答序号", "测验版本", "测验语言",
                       "得分", "是否通过", "提交时间（Asia/Shanghai）"]
    assert [r[0] for r in rows[1:]] == ["di"] and rows[1][10] == "否"


def test_formula_protection_holds_in_chinese(hr, course, make_user):
    make_user(full_name='=HYPERLINK("http://evil.example","x")', username="evil")
    rows = read_csv(hr.get("/hr/export/progress.csv", headers=ZH))
    assert {r[0]: r[1] for r in rows[1:]}["evil"].startswith("'=")


def test_account_pages_in_chinese(hr, manager):
    accounts = hr.get("/hr/accounts", headers=ZH).get_data(as_text=True)
    assert "账号管理" in accounts and "新建账号" in accounts and "已启用" in accounts
    hr.post(f"/hr/accounts/{manager.user.id}/deactivate")
    audit = hr.get("/hr/audit", headers=ZH).get_data(as_text=True)
    assert "账号变更记录" in audit and "停用账号" in audit
    english = hr.get("/hr/audit", headers=EN).get_data(as_text=True)
    assert "account.deactivate" in english


def test_import_problems_in_chinese(hr):
    from io import BytesIO
    page = hr.get("/hr/accounts/import", headers=ZH)
    assert "检查并导入" in page.get_data(as_text=True)
    data = b"username,full_name,email,department,role\r\nok.name,,,Nowhere,boss\r\n"
    response = hr.post("/hr/accounts/import", data={"file": (BytesIO(data), "people.csv")},
                       content_type="multipart/form-data", headers=ZH)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "文件中有 1 处问题，未导入任何账号。" in text
    assert "full_name（姓名）为空；部门 &#39;Nowhere&#39; 不存在（请先创建该部门）" in text


@pytest.mark.parametrize("path", ["/hr/", "/hr/people", "/hr/questions", "/hr/assignments", "/hr/accounts",
                                  "/hr/departments", "/hr/audit", "/hr/accounts/new", "/hr/accounts/import"])
def test_every_hr_page_answers_in_chinese(hr, course, company, path):
    response = hr.get(path, headers=ZH)
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.get_data(as_text=True)


def test_answers_given_in_chinese_count_and_questions_show_in_the_viewers_language(hr, course, make_user):
    from courseware.services.learning import quizzes
    from tests.hr.conftest import RIGHT, WRONG, take

    first = published.lessons(db.session, course)[0]
    take(make_user(), first, RIGHT)  # in English
    reader = make_user()
    attempt = quizzes.open_attempt(db.session, reader, first.quiz, language="zh_CN")
    assert attempt.quiz_version.language == "zh_CN"
    quizzes.submit_attempt(db.session, reader, attempt.id, WRONG)

    chinese = hr.get("/hr/questions", headers=ZH).get_data(as_text=True)
    assert "哪个选项是对的？" in chinese and "第一课" in chinese
    english = hr.get("/hr/questions", headers=EN).get_data(as_text=True)
    assert "Which option is the right one?" in english and "哪个选项是对的？" not in english
    from courseware.services.reports.question_analysis import analyse_course

    (stat, *_), = [s.questions for s in analyse_course(db.session, course)]
    assert (stat.id, stat.answered, stat.right) == ("pick-one", 2, 1)


def test_the_overview_names_lessons_in_the_viewers_language(hr, course):
    assert "第一课" in hr.get("/hr/", headers=ZH).get_data(as_text=True)
    assert "第一课" not in hr.get("/hr/", headers=EN).get_data(as_text=True)
