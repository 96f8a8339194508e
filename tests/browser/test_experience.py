"""The experience, round two (issue 19), by behaviour in a real browser on the live demo site:

- no silent form: every form submitted empty comes back with its error summary focused, in view,
  announced (role=alert) and linking to each field;
- a failed review is not a dead end: the verdict and the next action at its top and at its bottom;
- the header fits a phone: one row (at most 64 px) for every role at 360 × 740, the navigation behind
  a menu button, "Sign out" in the account menu; the president's menu on one row at 1280 px; HR's
  sub-navigation one scrollable row;
- the HR overview chart: bars proportional to people, counts on them, full department names, text of
  12 px or more on a phone.
Screenshots of each page at 1280 and 360 go to test-output/screenshots/experience-*.png."""
from __future__ import annotations

import pytest

from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, PHONE, SCREENSHOTS, run_axe, screenshot
from tests.browser.test_accessibility import KNOWN_MINOR, SIDEWAYS

COURSE = "/courses/corporate-culture"

# The summary has focus, is announced, is on screen, and links to fields that exist on the page.
SUMMARY_STATE = """() => {
  const summary = document.activeElement;
  if (!summary || !summary.matches('[data-error-summary]'))
    return 'focus is on ' + (summary ? summary.tagName + '.' + summary.className : 'nothing');
  if (summary.getAttribute('role') !== 'alert') return 'the summary is not role=alert';
  const box = summary.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight - 40) return 'the summary is off screen: ' + box.top;
  const links = [...summary.querySelectorAll('a[href^="#"]')];
  if (!links.length) return 'the summary links to no field';
  for (const link of links) {
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return 'no field ' + link.hash;
    if (!target.matches('input, select, textarea, fieldset, li, [tabindex]'))
      return link.hash + ' is a ' + target.tagName;
  }
  return 'ok';
}"""


@pytest.fixture(scope="module")
def ids(live_site):
    def one(sql):
        rows = live_site.query(sql)
        assert rows, sql
        return rows[0][0]

    return {
        "goal": one("SELECT g.id FROM practice_goal g JOIN user_account u ON u.id = g.user_id "
                    "WHERE u.username = 'wang.lei' AND g.parent_id IS NULL AND g.deleted_at IS NULL"),
        "lesson": one("SELECT id FROM lesson WHERE slug = 'performance-goal-and-effect'"),
    }


# name -> (who, path, what to clear first (selectors), the submit button)
FORMS = {
    "long-term goal": ("liu.fang", "/practice/goals", (), "#new-goal button[type=submit]"),
    "short-term goal": ("wang.lei", "/practice/goals/{goal}", (),
                        "form[action$='/short-term'] button[type=submit]"),
    "goal progress": ("wang.lei", "/practice/goals/{goal}", (".practice-progress-form input[name=progress]",),
                      ".practice-progress-form button[type=submit]"),
    "goal edit": ("wang.lei", "/practice/goals/{goal}/edit", ("#title",), "main form button[type=submit]"),
    "daily plan": ("liu.fang", "/practice/today", ("#most_important", "#do_well"),
                   "form[action$='/today/plan'] button[type=submit]"),
    "daily summary": ("liu.fang", "/practice/today", ("#done", "#learned", "#tomorrow"),
                      "form[action$='/today/summary'] button[type=submit]"),
    "focus check": ("liu.fang", "/practice/focus/", (), "main form[novalidate] button[type=submit]"),
    "reflection": ("sun.hao", "/practice/reflections/lessons/{lesson}", ("#answer",),
                   "main form button[type=submit]"),
    "follow-up check": ("gao.jun", "/practice/checks/", (), "form.practice-check button:not([formaction])"),
    "new course": ("president", "/author/", (), "#new-course button[type=submit]"),
    "new module": ("president", "/author/", (), "form.inline-create button[type=submit]"),
    "new department": ("hr.lin", "/hr/departments", (), "#new-department button[type=submit]"),
    "new account": ("hr.lin", "/hr/accounts/new", (), "main form button[type=submit]"),
}


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(FORMS))
def test_a_form_sent_empty_says_what_to_fix_first(name, viewport_name, open_page, ids):
    user, path, clear, submit = FORMS[name]
    page = open_page(user, DESKTOP if viewport_name == "desktop" else PHONE)
    assert page.goto(path.format(**ids)).status == 200, name
    for selector in clear:
        page.fill(selector, "")
    page.locator(submit).first.click()
    page.wait_for_load_state()
    assert page.evaluate(SUMMARY_STATE) == "ok", name
    slug = name.replace(" ", "-")
    screenshot(page, f"experience-form-{slug}-{viewport_name}")
    # Each link takes the reader to its field.
    link = page.locator("[data-error-summary] a").first
    target = link.get_attribute("href")[1:]
    link.click()
    assert page.evaluate("(id) => { const r = document.getElementById(id).getBoundingClientRect();"
                         " return r.bottom > 0 && r.top < window.innerHeight; }", target), name


