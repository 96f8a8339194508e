"""HR's people list at a glance (issue 19): the last activity is a day, so the table fits a
1,280 px screen without scrolling sideways (the person's own page gives the time)."""
from __future__ import annotations

import re


def test_last_activity_is_shown_as_a_day_without_the_time(hr, course, company):
    page = hr.get("/hr/people?course=test-course").get_data(as_text=True)
    row = page[page.index(">Di Failed<"):]
    row = row[:row.index("</tr>")]
    last_activity = re.findall(r"<td[^>]*>([^<]*)</td>", row)[-1]
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", last_activity), last_activity
