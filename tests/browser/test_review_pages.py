"""The experience review's page list (issue 19, "Further problems, by page"), checked by what a browser
lays out: HR People's Due column and headers, the HR overview's legend and "Where people stall", the
certificate printed on one A4 page in both languages, and on a phone the breadcrumbs on one line, the
quiz's submit row out of the way, practice's tabs in one row; the practice calendar filling its card;
the dashboard's follow-up check folded."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, OUTPUT, PHONE, screenshot

HR = "hr.lin"
QUIZ = "/courses/corporate-culture/habitual-thinking-and-organizational-inertia/quiz"
# Each column head's text, where it starts on the screen.
HEAD_TOPS = """() => [...document.querySelectorAll('.data-table thead th')]
  .filter(th => !th.querySelector('.visually-hidden'))
  .map(th => { const r = document.createRange(); r.selectNodeContents(th);
               return Math.round(r.getClientRects()[0].top * 10) / 10; })"""


def test_hr_people_shows_every_due_state_and_its_heads_line_up(open_page):
    page = open_page(HR, DESKTOP)
    page.goto("/hr/people?sort=due")
    assert len(set(page.evaluate(HEAD_TOPS))) == 1, "a column's head sits higher or lower than the others"
    cells = [" ".join(cell.split())
             for cell in page.locator(".data-table tbody td:nth-child(7)").all_inner_texts()]
    text = " | ".join(cells)
    # The demo: Sun Hao late, Tax-free Business due within a week, International Trade and Finance
    # on time, Liu Fang complete, and the people nobody assigned the course without a due date.
    assert re.match(r"Overdue (· )?\d+ \w+ \d{4}$", cells[0]), text
    for state in ("Due soon ", "On time ", "Complete", "No due date"):
        assert state in text, (state, text)
    assert cells[-1] == "No due date"
    page.get_by_role("link", name="No due date").first.click()
    assert "not assigned" in page.locator("#due-none-note").inner_text()
    screenshot(page, "hr-people-due", full_page=True)
    page.select_option("#f-due", "none")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert set(page.locator(".data-table tbody td:nth-child(7)").all_inner_texts()) == {"No due date"}


def test_hr_people_fits_a_desktop_and_its_filters_labels_share_a_line(open_page):
    page = open_page(HR, DESKTOP)
    for address in ("/hr/people", "/hr/people?sort=activity"):
        page.goto(address)
        table = page.locator(".table-wrap").first
        assert table.evaluate("box => box.scrollWidth <= box.clientWidth"), "the table scrolls sideways"
    labels = page.locator("form.filters .field label").evaluate_all(
        "labels => labels.map(l => Math.round(l.getBoundingClientRect().top))")
    # The first row of filters (all but "Sort by", which wraps under them) on one line.
    assert len(set(labels[:-1])) == 1, labels


def test_hr_overview_legend_and_stall_table(open_page):
    page = open_page(HR, DESKTOP)
    page.goto("/hr/")
    legend = page.locator("[data-legend]").evaluate_all("items => items.map(i => i.dataset.legend)")
    # The demo has nobody with an expired certificate or a refresh due: the key does not list them.
    assert "expired" not in legend and "refresh_due" not in legend and "overdue" in legend
    lines = page.locator(".data-table td.nowrap").evaluate_all("""cells => cells.map(c => {
        const r = document.createRange(); r.selectNodeContents(c);
        return new Set([...r.getClientRects()].map(rect => Math.round(rect.bottom))).size; })""")
    assert lines and set(lines) == {1}, "a figure and its percentage wrapped"
    screenshot(page, "hr-overview-legend", full_page=True)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_certificate_prints_on_one_a4_page(open_page, live_site, language):
    code = live_site.query("SELECT c.code FROM certificate c JOIN user_account u ON u.id = c.user_id "
                           "WHERE u.username = 'gao.jun' AND c.replaced_by_id IS NULL")[0][0]
    page = open_page(None, DESKTOP, locale=language, extra_http_headers={"Accept-Language": language})
    page.goto(f"/certificates/{code}")
    assert page.locator(".signature-line").is_visible()
    assert page.locator(".signatory").inner_text() == "Zhao Ming"
    address = page.locator("[data-verification-url]").inner_text()
    assert address.replace("\n", "") == f"127.0.0.1:5000/certificates/{code}"  # no scheme
    summary = page.locator("[data-certificate-summary]").inner_text()
    assert re.search(r"8 lessons and their quizzes · \d+ minutes of reading|共 8 课及其测验 · 阅读 \d+ 分钟",
                     summary), summary
    screenshot(page, f"certificate-{language}")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (OUTPUT / f"certificate-{language}.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1, "the certificate prints on more than one page"
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    screenshot(page, f"certificate-print-{language}", full_page=True)


def test_on_a_phone_crumbs_stay_on_one_line_and_the_submit_row_waits_at_the_end(open_page):
    page = open_page("wang.lei", PHONE)
    page.goto(QUIZ)
    crumbs = page.locator(".breadcrumbs li").evaluate_all(
        "items => items.map(li => Math.round(li.getBoundingClientRect().top))")
    assert len(crumbs) == 2 and len(set(crumbs)) == 1, "the second crumb wrapped onto a line of its own"
    assert page.locator(".breadcrumbs").bounding_box()["height"] <= 52
    # The submit row no longer covers the questions: it is below the fold until the reader gets there.
    bar = page.locator(".quiz-submit").bounding_box()
    assert bar["y"] > PHONE["height"]
    screenshot(page, "quiz-phone-crumbs")


def test_practice_tabs_fit_one_row_on_a_phone_and_the_calendar_fills_its_card(open_page):
    page = open_page("wang.lei", PHONE)
    page.goto("/practice/today")
    tabs = page.locator(".subnav li").evaluate_all(
        "items => items.map(li => Math.round(li.getBoundingClientRect().top))")
    assert len(set(tabs)) == 1, "the practice tabs wrapped onto two rows"
    desktop = open_page("wang.lei", DESKTOP)
    desktop.goto("/practice/today")
    card = desktop.locator("#calendar").bounding_box()
    grid = desktop.locator(".practice-calendar").bounding_box()
    side = desktop.locator(".practice-cal-side").bounding_box()
    assert grid["width"] > 0.6 * card["width"] and side["x"] > grid["x"] + grid["width"]
    cell = desktop.locator(".practice-calendar td").first.bounding_box()
    assert cell["width"] >= 48 and cell["height"] >= 48
    desktop.locator("#calendar").screenshot(path=str(OUTPUT / "screenshots" / "practice-calendar.png"))


def test_the_dashboards_follow_up_check_is_folded_above_recent_attempts(open_page):
    page = open_page("gao.jun", DESKTOP)
    page.goto("/")
    folded = page.locator("[data-dashboard-check]")
    assert folded.get_attribute("open") is None and folded.bounding_box()["height"] <= 60
    recent = page.get_by_role("heading", name="Recent quiz attempts").bounding_box()
    assert recent["y"] < 1300  # about 1,600 px down when the check's questions were open on the page
    screenshot(page, "dashboard-check-folded", full_page=True)
