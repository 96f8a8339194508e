"""Issue 8's "done means" in a real browser: a newcomer switches the site to Chinese, reads a lesson in
Chinese and passes its quiz in Chinese; the progress and the attempt are the same records the
English course uses."""
from __future__ import annotations

import yaml

from courseware.config import PROJECT_ROOT
from tests.browser.conftest import DESKTOP, PHONE, screenshot

LEARNER = "ma.li"  # a demo manager who has done lesson 1 only; no other browser test signs in as her
COURSE = "/courses/corporate-culture"
LESSON = "three-elements-and-their-circle"


def _chinese_quiz(slug: str) -> list[dict]:
    text = (PROJECT_ROOT / "quizzes" / "zh_CN" / f"{slug}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["questions"]


def _chinese_lesson_title(slug: str) -> str:
    (path,) = (PROJECT_ROOT / "lessons" / "corporate-culture" / "zh_CN").glob(f"*-{slug}.md")
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["title"]


def test_a_newcomer_reads_and_passes_a_quiz_in_chinese(open_page, live_site):
    page = open_page(LEARNER, DESKTOP)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".language-switch button[value=zh_CN]").click()
    page.wait_for_url(live_site.url("/"))
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "企业文化系列课程" in page.inner_text("main")
    assert page.locator(".language-switch button[value=en]").inner_text().endswith("English")
    screenshot(page, "zh-dashboard-desktop")

    page.goto(f"{COURSE}/{LESSON}")
    assert page.locator("h1").inner_text() == _chinese_lesson_title(LESSON)
    assert "文化体系" in page.inner_text("main")
    screenshot(page, "zh-lesson-desktop")

    page.goto(f"{COURSE}/{LESSON}/quiz")
    # The questions this attempt drew from the bank, in the order shown.
    bank = {question["id"]: question for question in _chinese_quiz(LESSON)}
    shown = page.evaluate("() => [...document.querySelectorAll('form[data-quiz] fieldset.question')]"
                          ".map(f => f.id.slice('question-'.length))")
    assert len(shown) == 6 and set(shown) <= set(bank)
    questions = [bank[question_id] for question_id in shown]
    for question in questions:
        fieldset = page.locator(f"#question-{question['id']}")
        assert question["prompt"] in fieldset.inner_text()
        for option in question["options"]:
            if option.get("correct"):
                fieldset.get_by_label(option["text"], exact=True).check()
    screenshot(page, "zh-quiz-desktop", full_page=True)
    page.locator("form[data-quiz] button[type=submit]").click()
    page.wait_for_url("**/attempts/*")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    review = page.inner_text("main")
    assert "100%" in review
    first_right = next(o for o in questions[0]["options"] if o.get("correct"))
    assert first_right["explain"] in review

    # The attempt is on the same quiz and lesson the English course uses.
    (passed, score), = live_site.query(
        "SELECT a.passed, a.score FROM quiz_attempt a JOIN user_account u ON u.id = a.user_id "
        "JOIN quiz q ON q.id = a.quiz_id JOIN lesson l ON l.id = q.lesson_id "
        "WHERE u.username = ? AND l.slug = ? AND a.submitted_at IS NOT NULL ORDER BY a.number DESC LIMIT 1",
        LEARNER, LESSON)
    assert passed and score == 100

    # Back in English, the same quiz shows the same result.
    page.locator(".language-switch button[value=en]").click()
    page.goto(f"{COURSE}/{LESSON}/quiz")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "your best so far 100%" in page.inner_text("main")


def test_a_manager_who_chose_chinese_reads_it_on_a_phone(open_page):
    page = open_page("zhang.wei", PHONE)  # the demo manager whose profile says Chinese
    page.goto(f"{COURSE}/{LESSON}")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    screenshot(page, "zh-lesson-phone")
