"""HR's assignments and account import in a real browser (issue 19, items 6 and 7): the assignment
form on a phone without sideways scrolling, its department tree ticking sub-departments, its people
search keeping choices, its errors focused; an import's CSV downloaded once and its hand-out sheets
printed one person a page."""
from __future__ import annotations

import csv
import io

from tests.browser.conftest import DESKTOP, PHONE, screenshot

HR = "hr.lin"
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# Everything reaching past the right edge, except inside the boxes that scroll on their own (the
# tables, HR's sub-navigation).
TOO_WIDE = """() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                && !el.closest('.table-wrap, .subnav'))
  .map(el => el.tagName.toLowerCase() + '.' + el.className).slice(0, 5)"""


def _box(page, name: str):
    return page.locator(".department-tree label", has_text=name).first


def test_the_assignment_form_fits_a_phone_and_its_tree_ticks_sub_departments(open_page):
    page = open_page(HR, PHONE)
    page.goto("/hr/assignments")
    assert page.evaluate(FITS) and page.evaluate(TOO_WIDE) == []
    marketing = page.get_by_role("checkbox", name="Marketing Center")
    trade = page.get_by_role("checkbox", name="International Trade")
    marketing.check()
    assert trade.is_checked() and page.get_by_role("checkbox", name="Domestic Trade").is_checked()
    trade.uncheck()  # the parent no longer includes everything below it
    assert not marketing.is_checked() and page.get_by_role("checkbox", name="Domestic Trade").is_checked()
    screenshot(page, "hr-assignments-tree-phone", full_page=True)


def test_finding_people_keeps_the_choices_and_errors_take_focus(open_page):
    page = open_page(HR, PHONE)
    page.goto("/hr/assignments")
    page.get_by_role("checkbox", name="Finance Department").check()
    page.get_by_label("Find people by name, username or department").fill("international")
    with page.expect_navigation():  # the keyboard does not wait for the page it sends for, as a click does
        page.keyboard.press("Enter")  # Enter in the search field finds
    page.wait_for_load_state()
    assert page.get_by_role("checkbox", name="Finance Department").is_checked()
    assert page.get_by_role("status").filter(has_text="found for “international”").count() == 1
    page.get_by_role("checkbox", name="Wang Lei").check()
    page.get_by_label("Find people by name, username or department").fill("liu")
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    # Wang Lei, ticked before the second search, is among the people chosen.
    assert page.get_by_role("checkbox", name="Wang Lei").is_checked()
    assert page.evaluate(FITS) and page.evaluate(TOO_WIDE) == []
    # No due date: the summary takes focus and leads to the field.
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => location.hash") == "#due_on"
    assert page.evaluate(FITS) and page.evaluate(TOO_WIDE) == []
    screenshot(page, "hr-assignments-errors-phone", full_page=True)


CSV_TEXT = ("username,full_name,email,department,role\n"
            "browser.one,Browser One,,Domestic Trade,manager\n"
            "browser.two,Browser Two,,Finance Department,manager\n")


def test_an_import_gives_hand_out_sheets_then_the_csv_once(open_page, tmp_path):
    page = open_page(HR, DESKTOP, accept_downloads=True)
    page.goto("/hr/accounts/import")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_TEXT + "Bad Name,,,Nowhere,manager\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    items = page.locator("[data-error-summary] li").all_inner_texts()
    assert len(items) == 1 and items[0].startswith("Line 4: ")
    good = tmp_path / "people.csv"
    good.write_text(CSV_TEXT, encoding="utf-8")
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="2 accounts imported").is_visible()
    page.get_by_role("link", name="Open the hand-out sheets").click()
    page.wait_for_load_state()
    assert page.locator(".handout-sheet").count() == 2
    screenshot(page, "hr-handout-sheets", full_page=True)
    page.emulate_media(media="print")
    breaks = page.evaluate("() => [...document.querySelectorAll('.handout-sheet')]"
                           ".map(s => getComputedStyle(s).breakAfter)")
    assert breaks == ["page", "auto"]
    assert not page.locator(".site-header").is_visible()
    page.emulate_media(media="screen")
    assert page.get_by_role("button", name="Print the sheets").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the CSV (once)").click()
    rows = list(csv.DictReader(io.StringIO(
        open(download.value.path(), encoding="utf-8-sig").read())))
    assert [r["username"] for r in rows] == ["browser.one", "browser.two"]
    again = page.reload()
    assert again.status == 410 and page.get_by_role("heading", name="No longer available").is_visible()


def test_the_assignment_form_fits_a_phone_in_chinese_too(open_page):
    page = open_page(HR, PHONE, locale="zh-CN")
    page.goto("/hr/assignments?q=trade")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_text("勾选一个部门即包括其下属部门").is_visible()
    assert page.evaluate(FITS) and page.evaluate(TOO_WIDE) == []
    screenshot(page, "hr-assignments-search-phone-zh", full_page=True)