def _failed_attempt(live_site) -> tuple[str, int]:
    rows = live_site.query(
        "SELECT u.username, a.id FROM quiz_attempt a JOIN user_account u ON u.id = a.user_id "
        "JOIN quiz_version v ON v.id = a.quiz_version_id "
        "WHERE a.state = 'submitted' AND a.score < v.pass_mark ORDER BY a.id")
    assert rows, "the demo company has no failed attempt"
    return rows[0][0], rows[0][1]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_failed_review_says_what_next_at_both_ends(viewport, open_page, live_site):
    user, attempt = _failed_attempt(live_site)
    page = open_page(user, viewport)
    assert page.goto(f"/attempts/{attempt}").status == 200
    for where in ("top", "bottom"):
        actions = page.locator(f"[data-next-steps={where}]")
        texts = actions.locator("a").all_inner_texts()
        assert "Read the lesson again" in texts, (where, texts)
        assert "Take the quiz again" in texts or actions.inner_text().startswith("You have used all"), texts
    assert "Not passed" in page.locator(".result-again h2").inner_text()
    size = "desktop" if viewport is DESKTOP else "phone"
    screenshot(page, f"experience-review-top-{size}")
    # At the end of a long review, the verdict and the next step are on screen.
    page.keyboard.press("End")
    page.wait_for_function("() => window.scrollY + window.innerHeight >= document.body.scrollHeight - 2")
    screenshot(page, f"experience-review-bottom-{size}")
    bottom = page.locator("[data-next-steps=bottom] a").first
    box = bottom.bounding_box()
    assert box and 0 <= box["y"] <= viewport["height"] - box["height"]
    bottom.click()
    page.wait_for_load_state()
    assert page.url.endswith(("/quiz", COURSE.split("/")[-1])) or "/courses/" in page.url


HEADER_HEIGHT = "() => document.querySelector('.site-header').getBoundingClientRect().height"
ROLES = {"manager": "liu.fang", "line manager": "chen.yong", "hr": "hr.lin", "president": "president"}


@pytest.mark.parametrize("role", list(ROLES))
def test_the_header_is_one_row_on_a_phone_with_the_navigation_behind_a_menu(role, open_page):
    page = open_page(ROLES[role], PHONE)
    page.goto("/hr/" if role in ("hr", "president") else "/")
    assert page.evaluate(HEADER_HEIGHT) <= 64, role
    assert page.evaluate(SIDEWAYS) == [], role
    nav_links = page.locator("nav.menu-nav a")
    assert not nav_links.first.is_visible()
    screenshot(page, f"experience-header-{role.replace(' ', '-')}-phone")
    page.get_by_text("Menu", exact=True).click()
    assert nav_links.first.is_visible()
    labels = nav_links.all_inner_texts()
    assert labels[:3] == ["Dashboard", "My progress", "Practice"], labels
    if role in ("hr", "president"):
        assert "Reports" in labels
        # HR's sub-navigation is one row, that scrolls sideways by itself.
        subnav = page.locator("nav.subnav[aria-label=HR]")
        assert subnav.bounding_box()["height"] <= 50
    screenshot(page, f"experience-menu-{role.replace(' ', '-')}-phone")
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    assert not nav_links.first.is_visible()
    axe = [v for v in run_axe(page) if v[0] not in KNOWN_MINOR]
    assert axe == [], axe


