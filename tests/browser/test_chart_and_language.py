"""Issue 19's items 5 and 9 by behaviour in a real browser (the test client checks the markup):

- item 5, HR's overview chart: each bar's drawn width is proportional to the number of people its
  label shows (departments of different sizes compared with each other), the counts drawn inside
  their segments, the department names whole and not cut, and text of at least 12 px on a phone,
  in English and in Chinese;
- item 9, the language of parts: on a Chinese page (html lang="zh-CN") showing a lesson that has no
  Chinese version, the English parts' closest [lang] is "en", and the Chinese ones' is "zh-CN".
Screenshots go to test-output/screenshots/chart-*.png and language-of-parts-*.png."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot

# Every row of the chart as drawn: the label's text and size, the people its label says, the bar's
# drawn width (its segments' rectangles) and each count's box against its own segment's box.
ROWS = """() => [...document.querySelectorAll('[data-chart-row]')].map(row => {
  const label = row.querySelector('[data-chart-label]');
  const rects = [...row.querySelectorAll('svg rect')];
  const counts = [...row.querySelectorAll('svg text')].map(text => {
    const box = text.getBoundingClientRect();
    const middle = box.left + box.width / 2;
    const rect = rects.find(r => {
      const b = r.getBoundingClientRect();
      return b.left <= middle && middle <= b.right;
    });
    const seg = rect ? rect.getBoundingClientRect() : null;
    return {text: text.textContent, size: parseFloat(getComputedStyle(text).fontSize), height: box.height,
            inside: !!seg && box.left >= seg.left - 1 && box.right <= seg.right + 1};
  });
  const labelBox = label.getBoundingClientRect();
  return {name: label.textContent, people: row.querySelector('.chart-people').textContent,
          labelSize: parseFloat(getComputedStyle(label).fontSize),
          labelCut: label.scrollWidth > label.clientWidth + 1 || labelBox.right > window.innerWidth,
          width: rects.reduce((sum, r) => sum + r.getBoundingClientRect().width, 0), counts};
})"""


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_bars_are_as_long_as_their_people_and_read_on_a_phone(viewport, language, open_page, live_site):
    page = open_page("hr.lin", viewport, **({"locale": "zh-CN"} if language == "zh" else {}))
    page.goto("/hr/")
    rows = page.evaluate(ROWS)
    column = "name" if language == "en" else "coalesce(name_zh, name)"
    names = {name for (name,) in live_site.query(f"SELECT {column} FROM department")}
    assert len(rows) >= 3
    people = [int(re.sub(r"\D", "", row["people"])) for row in rows]
    assert len(set(people)) >= 2, people  # departments of different sizes
    largest = max(range(len(rows)), key=lambda i: people[i])
    for row, count in zip(rows, people, strict=True):
        # The drawn bars' widths stand to each other as their people do.
        assert abs(row["width"] / rows[largest]["width"] - count / people[largest]) < 0.01, (row, count)
        assert any(row["name"] == name or row["name"].endswith(name) for name in names), row["name"]
        assert "…" not in row["name"] and not row["labelCut"], row
        assert row["labelSize"] >= 12, row
        assert row["counts"], row
        assert sum(int(c["text"]) for c in row["counts"]) <= count
        for shown in row["counts"]:
            assert shown["inside"] and shown["size"] >= 12 and shown["height"] >= 12, (row["name"], shown)
    size = "desktop" if viewport is DESKTOP else "phone"
    chart = SCREENSHOTS / f"chart-hr-overview-{size}-{language}.png"
    page.locator("[data-chart]").screenshot(path=str(chart))


LESSON = "systems-thinking-deep-global-dynamic"

# Each part of the page: its closest [lang] (the language a screen reader speaks it in).
LANGUAGES = """() => {
  const of = el => el ? el.closest('[lang]').getAttribute('lang') : null;
  return {page: document.documentElement.getAttribute('lang'),
          title: of(document.querySelector('main h1')),
          text: of(document.querySelector('.prose p')),
          objective: of(document.querySelector('[data-objectives] li')),
          notice: of(document.querySelector('[data-not-translated]')),
          crumbs: of(document.querySelector('main .breadcrumbs'))};
}"""


@pytest.fixture
def english_only(live_site):
    """The lesson's Chinese version taken down, as the president's editor would, and put back after."""
    from courseware.extensions import db
    from courseware.models import Lesson
    from courseware.services.authoring import publishing

    with live_site.app_context():
        lesson = db.session.query(Lesson).filter_by(slug=LESSON).one()
        number = lesson.published_revision_in("zh_CN").number
        publishing.unpublish(db.session, lesson, language="zh_CN")
    try:
        yield LESSON
    finally:
        with live_site.app_context():
            lesson = db.session.query(Lesson).filter_by(slug=LESSON).one()
            publishing.publish(db.session, lesson, number, material=False, language="zh_CN")


def test_english_parts_of_a_chinese_page_say_they_are_english(english_only, open_page):
    page = open_page("zhang.wei", DESKTOP)  # reads the site in Chinese (the demo's DEMO_LANGUAGES)
    page.goto(f"/courses/corporate-culture/{english_only}")
    assert page.evaluate(LANGUAGES) == {"page": "zh-CN", "title": "en", "text": "en", "objective": "en",
                                        "notice": "zh-CN", "crumbs": "zh-CN"}
    screenshot(page, "language-of-parts-lesson-zh")
    # The lesson's name in the course outline is English too.
    page.goto("/courses/corporate-culture")
    link = page.locator(f"main a[href$='/{english_only}']").first
    name = "el => (el.querySelector('[lang]') || el).closest('[lang]').getAttribute('lang')"
    assert link.evaluate(name) == "en"
