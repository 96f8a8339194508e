"""The focus check: link a request to a goal, or decline it onto the not-to-do list."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import FocusItem
from courseware.services.errors import NotFound
from courseware.services.practice import focus as practice_focus
from courseware.services.practice import goals as practice_goals
from courseware.services.practice.common import InvalidFields
from courseware.services.practice.goals import GoalFields
from tests.practice.conftest import NOW, TODAY, form_errors


def goal_of(user, title="Raise repeat orders"):
    return practice_goals.create_goal(
        db.session,
        user,
        GoalFields(title=title, starts_on=date(2026, 7, 1), target_on=date(2026, 12, 31)),
        today=TODAY,
        now=NOW,
    )


def test_linked_and_declined_items(make_user):
    user = make_user()
    goal = goal_of(user)
    kept = practice_focus.triage(
        db.session, user, text="Quote for a top-20 customer", decision=str(goal.id), reason="", now=NOW
    )
    declined = practice_focus.triage(
        db.session,
        user,
        text="Sit on the canteen committee",
        decision="decline",
        reason="Not my goals this half",
        now=NOW,
    )
    assert (kept.goal, kept.declined) == (goal, False)
    assert (declined.goal, declined.declined, declined.reason) == (None, True, "Not my goals this half")
    lists = practice_focus.focus_lists(db.session, user)
    assert [i.text for i in lists.declined] == ["Sit on the canteen committee"]
    assert [i.text for i in lists.linked] == ["Quote for a top-20 customer"]


def test_a_decision_is_required_and_only_ones_own_goals_in_progress_count(make_user):
    user, other = make_user(), make_user()
    foreign = goal_of(other)
    with pytest.raises(InvalidFields) as raised:
        practice_focus.triage(db.session, user, text="", decision="", reason="r" * 301, now=NOW)
    assert raised.value.errors == {
        "text": "Write down the request or temptation in a few words.",
        "reason": "The note is too long: at most 300 characters (it has 301).",
        "decision": "Is it related to your goals? Link it to one of them, or decline it.",
    }
    with pytest.raises(InvalidFields) as raised:
        practice_focus.triage(db.session, user, text="x", decision=str(foreign.id), reason="", now=NOW)
    assert raised.value.errors == {"decision": "Choose one of your goals in progress, or decline it."}
    done = goal_of(user)
    practice_goals.mark_progress(db.session, done, 100, "", now=NOW)
    with pytest.raises(InvalidFields):
        practice_focus.triage(db.session, user, text="x", decision=str(done.id), reason="", now=NOW)
    assert db.session.scalar(sa.select(sa.func.count(FocusItem.id))) == 0


def test_only_the_owner_removes_an_item(make_user):
    user, other = make_user(), make_user()
    item = practice_focus.triage(db.session, user, text="x", decision="decline", reason="", now=NOW)
    with pytest.raises(NotFound):
        practice_focus.delete_item(db.session, other, item.id)
    practice_focus.delete_item(db.session, user, item.id)
    assert db.session.scalar(sa.select(sa.func.count(FocusItem.id))) == 0


def test_the_focus_page(manager, clock):
    goal = goal_of(manager.user)
    page = manager.get("/practice/focus/").get_data(as_text=True)
    assert f'<option value="{goal.id}">Long-term: Raise repeat orders</option>' in page
    assert '<option value="decline">Not related to my goals: decline it</option>' in page
    response = manager.post(
        "/practice/focus/",
        data={"text": "Golf on Friday", "decision": "decline", "reason": "Friday is for customer calls"},
    )
    assert response.status_code == 303
    page = manager.get("/practice/focus/").get_data(as_text=True)
    assert "Declined: it is on your not-to-do list." in page
    not_to_do = page.split('id="not-to-do-title"')[1].split('id="kept-title"')[0]
    assert "Golf on Friday" in not_to_do and "Friday is for customer calls" in not_to_do
    response = manager.post("/practice/focus/", data={"text": "", "decision": ""})
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == [
        "Write down the request or temptation in a few words.",
        "Is it related to your goals? Link it to one of them, or decline it.",
    ]


def test_without_goals_the_page_says_so(manager, clock):
    page = manager.get("/practice/focus/").get_data(as_text=True)
    assert "You have no goals in progress" in page
