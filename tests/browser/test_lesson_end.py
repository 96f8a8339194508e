"""The end of a lesson in a real browser (issue 19, "Lesson end" of the review): "I have read this
lesson" and "Take the quiz" are offered only once the reader reaches the end of the text, with a
line saying so until then; a lesson whose end shows at once offers them at once; without script they
sit at the end of the text (the server's reading-time rule is the guard). Screenshots go to
test-output/screenshots/lesson-end-*.png."""
from __future__ import annotations

import pytest

from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, screenshot

COURSE = "/courses/corporate-culture"
LESSON = "seeking-truth-from-facts"
READER = "end.reader"  # a manager of this module's own: nobody else reads as them
READ_BUTTON = "I have read this lesson"


@pytest.fixture(scope="module")
def reader(live_site):
    from courseware.extensions import db
    from courseware.services.people.accounts import create_user

    with live_site.app_context():
        create_user(db.session, username=READER, full_name="End Reader", password=DEMO_PASSWORD)
    return READER


def _offered(page) -> dict:
    return {"read": page.get_by_role("button", name=READ_BUTTON).is_visible(),
            "quiz": page.get_by_role("link", name="Take the quiz").is_visible(),
            "gate": page.locator("[data-read-gate]").is_visible()}


def test_the_buttons_wait_for_the_end_of_the_text(reader, open_page):
    page = open_page(reader, {"width": 1280, "height": 800})
    page.goto(f"{COURSE}/{LESSON}")
    page.wait_for_load_state("load")
    assert _offered(page) == {"read": False, "quiz": False, "gate": True}
    assert page.locator("form[data-read-form] button").count() == 1  # there, not offered yet
    gate = page.locator("[data-read-gate]")
    assert "Read on to the end of the lesson" in gate.inner_text()
    # Reading down to the end of the text offers both, in place of the line.
    page.locator("[data-lesson-end]").scroll_into_view_if_needed()
    page.get_by_role("button", name=READ_BUTTON).wait_for(state="visible")
    assert _offered(page) == {"read": True, "quiz": True, "gate": False}
    screenshot(page, "lesson-end-at-the-end-desktop")


def test_a_lesson_that_fits_the_screen_offers_them_at_once(reader, open_page):
    page = open_page(reader, DESKTOP)
    page.goto(f"{COURSE}/{LESSON}")
    height = page.evaluate("document.querySelector('[data-lesson-end]').getBoundingClientRect().bottom")
    # The same lesson on a screen tall enough for all of its text: its end shows without a scroll.
    page = open_page(reader, {"width": 1280, "height": int(height) + 100})
    page.goto(f"{COURSE}/{LESSON}")
    page.get_by_role("button", name=READ_BUTTON).wait_for(state="visible")
    assert page.evaluate("window.scrollY") == 0
    assert _offered(page) == {"read": True, "quiz": True, "gate": False}


def test_without_script_the_buttons_sit_at_the_end_of_the_text(reader, browser, live_site, sign_in_state):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False,
                                  base_url=live_site.base_url, storage_state=str(sign_in_state(reader)))
    try:
        page = context.new_page()
        page.goto(f"{COURSE}/{LESSON}")
        assert _offered(page) == {"read": True, "quiz": True, "gate": False}
        end = page.evaluate("document.querySelector('[data-lesson-end]').getBoundingClientRect().top")
        assert end > 800  # below the fold, where the text ends
        assert page.get_by_role("button", name=READ_BUTTON).bounding_box()["y"] > end
    finally:
        context.close()
