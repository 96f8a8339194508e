"""Every main page, on a desktop and at 360 px: axe-core finds no serious or critical problem, the
page does not scroll sideways on a phone, controls are at least 44 px tall, and a screenshot of it
is saved in test-output/screenshots/."""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import DESKTOP, OUTPUT, PHONE, run_axe, screenshot

REPORT = OUTPUT / "axe"

COURSE = "/courses/corporate-culture"
MANAGER = "wang.lei"  # six of eight lessons done, attempts failed and passed


def _values(site) -> dict:
    def one(sql, *params):
        rows = site.query(sql, *params)
        assert rows, sql
        return rows[0][0]

    manager_id = one("SELECT id FROM user_account WHERE username = ?", MANAGER)
    return {
        "manager_id": manager_id,
        "attempt": one("SELECT max(id) FROM quiz_attempt WHERE user_id = ? AND state = 'submitted'",
                       manager_id),
        "certificate": one("SELECT c.code FROM certificate c JOIN user_account u ON u.id = c.user_id "
                           "WHERE u.username = 'gao.jun'"),
        "lesson_id": one("SELECT id FROM lesson WHERE slug = 'habitual-thinking-and-organizational-inertia'"),
        "course_id": one("SELECT id FROM course WHERE slug = 'corporate-culture'"),
    }


# Minor findings in the course's text, not in the site: some lesson tables leave their first header
# cell empty (a row-label column), which axe reports as "empty-table-header" (minor).
KNOWN_MINOR = {"empty-table-header"}

# name -> (who is signed in, path)
PAGES = {
    "login": (None, "/login"),
    "dashboard": (MANAGER, "/"),
    "dashboard-first-visit": ("he.jing", "/"),
    "outline": (MANAGER, COURSE),
    # Lesson 4 holds the demo's questions: one answered and pinned, one anonymous (ops/demo_questions.py).
    "lesson": (MANAGER, COURSE + "/habitual-thinking-and-organizational-inertia"),
    "lesson-as-president": ("president", COURSE + "/habitual-thinking-and-organizational-inertia"),
    "quiz": (MANAGER, COURSE + "/focus-from-vision-to-goals/quiz"),
    "review": (MANAGER, "/attempts/{attempt}"),
    "me": (MANAGER, "/me"),
    "account": (MANAGER, "/account"),
    "notifications": (MANAGER, "/notifications"),
    "certificate": (None, "/certificates/{certificate}"),
    "hr-overview": ("hr.lin", "/hr/"),
    "hr-people": ("hr.lin", "/hr/people"),
    "hr-person": ("hr.lin", "/hr/people/{manager_id}"),
    "hr-questions": ("hr.lin", "/hr/questions"),
    "hr-assignments": ("hr.lin", "/hr/assignments"),
    # The people picker with the matches of a search (the department tree above it).
    "hr-assignments-search": ("hr.lin", "/hr/assignments?q=trade"),
    "hr-import": ("hr.lin", "/hr/accounts/import"),
    "hr-certificate-settings": ("hr.lin", "/hr/courses/{course_id}/certificate"),
    "hr-accounts": ("hr.lin", "/hr/accounts"),
    "hr-notifications": ("hr.lin", "/hr/notifications"),
    "hr-departments": ("hr.lin", "/hr/departments"),
    "team-overview": ("chen.yong", "/team"),
    "team-people": ("chen.yong", "/team/people"),
    "author-index": ("president", "/author/"),
    "author-editor": ("president", "/author/lessons/{lesson_id}/edit"),
    "author-quiz": ("president", "/author/lessons/{lesson_id}/quiz"),
    "author-insights": ("president", "/author/insights"),
    "author-pulse-new": ("president", "/author/pulses/new"),
    "hr-insights": ("hr.lin", "/hr/insights"),
    "author-hosts": ("president", "/author/hosts"),
    "error-404": (MANAGER, "/no/such/page"),
    "error-403": (MANAGER, "/hr/"),
}

# Interactive elements that must be comfortable to touch (links inside running text are exempt).
TOUCH_TARGETS = """() => {
  const selector = 'button, .button, select, textarea, input:not([type=hidden]):not([type=radio])'
    + ':not([type=checkbox]), nav a, .option label, .field.checkbox label, .pager a';
  return [...document.querySelectorAll(selector)]
    .filter(el => el.offsetParent !== null && !el.closest('.skip-link, [hidden]'))
    .map(el => { const r = el.getBoundingClientRect();
                 return [el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''),
                         (el.textContent || el.name || '').trim().slice(0, 40), Math.round(r.height)]; })
    .filter(([, , height]) => height < 44);
}"""


# Elements reaching past the right edge of the page (outside boxes that scroll on their own).
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5
                  && !el.closest('.table-wrap, .preview-pane, .subnav'))
    .slice(-5)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.fixture(scope="module")
def values(live_site):
    return _values(live_site)


@pytest.mark.parametrize("viewport_name", ["desktop", "phone", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible_and_fits(name, viewport_name, open_page, values):
    user, path = PAGES[name]
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    page = open_page(user, viewport, color_scheme="dark" if viewport_name == "dark" else "light")
    response = page.goto(path.format(**values))
    expected = 404 if name == "error-404" else 403 if name == "error-403" else 200
    assert response.status == expected
    violations = run_axe(page)
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{name}-{viewport_name}.json").write_text(json.dumps(violations, indent=1))
    serious = [v for v in violations if v[1] in ("serious", "critical")]
    screenshot(page, f"{name}-{viewport_name}")
    assert serious == [], serious
    # Lesser findings are allowed only where they are known and come from the course's own text.
    assert [v for v in violations if v[0] not in KNOWN_MINOR] == [], violations
    if viewport_name == "phone":
        overflow = page.evaluate(SIDEWAYS)
        assert overflow == [], f"{name} scrolls sideways at 360px; too wide: {overflow}"
    assert page.evaluate(TOUCH_TARGETS) == []
