"""What people do on the site, in a real browser: a manager reads a lesson to its end, takes its quiz
by keyboard alone (fails, retakes, passes) and gets the certificate; HR exports a report; the
president edits and publishes a lesson."""
from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

from courseware.config import PROJECT_ROOT
from courseware.services.catalog import published
from tests.browser.conftest import DESKTOP, OUTPUT, PHONE, screenshot
from tests.conftest import read_lesson

COURSE = "/courses/corporate-culture"
FIRST_LESSON = "performance-goal-and-effect"
LEARNER = "deng.yan"  # a demo manager who has not started yet
SUBMIT = "el => el.textContent.trim() === 'Submit answers'"


def _quiz_file(slug: str) -> list[dict]:
    text = (PROJECT_ROOT / "quizzes" / f"{slug}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["questions"]


def _shown_questions(page, slug: str) -> list[dict]:
    """The questions this attempt asks, in the order shown, each with its options in the order shown
    (an attempt draws from the bank and shuffles the options); which are right comes from the file,
    whose options are keyed a, b, c… in file order."""
    by_id = {question["id"]: question for question in _quiz_file(slug)}
    shown = page.evaluate("""() => [...document.querySelectorAll('form[data-quiz] fieldset.question')]
        .map(f => ({id: f.id.slice('question-'.length),
                    keys: [...f.querySelectorAll('input')].map(i => i.value)}))""")
    questions = []
    for item in shown:
        source = by_id[item["id"]]
        by_key = {chr(ord("a") + index): option for index, option in enumerate(source["options"])}
        questions.append({"id": item["id"], "type": source["type"], "keys": item["keys"],
                          "options": [by_key[key] for key in item["keys"]]})
    return questions


def _choices(questions: list[dict], right: bool) -> list[list[int]]:
    """Option positions to choose: all right, or the first half of the questions wrong."""
    chosen = []
    for index, question in enumerate(questions):
        correct = [i for i, option in enumerate(question["options"]) if option.get("correct")]
        wrong = [i for i, option in enumerate(question["options"]) if not option.get("correct")]
        chosen.append(correct if right or index >= (len(questions) + 1) // 2 else wrong[:1])
    return chosen


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()")


def _tab_until(page, script: str, limit: int = 60) -> None:
    """Press Tab until `script` (a function of the focused element) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({script})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {script}; focus is on {_focused(page)!r}")


def _answer_by_keyboard(page, questions: list[dict], chosen: list[list[int]], start: int = 0) -> None:
    """Focus is on the first option of question `start`; answer it and the following ones with the
    keyboard, moving on with Tab."""
    for question, picks in zip(questions[start:], chosen[start:], strict=True):
        if question["type"] == "multiple":
            for index in range(len(question["options"])):
                if index in picks:
                    page.keyboard.press("Space")
                page.keyboard.press("Tab")
        else:
            (pick,) = picks
            if pick == 0:
                page.keyboard.press("Space")
            for _ in range(pick):
                page.keyboard.press("ArrowDown")  # moves to the next radio button and selects it
            page.keyboard.press("Tab")


def _complete_the_rest_of_the_course(site, username: str) -> None:
    """Read every other lesson and pass its quiz through the services, as a quick learner would."""
    from sqlalchemy import select

    from courseware.extensions import db
    from courseware.models import Course, User
    from courseware.services.learning import quizzes

    with site.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        course = db.session.scalar(select(Course).where(Course.slug == "corporate-culture"))
        for lesson in published.lessons(db.session, course)[1:]:
            read_lesson(user, lesson)
            if lesson.active_quiz is not None:
                attempt = quizzes.open_attempt(db.session, user, lesson.active_quiz)
                right = {q["id"]: [o["key"] for o in q["options"] if o["correct"]]
                         for q in attempt.quiz_version.questions}
                quizzes.submit_attempt(db.session, user, attempt.id, right)


def test_a_manager_reads_takes_the_quiz_by_keyboard_and_earns_the_certificate(open_page, live_site):
    page = open_page(LEARNER, DESKTOP)
    page.goto("/")
    assert page.get_by_role("heading", name="How it works").is_visible()  # a first visit
    page.get_by_role("link", name="Start: Performance: the goal and the effect").click()
    page.wait_for_url(f"**{COURSE}/{FIRST_LESSON}")

    # Reading to the end marks the lesson read (the script reports it; no button pressed), once the
    # reader has spent the lesson's minimum time on it: here, mostly in an earlier visit.
    assert page.locator("[data-state-badge]").inner_text() == "In progress"
    live_site.time_travel(LEARNER, FIRST_LESSON, read_before_seconds=600)
    page.locator("[data-lesson-end]").scroll_into_view_if_needed()
    status = page.locator("[data-read-status]")
    status.filter(has_text="You have read this lesson").wait_for()
    assert page.locator("[data-state-badge]").inner_text() == "Quiz to pass"
    assert page.locator("form[data-read-form]").is_hidden()
    (read_at, seconds), = live_site.query(
        "SELECT p.read_at, p.seconds_spent FROM lesson_progress p JOIN user_account u ON u.id = p.user_id "
        "JOIN lesson l ON l.id = p.lesson_id WHERE u.username = ? AND l.slug = ?", LEARNER, FIRST_LESSON)
    assert read_at is not None and seconds >= 601

    # The quiz, by keyboard alone: Tab to the first option, answer, submit with Enter.
    page.goto(f"{COURSE}/{FIRST_LESSON}/quiz")
    questions = _shown_questions(page, FIRST_LESSON)
    wrong = _choices(questions, right=False)
    _tab_until(page, "el => el.matches('form[data-quiz] input')")
    first = questions[0]
    _answer_by_keyboard(page, questions[:1], wrong[:1])
    # On to the submit button with the other questions unanswered: the page asks first.
    _tab_until(page, SUBMIT)
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[data-unanswered-dialog]")
    dialog.wait_for(state="visible")
    assert "have no answer yet" in dialog.inner_text()
    assert _focused(page) == "Answer question 2"
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    # Focus goes to the first unanswered question (when the dialog's close event has run).
    second = questions[1]
    page.wait_for_function(f"() => document.activeElement.id === 'q-{second['id']}-{second['keys'][0]}'")
    assert page.locator("[data-answered-count]").inner_text() == f"1 of {len(questions)} answered"
    _answer_by_keyboard(page, questions, wrong, start=1)
    assert _focused(page) == "Submit answers"
    screenshot(page, "quiz-answered-desktop")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attempts/*")
    assert page.get_by_role("heading", name="Not passed", exact=True).is_visible()
    # The verdict is said once, by its card and the page's title; no flash above repeats it.
    assert page.title().startswith("Not passed: ") and page.locator(".flashes .flash").count() == 0
    assert first["id"]  # the review lists every question asked (the key is kept until a pass)
    assert page.locator(".review-list > li").count() == len(questions)
    screenshot(page, "review-failed-desktop")

    # Retake, still by keyboard: Tab to "Take the quiz again", Enter, answer everything right.
    _tab_until(page, "el => el.textContent.trim() === 'Take the quiz again'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{COURSE}/{FIRST_LESSON}/quiz")
    questions = _shown_questions(page, FIRST_LESSON)  # a new draw, in a new order
    _tab_until(page, "el => el.matches('form[data-quiz] input')")
    _answer_by_keyboard(page, questions, _choices(questions, right=True))
    assert _focused(page) == "Submit answers"
    page.keyboard.press("Enter")
    page.wait_for_url("**/attempts/*")
    assert page.get_by_role("heading", name="Passed", exact=True).is_visible()
    assert live_site.query(
        "SELECT count(*) FROM lesson_progress p JOIN user_account u ON u.id = p.user_id "
        "WHERE u.username = ? AND p.completed_at IS NOT NULL", LEARNER) == [(1,)]

    _complete_the_rest_of_the_course(live_site, LEARNER)
    page.goto("/")
    assert "8 of 8 lessons complete (100%)" in page.inner_text("main")
    page.get_by_role("link", name="View your certificate").click()
    page.wait_for_url("**/certificates/*")
    assert page.get_by_role("heading", name="Deng Yan").is_visible()
    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
    screenshot(page, "certificate-earned-desktop")
    # Printed, the certificate is one A4 page.
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (OUTPUT / "certificate.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1, "the certificate prints on more than one page"
    # The printed page as an image (A4 at 96 dpi), with its QR code loaded.
    assert page.evaluate("() => document.querySelector('.certificate-qr').naturalWidth") > 0
    page.set_viewport_size({"width": 794, "height": 1123})
    screenshot(page, "certificate-print", full_page=True)


def test_the_reading_script_reports_time_and_the_button_still_works_without_it(browser, live_site,
                                                                              sign_in_state):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, base_url=live_site.base_url,
                                  storage_state=str(sign_in_state("he.jing")))
    try:
        page = context.new_page()
        page.goto(f"{COURSE}/{FIRST_LESSON}")
        # Pressed at once, the button marks nothing and says how long is left.
        page.get_by_role("button", name="I have read this lesson").click()
        page.wait_for_url(f"**{COURSE}/{FIRST_LESSON}#finish")
        assert "You have not spent long enough on this lesson yet" in page.inner_text(".flashes")
        assert "of reading left" in page.get_by_role("button", name="I have read this lesson").inner_text()
        live_site.time_travel("he.jing", FIRST_LESSON, opened_minutes_ago=10)
        page.get_by_role("button", name="I have read this lesson").click()
        page.wait_for_url(f"**{COURSE}/{FIRST_LESSON}/quiz")
        assert "Pass its quiz to complete it" in page.inner_text("main")
        # Without script the quiz is refused question by question, and says which.
        page.get_by_role("button", name="Submit answers").click()
        assert page.locator("#quiz-error").is_visible()
        assert page.locator(".question .field-error").count() == page.locator(".question").count() == 6
    finally:
        context.close()


def test_hr_downloads_the_progress_report(open_page):
    page = open_page("hr.lin", DESKTOP)
    page.goto("/hr/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download progress (CSV)").click()
    download = download_info.value
    path = Path(download.path())
    data = path.read_bytes()
    (OUTPUT / "progress.csv").write_bytes(data)
    assert data.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would garble Chinese names"
    text = data.decode("utf-8-sig")
    header, *rows = text.split("\r\n")
    assert header.startswith("username,full_name,department,role,course,lesson_number,lesson")
    wang = [row for row in rows if row.startswith("wang.lei,Wang Lei,")]
    assert len(wang) == 8, "one row per lesson"
    assert ",manager,Corporate Culture Series,1,Performance: the goal and the effect," in wang[0]


def test_the_president_edits_and_publishes_a_lesson(open_page):
    page = open_page("president", DESKTOP)
    page.goto("/author/")
    page.get_by_role("link", name="Refinement: continuous improvement and the daily to-do").first.click()
    page.wait_for_url("**/author/lessons/*/edit")
    sentence = f"A sentence added in the browser test ({random.randrange(10**6)})."
    source = page.locator("textarea[name=source]")
    source.fill(source.input_value() + f"\n\n{sentence}\n")
    page.locator("[data-preview]").filter(has_text=sentence).wait_for()  # the server's live preview
    with page.expect_navigation():
        page.keyboard.press("Control+s")  # the editor's shortcut for "Save draft"
    assert "Saved as draft revision" in page.locator(".flashes").inner_text()
    page.get_by_role("link", name="Publish…").first.click()
    page.get_by_label("Minor: wording only.", exact=False).first.check()
    screenshot(page, "author-publish-desktop")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish revision").first.click()
    assert "is published as a minor change" in page.locator(".flashes").inner_text()
    page.goto(f"{COURSE}/refinement-and-the-daily-to-do")
    assert sentence in page.locator(".prose").inner_text()


def test_every_lesson_summary_prints_on_one_a4_page(open_page):
    """The manager's printed summary (objectives, key points, the week's task and its form) is one
    sheet, in English and in Chinese."""
    for username in ("deng.yan", "zhang.wei"):  # zhang.wei reads in Chinese
        page = open_page(username, DESKTOP)
        page.emulate_media(media="print")
        for path in sorted((PROJECT_ROOT / "lessons" / "corporate-culture").glob("0*.md")):
            slug = path.stem.split("-", 1)[1]
            page.goto(f"{COURSE}/{slug}/summary")
            pdf = page.pdf(format="A4", print_background=True)
            pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
            assert pages == 1, f"the summary of {slug} prints on {pages} pages for {username}"


# A guide of the length the course's guides have, for a lesson the tests give one (the shipped
# lessons' own guides, where they have them, are printed too).
GUIDE_LESSON = "systems-thinking-deep-global-dynamic"
GUIDES = {
    "en": {
        "opening": "Think of a problem in your department that came back after you thought it was solved. "
                   "What did you fix the first time, and what did you leave alone?",
        "case": "Domestic Trade had a weak first half. The department's first explanation was the market: "
                "customers were cautious and competitors cut prices. When the manager asked the team to "
                "trace the shortfall back layer by layer, a different picture appeared. The goals had been "
                "set late and were not clear to the sales staff; two measures agreed in January were never "
                "followed up; and the product team had not been told which customers were leaving. Each "
                "part of the department had worked hard on its own piece, and each piece looked reasonable "
                "on its own. Together they missed the goal.",
        "questions": ["Which explanation is the phenomenon, and which is closer to the essence? "
                      "How do you know?",
                      "Which part of the whole did each team look at, and what did nobody look at?",
                      "Which of our own ways of working were right two years ago but may not be right now?"],
        "record": "Write down one problem the team will trace back to its cause, who looks at the whole, and "
                  "which old habit the team will test this month.",
        "follow_up": "At the next monthly review, ask the owner what the tracing found and whether the old "
                     "habit still holds; note the answer in the meeting minutes.",
    },
    "zh_CN": {
        "opening": "想一想部门里有哪个问题，您以为已经解决了，后来又出现了？第一次解决了什么，又放过了什么？",
        "case": "国内贸易部上半年业绩不佳。部门最初的解释是市场：客户谨慎，竞争对手降价。"
                "经理请团队层层追溯差距的原因后，看到的情况完全不同：目标定得晚，销售人员并不清楚；"
                "一月份商定的两项措施从未跟进；产品团队也不知道哪些客户正在流失。"
                "部门的每个环节都在自己那一块上努力，单看每一块都说得过去，合在一起却没有达成目标。",
        "questions": ["哪种解释是现象，哪种更接近本质？您怎么判断？",
                      "每个团队看的是整体中的哪一部分？有没有谁都没看到的部分？",
                      "我们的哪些做法两年前是对的，现在却未必对？"],
        "record": "记下团队要追溯根源的一个问题、由谁负责看全局，以及本月要检验的一个老习惯。",
        "follow_up": "下次月度复盘时，请负责人讲讲追溯的发现，以及那个老习惯是否仍然适用，并记入会议纪要。",
    },
}


def _give_a_lesson_a_guide(site) -> list[str]:
    """Publish GUIDES on GUIDE_LESSON (in each language it has no guide in yet) through the
    services, as the editor would; returns the slugs of every lesson with a guide."""
    from sqlalchemy import select

    from courseware.extensions import db
    from courseware.models import Lesson, User
    from courseware.services.authoring import lessons as authoring
    from courseware.services.authoring import publishing

    with site.app_context():
        president = db.session.scalar(select(User).where(User.username == "president"))
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == GUIDE_LESSON))
        for language, guide in GUIDES.items():
            latest = authoring.latest_revision(db.session, lesson, language)
            if latest.discussion:
                continue
            fields = authoring.LessonFields(
                title=latest.title, module_id=authoring.module_of(latest).id, minutes=latest.minutes,
                summary=latest.summary, source=latest.source, reflection=latest.reflection or "",
                discussion=guide)
            saved = authoring.save_draft(db.session, lesson, president, fields, latest.number, language)
            publishing.publish(db.session, lesson, saved.revision.number, material=False,
                               actor=president, language=language)
        lessons = db.session.scalars(select(Lesson).where(Lesson.is_published).order_by(Lesson.position))
        return [each.slug for each in lessons if each.published_revision.discussion]


def test_every_lesson_discussion_guide_prints_on_at_most_two_a4_pages(open_page, live_site):
    """The manager's printed team discussion guide (the lesson's objectives, the five parts and
    their minutes) takes at most two sheets, in English and in Chinese."""
    with_guide = _give_a_lesson_a_guide(live_site)
    assert GUIDE_LESSON in with_guide
    for username in ("deng.yan", "zhang.wei"):  # zhang.wei reads in Chinese
        page = open_page(username, DESKTOP)
        page.goto(f"{COURSE}/{GUIDE_LESSON}")
        page.locator("[data-discussion-link]").click()
        page.wait_for_url(f"**{COURSE}/{GUIDE_LESSON}/discussion")
        page.emulate_media(media="print")
        for slug in with_guide:
            page.goto(f"{COURSE}/{slug}/discussion")
            assert page.locator("[data-discussion-follow-up]").is_visible()
            pdf = page.pdf(format="A4", print_background=True)
            if slug == GUIDE_LESSON:
                (OUTPUT / f"discussion-{username}.pdf").write_bytes(pdf)
            pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
            assert 1 <= pages <= 2, f"the discussion guide of {slug} prints on {pages} pages for {username}"
