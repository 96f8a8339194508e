"""The practice pages (tests/practice) in a real browser, on the live demo site: axe-core finds
no serious problem, nothing scrolls sideways on a phone, and a newcomer's day works without script."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, OUTPUT, PHONE, run_axe, screenshot
from tests.browser.test_accessibility import KNOWN_MINOR, SIDEWAYS, TOUCH_TARGETS

LESSON = "/courses/corporate-culture/habitual-thinking-and-organizational-inertia"
PAGES = {
    "practice-today": ("wang.lei", "/practice/today"),
    "practice-goals": ("wang.lei", "/practice/goals"),
    "practice-goal": ("wang.lei", "/practice/goals/{goal}"),
    "practice-focus": ("wang.lei", "/practice/focus/"),
    "practice-reflections": ("wang.lei", "/practice/reflections/"),
    "practice-reflection-box": ("wang.lei", LESSON),
    "practice-checks": ("gao.jun", "/practice/checks/"),
    "practice-dashboard-check": ("gao.jun", "/"),
    "practice-lesson-box": ("gao.jun", LESSON),
    "practice-shared": ("president", "/practice/reflections/shared"),
    "practice-shared-one": ("president", "/practice/reflections/{reflection}"),
    "practice-participation": ("hr.lin", "/practice/participation"),
}


@pytest.fixture(scope="module")
def ids(live_site):
    goal = live_site.query("SELECT g.id FROM practice_goal g JOIN user_account u ON u.id = g.user_id "
                           "WHERE u.username = 'wang.lei' AND g.parent_id IS NULL")
    reflection = live_site.query("SELECT id FROM practice_reflection WHERE shared_at IS NOT NULL")
    return {"goal": goal[0][0], "reflection": reflection[0][0]}


@pytest.mark.parametrize("viewport_name", ["desktop", "phone", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_practice_page_is_accessible_and_fits(name, viewport_name, open_page, ids):
    user, path = PAGES[name]
    page = open_page(user, DESKTOP if viewport_name == "desktop" else PHONE,
                     color_scheme="dark" if viewport_name == "dark" else "light")
    assert page.goto(path.format(**ids)).status == 200
    violations = run_axe(page)
    (OUTPUT / "axe").mkdir(parents=True, exist_ok=True)
    (OUTPUT / "axe" / f"{name}-{viewport_name}.json").write_text(json.dumps(violations, indent=1))
    screenshot(page, f"{name}-{viewport_name}", full_page=True)
    assert [v for v in violations if v[1] in ("serious", "critical")] == []
    assert [v for v in violations if v[0] not in KNOWN_MINOR] == [], violations
    if viewport_name == "phone":
        assert page.evaluate(SIDEWAYS) == []
    assert page.evaluate(TOUCH_TARGETS) == []


def test_a_newcomer_sets_goals_plans_the_day_and_answers_a_check(open_page):
    """The issue's "done means", in the browser: a half-year goal with three short-term goals, a day
    planned and summarized, a reflection, and the follow-up check on the dashboard."""
    page = open_page("gao.jun")
    page.goto("/practice/goals")
    page.fill("#title", "Domestic Trade: new-customer orders up 10 % this half-year")
    end = page.input_value("#target_on")  # the form suggests the rest of the current half-year
    page.click("text=Set the goal")
    for n, title in enumerate(("Call ten lapsed customers", "Train two staff on quotations",
                               "Review the order figures weekly"), start=1):
        page.fill("#title", title)
        page.fill("#measure", f"Step {n} checked by the team")
        page.fill("#target_on", end)
        page.click("text=Add the short-term goal")
        # The click returns once the next page starts loading; its message may not be parsed yet.
        expect(page.locator(".flash-success")).to_have_count(1)
    expect(page.locator(".practice-goal-list > li")).to_have_count(3)

    page.goto("/practice/today")
    page.fill("#most_important", "Call the first three lapsed customers")
    page.click("text=Save the plan")
    page.fill("#done", "Two called; one asked for a visit.")
    page.click("text=Save the summary")
    assert "Streak:" in page.locator(".practice-streak").inner_text()

    page.goto(LESSON)
    page.fill("#reflection-answer", "We still approve every discount twice because we always have.")
    page.click("text=Save my reflection")
    assert "Private: only you can read it" in page.content()

    page.goto("/")
    # The check is folded to one line, so "Recent quiz attempts" stays near; opened, it is the form.
    folded = page.locator("[data-dashboard-check]")
    assert not page.locator(".practice-dashboard form.practice-check").is_visible()
    assert folded.bounding_box()["height"] < 120
    folded.locator("summary").click()
    check = page.locator(".practice-dashboard form.practice-check")
    assert check.count() == 1 and check.is_visible()
    for fieldset in check.locator("fieldset").all():
        fieldset.locator("input").first.check()
    check.locator("text=Check my answers").click()
    assert "/practice/checks/" in page.url and "of 2" in page.locator(".result").inner_text()
