"""Submitting a quiz with questions unanswered (issue 19, item 8), in a real browser: every question
needs an answer, so the page never offers a submission the server refuses. With script, a dialog says
which questions have no answer and takes the reader to the first one; without script, the server's
error summary links to each, the first first. Nothing is submitted either way."""
from __future__ import annotations

from tests.browser.conftest import DESKTOP

COURSE = "/courses/corporate-culture"
LEARNER = "guo.qiang"  # a demo manager who has done four lessons; no other browser test signs in as him


def _quiz_url(live_site) -> str:
    from sqlalchemy import select

    from courseware.extensions import db
    from courseware.models import Course
    from courseware.services.catalog import published
    with live_site.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "corporate-culture"))
        lesson = [each for each in published.lessons(db.session, course) if each.active_quiz][-1]
        return f"{COURSE}/{lesson.slug}/quiz"


def _submitted(live_site) -> int:
    (count,), = live_site.query(
        "SELECT count(*) FROM quiz_attempt a JOIN user_account u ON u.id = a.user_id "
        "WHERE u.username = ? AND a.state != 'in_progress'", LEARNER)
    return count


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_the_dialog_takes_the_reader_to_the_first_unanswered_question(open_page, live_site):
    page = open_page(LEARNER, DESKTOP)
    before = _submitted(live_site)
    page.goto(_quiz_url(live_site))
    fieldsets = page.locator("form[data-quiz] fieldset.question")
    total = fieldsets.count()
    assert total >= 3
    fieldsets.nth(0).locator("input").first.check()
    page.get_by_role("button", name="Submit answers").click()

    dialog = page.locator("dialog[data-unanswered-dialog]")
    dialog.wait_for(state="visible")
    text = dialog.inner_text()
    assert "Answer every question first" in text and "have no answer yet" in text
    assert "Every question needs an answer before the quiz is graded." in text
    # One way out, and it does what it says: no "Submit anyway" the server would refuse.
    assert dialog.get_by_role("button").count() == 1
    assert "Submit anyway" not in page.content()
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Answer question 2"
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    second = fieldsets.nth(1).locator("input").first.get_attribute("id")
    page.wait_for_function(f"() => document.activeElement.id === '{second}'")
    assert page.url.endswith("/quiz") and _submitted(live_site) == before

    # Escape closes it too, and lands on the first unanswered question as well.
    fieldsets.nth(1).locator("input").first.check()
    page.get_by_role("button", name="Submit answers").click()
    dialog.wait_for(state="visible")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Answer question 3"
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    third = fieldsets.nth(2).locator("input").first.get_attribute("id")
    page.wait_for_function(f"() => document.activeElement.id === '{third}'")
    assert _submitted(live_site) == before


def test_without_script_the_error_summary_links_to_the_first_unanswered_question(open_page, live_site):
    page = open_page(LEARNER, DESKTOP, java_script_enabled=False)
    before = _submitted(live_site)
    page.goto(_quiz_url(live_site))
    fieldsets = page.locator("form[data-quiz] fieldset.question")
    first_choice = fieldsets.nth(0).locator("input").first
    first_choice.check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()

    summary = page.get_by_role("alert")
    assert "Answer every question before you submit." in summary.inner_text()
    assert "Nothing has been submitted yet; your answers so far are kept." in summary.inner_text()
    links = summary.get_by_role("link")
    assert links.first.inner_text() == "Question 2 needs an answer"
    assert links.count() == fieldsets.count() - 1
    assert first_choice.is_checked()  # the answer given is kept
    target = fieldsets.nth(1).locator("input").first.get_attribute("id")
    assert links.first.get_attribute("href") == f"#{target}"
    links.first.click()
    assert page.url.endswith(f"#{target}")
    assert page.locator(f"#{target}").is_visible()
    assert _submitted(live_site) == before