def test_sign_out_is_in_the_account_menu(open_page):
    page = open_page(None, PHONE)  # signed in here, so that signing out ends no other test's session
    page.goto("/login")
    page.fill("#username", "he.jing")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/")
    sign_out = page.get_by_role("button", name="Sign out")
    assert not sign_out.is_visible()  # not one tap away: inside the account menu
    page.locator(".account-menu summary").click()
    assert page.get_by_role("link", name="Your account").is_visible()
    screenshot(page, "experience-account-menu-phone")
    sign_out.click()
    page.wait_for_url("**/login**")
    assert page.locator("input#username").is_visible()


def test_the_presidents_menu_is_one_row_at_1280(open_page):
    page = open_page("president", DESKTOP)
    page.goto("/author/")
    assert page.evaluate(HEADER_HEIGHT) <= 72
    tops = page.evaluate("() => [...document.querySelectorAll('nav.main-nav a')]"
                         ".map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(tops) == 6 and len(set(tops)) == 1, tops
    assert page.locator(".who-name").inner_text() == "Zhao Ming"
    screenshot(page, "experience-header-president-desktop")


CHART = """() => [...document.querySelectorAll('[data-chart-row]')].map(row => {
  const svg = row.querySelector('svg');
  const bar = [...svg.querySelectorAll('rect')].reduce((sum, r) => sum + r.getBoundingClientRect().width, 0);
  const label = row.querySelector('[data-chart-label]');
  const counts = [...svg.querySelectorAll('text')];
  return {name: label.textContent, labelSize: parseFloat(getComputedStyle(label).fontSize),
          labelCut: label.scrollWidth > label.clientWidth + 1,
          share: bar / svg.getBoundingClientRect().width,
          expected: Number(svg.dataset.people) / Number(svg.dataset.largest),
          counts: counts.map(t => t.textContent),
          countSizes: counts.map(t => t.getBoundingClientRect().height),
          segments: [...svg.querySelectorAll('rect')].map(r => r.dataset.segment)};
})"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_overview_chart_reads_at_a_glance(viewport, open_page, live_site):
    page = open_page("hr.lin", viewport)
    page.goto("/hr/")
    rows = page.evaluate(CHART)
    departments = {name for (name,) in live_site.query("SELECT name FROM department")}
    assert len(rows) >= 3
    people = [row["expected"] for row in rows]
    assert max(people) == 1 and min(people) < 1  # not every bar stretched to the full width
    for row in rows:
        assert any(row["name"] == name or row["name"].endswith(name) for name in departments), row["name"]
        assert "…" not in row["name"] and not row["labelCut"]
        assert abs(row["share"] - row["expected"]) < 0.01, row
        assert row["labelSize"] >= 12 and all(size >= 12 for size in row["countSizes"]), row
        assert row["counts"] and all(count.isdigit() for count in row["counts"]), row
    size = "desktop" if viewport is DESKTOP else "phone"
    screenshot(page, f"experience-hr-overview-{size}", full_page=True)
    page.locator("[data-chart]").screenshot(path=str(SCREENSHOTS / f"experience-hr-chart-{size}.png"))
    if viewport is PHONE:
        assert page.evaluate(SIDEWAYS) == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_header_in_chinese_is_one_row_too(viewport, open_page):
    page = open_page("zhang.wei", viewport)  # reads the site in Chinese (the demo's DEMO_LANGUAGES)
    page.goto("/practice/goals")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.evaluate(HEADER_HEIGHT) <= (64 if viewport is PHONE else 72)
    size = "desktop" if viewport is DESKTOP else "phone"
    if viewport is PHONE:
        page.get_by_text("菜单", exact=True).click()
        assert page.locator("nav.menu-nav a").first.inner_text() == "我的主页" or page.locator(
            "nav.menu-nav a").first.is_visible()
    page.locator("#new-goal button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate(SUMMARY_STATE) == "ok"
    screenshot(page, f"experience-zh-goal-form-{size}")
