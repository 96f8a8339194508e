"""Goals, plans, summaries and reflections are their owner's alone. HR never reads them; the
president reads a reflection only when its author shares it. Every other person gets "not found",
and nothing changes."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import DailyEntry, FocusItem, FollowUpCheck, Goal, GoalUpdate, Reflection
from tests.conftest import SignedInClient
from tests.practice.conftest import NOW, TODAY

MARKERS = [
    "OWNER-GOAL",
    "OWNER-STEP",
    "OWNER-REQUEST",
    "OWNER-PLAN",
    "OWNER-SUMMARY",
    "OWNER-REFLECTION",
    "OWNER-NOTE",
]


@pytest.fixture
def owner_entries(make_user, with_prompt, clock):
    owner = make_user(username="owner", full_name="Owner Person")
    goal = Goal(
        user_id=owner.id, title="OWNER-GOAL", starts_on=date(2026, 7, 1), target_on=date(2026, 12, 31)
    )
    step = Goal(user_id=owner.id, parent=goal, title="OWNER-STEP", measure="m", target_on=date(2026, 12, 1))
    db.session.add_all(
        [
            goal,
            step,
            GoalUpdate(goal=goal, progress=10, note="OWNER-NOTE"),
            FocusItem(user_id=owner.id, text="OWNER-REQUEST", declined=True),
            DailyEntry(
                user_id=owner.id,
                day=TODAY,
                most_important="OWNER-PLAN",
                planned_at=NOW,
                done="OWNER-SUMMARY",
                summarized_at=NOW,
            ),
            Reflection(user_id=owner.id, lesson_id=with_prompt.id, prompt="Q", answer="OWNER-REFLECTION"),
        ]
    )
    db.session.flush()
    check = FollowUpCheck(
        user_id=owner.id, lesson_id=with_prompt.id, stage=30, due_on=TODAY, question_count=2, correct_count=1
    )
    db.session.add(check)
    db.session.commit()
    return owner, goal, step, check


def snapshot() -> list:
    return [
        db.session.execute(sa.select(model)).all().__len__()
        for model in (Goal, GoalUpdate, FocusItem, DailyEntry, Reflection, FollowUpCheck)
    ] + [
        db.session.execute(sa.select(Goal.title, Goal.progress, Goal.deleted_at)).all(),
        db.session.execute(sa.select(Reflection.shared_at, Reflection.reply)).all(),
    ]


@pytest.mark.parametrize("role", ["manager", "hr", "president"])
def test_nobody_else_reads_or_changes_an_owners_entries(role, owner_entries, signed_in):
    owner, goal, step, check = owner_entries
    reflection = db.session.scalar(sa.select(Reflection))
    item = db.session.scalar(sa.select(FocusItem))
    other = signed_in(role)
    before = snapshot()
    for url in (
        f"/practice/goals/{goal.id}",
        f"/practice/goals/{step.id}",
        f"/practice/goals/{goal.id}/edit",
        f"/practice/goals/{goal.id}/delete",
        f"/practice/reflections/{reflection.id}",
        f"/practice/checks/{check.id}",
    ):
        assert other.get(url).status_code == 404, url
    posts = {
        f"/practice/goals/{goal.id}/edit": {"title": "hacked", "target_on": "2026-12-31"},
        f"/practice/goals/{goal.id}/progress": {"progress": "100"},
        f"/practice/goals/{goal.id}/delete": {},
        f"/practice/goals/{goal.id}/restore": {},
        f"/practice/goals/{goal.id}/short-term": {"title": "x", "measure": "y", "target_on": "2026-12-01"},
        f"/practice/focus/{item.id}/delete": {},
        f"/practice/reflections/{reflection.id}/share": {},
        f"/practice/reflections/{reflection.id}/unshare": {},
        f"/practice/reflections/{reflection.id}/delete": {},
    }
    for url, data in posts.items():
        assert other.post(url, data=data).status_code == 404, url
    assert other.post(f"/practice/reflections/{reflection.id}/reply", data={"reply": "x"}).status_code == (
        404 if role == "president" else 403
    )
    assert snapshot() == before
    # Their own pages list their own entries only.
    for url in (
        "/practice/today",
        "/practice/goals",
        "/practice/focus/",
        "/practice/reflections/",
        "/practice/checks/",
        "/practice/days/2026-11-24",
        "/practice/export.md",
        "/practice/export.csv",
        "/",
    ):
        page = other.get(url).get_data(as_text=True)
        assert not [marker for marker in MARKERS if marker in page], url


@pytest.mark.parametrize("role", ["hr", "president"])
def test_hr_and_president_pages_show_no_practice_text(role, owner_entries, signed_in):
    owner = owner_entries[0]
    reader = signed_in(role)
    for url in (
        "/hr/",
        "/hr/people",
        f"/hr/people/{owner.id}",
        "/practice/participation",
        "/hr/export/progress.csv",
        "/hr/export/attempts.csv",
        "/hr/audit",
    ):
        page = reader.get(url).get_data(as_text=True)
        assert not [marker for marker in MARKERS if marker in page], url


def test_the_owner_reads_everything(app, owner_entries):
    owner, goal, step, check = owner_entries
    client = SignedInClient(app.test_client(), owner)
    pages = "".join(
        client.get(url).get_data(as_text=True)
        for url in (
            f"/practice/goals/{goal.id}",
            "/practice/focus/",
            "/practice/today",
            "/practice/reflections/",
        )
    )
    assert [marker for marker in MARKERS if marker not in pages] == []
