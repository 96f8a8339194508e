"""My goals: long-term goals with a period, short-term goals inside it, progress, deletion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import DailyEntry, FocusItem, Goal, GoalUpdate
from courseware.services.errors import NotFound, ValidationError
from courseware.services.practice import goals as practice_goals
from courseware.services.practice.common import InvalidFields
from courseware.services.practice.goals import GoalFields
from tests.practice.conftest import NOW, TODAY, form_errors

H2_START, H2_END = date(2026, 7, 1), date(2026, 12, 31)


def half_year(user, **fields) -> Goal:
    values = {
        "title": "Repeat orders from the top 20 customers up 15 %",
        "starts_on": H2_START,
        "target_on": H2_END,
        **fields,
    }
    return practice_goals.create_goal(db.session, user, GoalFields(**values), today=TODAY, now=NOW)


def short(
    user, parent, title="Visit the top 5 customers", target=date(2026, 12, 10), measure="5 visit notes"
):
    return practice_goals.create_goal(
        db.session,
        user,
        GoalFields(title=title, measure=measure, target_on=target),
        today=TODAY,
        now=NOW,
        parent=parent,
    )


def refused(call) -> dict[str, str]:
    with pytest.raises(InvalidFields) as raised:
        call()
    return raised.value.errors


def test_a_half_year_goal_with_three_short_term_goals(make_user, lessons):
    user = make_user()
    goal = half_year(user, lesson_id=lessons[0].id)
    for n, day in enumerate((date(2026, 12, 1), date(2026, 12, 15), H2_END), start=1):
        short(user, goal, title=f"Step {n}", target=day)
    db.session.expire_all()
    [listed] = practice_goals.long_term_goals(db.session, user)
    assert [child.title for child in listed.children] == ["Step 1", "Step 2", "Step 3"]
    assert listed.lesson_id == lessons[0].id and listed.is_long_term
    assert len(practice_goals.active_goals(db.session, user)) == 4


def test_every_field_problem_is_reported_at_once(make_user):
    user = make_user()
    errors = refused(
        lambda: practice_goals.create_goal(
            db.session, user, GoalFields(title="  ", target_on=None), today=TODAY, now=NOW
        )
    )
    assert errors == {"title": "Give the goal a title.", "target_on": "Choose when the period ends."}
    errors = refused(lambda: half_year(user, title="x" * 201, measure="m" * 501))
    assert "at most 200 characters (it has 201)" in errors["title"]
    assert "at most 500 characters (it has 501)" in errors["measure"]


def test_dates_in_the_past_are_refused_but_a_period_may_have_started(make_user):
    user = make_user()
    errors = refused(lambda: half_year(user, target_on=TODAY - timedelta(days=1)))
    assert errors["target_on"] == "24 November 2026 is in the past; choose today or a later date."
    assert half_year(user, starts_on=date(2026, 1, 1)).starts_on == date(2026, 1, 1)
    errors = refused(lambda: half_year(user, starts_on=H2_END))
    assert errors["starts_on"] == "The period must end after it starts."
    errors = refused(lambda: half_year(user, starts_on=TODAY, target_on=TODAY + timedelta(days=3 * 366 + 1)))
    assert "at most three years" in errors["target_on"]


def test_a_short_term_goal_needs_a_measure_and_a_date_inside_the_period(make_user):
    user = make_user()
    goal = half_year(user)
    errors = refused(lambda: short(user, goal, measure="", target=date(2027, 1, 5)))
    assert errors["measure"].startswith("Say how you will know it is done")
    assert errors["target_on"] == (
        "Choose a date inside the long-term goal's period, 1 July 2026 to 31 December 2026."
    )
    errors = refused(lambda: short(user, goal, target=date(2026, 11, 1)))
    assert "in the past" in errors["target_on"]


def test_short_term_goals_belong_to_the_owner_and_nest_one_level(make_user):
    owner, other = make_user(), make_user()
    goal = half_year(owner)
    step = short(owner, goal)
    with pytest.raises(NotFound):
        short(other, goal)
    with pytest.raises(NotFound):
        short(owner, step)
    with pytest.raises(NotFound):
        practice_goals.get_own_goal(db.session, other, goal.id)


def test_the_period_cannot_shrink_past_its_short_term_goals(make_user):
    user = make_user()
    goal = half_year(user)
    short(user, goal, title="Late step", target=date(2026, 12, 20))
    errors = refused(
        lambda: practice_goals.update_goal(
            db.session,
            goal,
            GoalFields(title=goal.title, starts_on=H2_START, target_on=date(2026, 12, 15)),
            today=TODAY,
            now=NOW,
        )
    )
    assert "“Late step” (20 December 2026)" in errors["target_on"]


def test_a_date_already_passed_may_stay_when_editing_other_fields(make_user):
    user = make_user()
    goal = half_year(user)
    step = short(user, goal, target=date(2026, 12, 1))
    later = date(2026, 12, 5)
    practice_goals.update_goal(
        db.session,
        step,
        GoalFields(title="Renamed", measure="m", target_on=step.target_on),
        today=later,
        now=NOW,
    )
    assert step.title == "Renamed"
    errors = refused(
        lambda: practice_goals.update_goal(
            db.session,
            step,
            GoalFields(title="Renamed", measure="m", target_on=date(2026, 12, 2)),
            today=later,
            now=NOW,
        )
    )
    assert "in the past" in errors["target_on"]


def test_a_goal_may_name_only_a_published_lesson(make_user, lessons):
    user = make_user()
    lessons[1].published_revision_id = None
    db.session.commit()
    errors = refused(lambda: half_year(user, lesson_id=lessons[1].id))
    assert errors == {"lesson_id": "Choose one of the published lessons, or none."}


def test_progress_is_marked_in_percent_and_100_means_done(make_user):
    user = make_user()
    goal = half_year(user)
    practice_goals.mark_progress(db.session, goal, 40, "  Two customers   visited ", now=NOW)
    assert goal.progress == 40 and goal.done_at is None
    practice_goals.mark_progress(db.session, goal, 100, "", now=NOW)
    assert goal.done_at == NOW
    assert goal not in practice_goals.active_goals(db.session, user)
    practice_goals.mark_progress(db.session, goal, 90, "One order fell through", now=NOW)
    assert goal.done_at is None
    notes = db.session.scalars(
        sa.select(GoalUpdate.note).where(GoalUpdate.goal_id == goal.id).order_by(GoalUpdate.id)
    ).all()
    assert notes == ["Two customers visited", "", "One order fell through"]
    assert refused(lambda: practice_goals.mark_progress(db.session, goal, 101, "", now=NOW)) == {
        "progress": "Progress is a whole number from 0 to 100 (percent)."
    }
    assert (
        "already at 90%"
        in refused(lambda: practice_goals.mark_progress(db.session, goal, 90, "", now=NOW))["progress"]
    )


def test_too_many_goals_in_progress_are_refused(make_user, monkeypatch):
    monkeypatch.setattr(practice_goals, "MAX_LONG_TERM", 2)
    user = make_user()
    half_year(user)
    done = half_year(user)
    practice_goals.mark_progress(db.session, done, 100, "", now=NOW)
    half_year(user)  # a done goal does not count
    assert "2 long-term goals in progress" in refused(lambda: half_year(user))["title"]


def test_deleting_keeps_what_was_linked_readable_and_can_be_undone(make_user):
    user = make_user()
    goal = half_year(user)
    step = short(user, goal)
    db.session.add_all(
        [
            FocusItem(user_id=user.id, text="Join the fair committee", goal=step),
            DailyEntry(user_id=user.id, day=TODAY, most_important="Call Mr Li", goal=goal, planned_at=NOW),
        ]
    )
    db.session.commit()
    effects = practice_goals.deletion_effects(db.session, goal)
    assert (effects.short_term, effects.focus_items, effects.days) == (1, 1, 1)
    practice_goals.delete_goal(db.session, goal, now=NOW)
    assert practice_goals.long_term_goals(db.session, user) == []
    assert practice_goals.active_goals(db.session, user) == []
    item = db.session.scalar(sa.select(FocusItem))
    assert item.goal.title == "Visit the top 5 customers" and item.goal.is_deleted
    with pytest.raises(NotFound):
        practice_goals.get_own_goal(db.session, user, goal.id)
    assert practice_goals.get_own_goal(db.session, user, goal.id, include_deleted=True) is goal
    with pytest.raises(ValidationError):
        practice_goals.mark_progress(db.session, goal, 50, "", now=NOW)
    with pytest.raises(ValidationError):
        practice_goals.restore_goal(db.session, step)  # its long-term goal is still deleted
    practice_goals.restore_goal(db.session, goal)
    assert step.deleted_at is None and len(practice_goals.active_goals(db.session, user)) == 2


# --- the pages ----------------------------------------------------------------------------------------


def test_setting_a_goal_and_its_short_term_goals_in_the_browser(manager, clock):
    page = manager.get("/practice/goals").get_data(as_text=True)
    assert "No goals yet" in page and 'value="2026-12-31"' in page  # the rest of the half-year
    response = manager.post(
        "/practice/goals",
        data={
            "title": "Raise repeat orders",
            "starts_on": "2026-07-01",
            "target_on": "2026-12-31",
            "lesson_id": "0",
        },
    )
    assert response.status_code == 303
    goal = db.session.scalar(sa.select(Goal))
    assert response.headers["Location"].endswith(f"/practice/goals/{goal.id}#new-short-term")
    for title, day in (
        ("Visit five customers", "2026-12-05"),
        ("Call back lost ones", "2026-12-12"),
        ("Review the figures", "2026-12-30"),
    ):
        response = manager.post(
            f"/practice/goals/{goal.id}/short-term",
            data={"title": title, "measure": "A note per customer", "target_on": day},
        )
        assert response.status_code == 303
    page = manager.get(f"/practice/goals/{goal.id}").get_data(as_text=True)
    assert page.count("Done when: A note per customer") == 3
    first = goal.live_children[0]
    response = manager.post(
        f"/practice/goals/{first.id}/progress", data={"progress": "100", "note": "All five"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/practice/goals/{goal.id}#goal-{first.id}")
    listing = manager.get("/practice/goals").get_data(as_text=True)
    assert "1 of 3 short-term goals done, 33% on average." in listing


def test_bad_input_comes_back_with_a_message_next_to_the_field(manager, clock):
    response = manager.post("/practice/goals", data={"title": "", "target_on": "2020-01-01"})
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == [
        "Give the goal a title.",
        "1 January 2020 is in the past; choose today or a later date.",
    ]
    response = manager.post("/practice/goals", data={"title": "A", "target_on": "31/12/2026"})
    assert response.status_code == 422
    assert "Enter a date as YYYY-MM-DD, for example 2026-12-31." in form_errors(
        response.get_data(as_text=True)
    )
    assert db.session.scalar(sa.select(sa.func.count(Goal.id))) == 0


def test_progress_errors_show_on_the_goal_page(manager, clock):
    goal = half_year(manager.user)
    response = manager.post(f"/practice/goals/{goal.id}/progress", data={"progress": "abc"})
    assert response.status_code == 422
    assert "Progress is a whole number from 0 to 100 (percent)." in form_errors(
        response.get_data(as_text=True)
    )


def test_editing_a_goal(manager, clock):
    goal = half_year(manager.user)
    page = manager.get(f"/practice/goals/{goal.id}/edit").get_data(as_text=True)
    assert 'value="Repeat orders from the top 20 customers up 15 %"' in page
    response = manager.post(
        f"/practice/goals/{goal.id}/edit",
        data={"title": "Repeat orders up 20 %", "starts_on": "2026-07-01", "target_on": "2026-12-31"},
    )
    assert response.status_code == 303
    assert goal.title == "Repeat orders up 20 %"
    response = manager.post(
        f"/practice/goals/{goal.id}/edit",
        data={"title": "Repeat orders up 20 %", "starts_on": "2026-07-01", "target_on": "2026-01-01"},
    )
    assert response.status_code == 422 and goal.target_on == H2_END


def test_deleting_asks_for_confirmation_first(manager, clock):
    goal = half_year(manager.user)
    short(manager.user, goal)
    page = manager.get(f"/practice/goals/{goal.id}/delete").get_data(as_text=True)
    assert "Delete “Repeat orders from the top 20 customers up 15 %”?" in page
    assert "so do its 1 short-term goal" in page and goal.deleted_at is None
    assert manager.post(f"/practice/goals/{goal.id}/delete").status_code == 303
    assert goal.deleted_at is not None
    page = manager.get(f"/practice/goals/{goal.id}").get_data(as_text=True)
    assert "This goal was deleted" in page and "Restore it" in page
    assert manager.post(f"/practice/goals/{goal.id}/restore").status_code == 303
    assert goal.deleted_at is None
