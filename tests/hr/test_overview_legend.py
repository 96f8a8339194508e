"""HR's overview (issue 19's review, by page): the chart's legend lists only the states someone is in,
and "Where people stall" keeps each figure with its percentage on one line."""
from __future__ import annotations

import re
from datetime import date, datetime

from courseware.extensions import db
from courseware.models import Assignment
from courseware.services.reports import completion


def _legend(page: str) -> list[str]:
    return re.findall(r'<li data-legend="([a-z_]+)">', page)


def test_the_legend_names_only_the_states_someone_is_in(hr, course, make_user, monkeypatch):
    monkeypatch.setattr(completion, "utcnow", lambda: datetime(2026, 12, 2, 4, 0))
    late = make_user(full_name="Al Late")
    make_user(full_name="Bo Calm")
    page = hr.get("/hr/?course=test-course").get_data(as_text=True)
    assert _legend(page) == ["not_started"]
    assert "Overdue</li>" not in page and "Refresh due</li>" not in page

    db.session.add(Assignment(course=course, user_id=late.id, due_on=date(2026, 11, 30)))
    db.session.commit()
    assert _legend(hr.get("/hr/?course=test-course").get_data(as_text=True)) == ["overdue", "not_started"]


def test_where_people_stall_keeps_a_figure_and_its_percentage_together(hr, course, make_user):
    make_user(full_name="Al Wu")
    page = hr.get("/hr/?course=test-course").get_data(as_text=True)
    stall = page[page.index("Where people stall"):]
    cells = re.findall(r'<td class="nowrap">\d+ <span class="muted">\(\d+%\)</span></td>', stall)
    assert len(cells) >= 3 * 2  # opened, read and completed of both lessons
