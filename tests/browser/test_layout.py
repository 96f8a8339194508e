"""Keyboard basics and small screens: the skip link, a visible focus, and every lesson on a phone."""
from __future__ import annotations

from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, PHONE

COURSE = "/courses/corporate-culture"
LESSONS = [
    "performance-goal-and-effect", "three-elements-and-their-circle", "people-first-recruiting-and-educating",
    "habitual-thinking-and-organizational-inertia", "seeking-truth-from-facts",
    "systems-thinking-deep-global-dynamic", "focus-from-vision-to-goals", "refinement-and-the-daily-to-do",
]
FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el.closest('.option') || el);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


def test_the_skip_link_comes_first_and_leads_to_the_content(open_page):
    page = open_page("wang.lei", DESKTOP)
    page.goto(COURSE)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to content"
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0
    assert page.evaluate(FOCUS_RING)
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # The next Tab stop is the first link inside the page, not the menu again.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")
    assert page.evaluate(FOCUS_RING)


def test_every_lesson_fits_a_phone_without_sideways_scrolling(open_page):
    page = open_page("wang.lei", PHONE)
    for slug in LESSONS:
        page.goto(f"{COURSE}/{slug}")
        fits = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        assert page.evaluate(fits), slug


def test_quiz_options_show_where_the_keyboard_is(open_page):
    page = open_page("wang.lei", PHONE)
    page.goto(f"{COURSE}/{LESSONS[6]}/quiz")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('form[data-quiz] input')"):
            break
    assert page.evaluate(FOCUS_RING)
    # Options are whole rows: the label is at least 44 px tall and selects the option.
    label = page.locator("form[data-quiz] .option label").first
    assert label.bounding_box()["height"] >= 44
    label.click()
    assert page.locator("form[data-quiz] .option input").first.is_checked()


def test_a_printed_lesson_is_the_lesson_alone(open_page):
    page = open_page("wang.lei", DESKTOP)
    page.goto(f"{COURSE}/{LESSONS[3]}")
    page.emulate_media(media="print")
    for chrome in (".site-header", ".site-footer", ".lesson-actions", ".lesson-pager", ".breadcrumbs",
                   ".lesson-questions"):
        assert page.locator(chrome).is_hidden(), chrome
    assert page.locator("article.lesson > .prose").is_visible()


def test_a_first_visit_shows_the_start_button_above_the_fold(open_page, live_site):
    # A manager of their own: the demo's newcomer (he.jing) has started reading in other tests.
    from courseware.extensions import db
    from courseware.services.people.accounts import create_user

    with live_site.app_context():
        create_user(db.session, username="first.visit", full_name="First Visit", password=DEMO_PASSWORD)
    page = open_page("first.visit", {"width": 1280, "height": 800})
    page.goto("/")
    start = page.locator(".course-hero .button").first
    box = start.bounding_box()
    assert start.is_visible() and box is not None and box["y"] + box["height"] <= 800, box
    assert page.locator(".how-it-works").is_visible()  # still there, after the course
