"""Everything people write in practice, and the author's reflection question, is escaped on output."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import DailyEntry, Department, FocusItem, Goal, GoalUpdate, Reflection
from tests.conftest import SignedInClient
from tests.practice.conftest import NOW, complete
from tests.security.test_xss_everywhere import PAYLOADS, assert_inert

P = " ".join(PAYLOADS)


def test_practice_pages_render_payloads_inert(app, make_user, signed_in, lessons, clock):
    first = lessons[0]
    first.published_revision.reflection = "Prompt " + PAYLOADS[1]
    db.session.add(Department(name="Dept " + PAYLOADS[0]))
    db.session.commit()
    person = make_user(full_name="Name " + PAYLOADS[0], department="Dept " + PAYLOADS[0])
    goal = Goal(
        user_id=person.id, title=P, measure=P, starts_on=date(2026, 7, 1), target_on=date(2026, 12, 31)
    )
    step = Goal(user_id=person.id, parent=goal, title=P, measure=P, target_on=date(2026, 12, 1))
    db.session.add_all(
        [
            goal,
            step,
            GoalUpdate(goal=goal, progress=5, note=P),
            FocusItem(user_id=person.id, text=P, reason=P, declined=True),
            FocusItem(user_id=person.id, text=P, goal=goal),
            DailyEntry(
                user_id=person.id,
                day=clock.today,
                most_important=P,
                do_well=P,
                goal=goal,
                planned_at=NOW,
                done=P,
                learned=P,
                tomorrow=P,
                summarized_at=NOW,
            ),
            DailyEntry(
                user_id=person.id,
                day=clock.today - timedelta(days=1),
                most_important=P,
                planned_at=NOW,
                done=P,
                tomorrow=P,
                summarized_at=NOW,
            ),
            Reflection(
                user_id=person.id,
                lesson_id=first.id,
                prompt=P,
                answer=P,
                shared_at=NOW,
                reply=P,
                replied_at=NOW,
            ),
        ]
    )
    db.session.commit()
    complete(person, first, on=NOW - timedelta(days=31))
    reflection = db.session.scalar(sa.select(Reflection))
    owner = SignedInClient(app.test_client(), person)
    for url in (
        "/",
        "/practice/today",
        "/practice/days/" + (clock.today - timedelta(days=1)).isoformat(),
        "/practice/goals",
        f"/practice/goals/{goal.id}",
        f"/practice/goals/{step.id}",
        f"/practice/goals/{goal.id}/edit",
        f"/practice/goals/{goal.id}/delete",
        "/practice/focus/",
        "/practice/reflections/",
        f"/practice/reflections/{reflection.id}",
        f"/practice/reflections/lessons/{first.id}",
        "/courses/test-course/first-lesson",
        "/practice/checks/",
    ):
        response = owner.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), url)
    president = signed_in("president")
    for url in (
        "/practice/reflections/shared",
        f"/practice/reflections/{reflection.id}",
        "/practice/participation",
    ):
        response = president.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), url)
    assert "Name &lt;script&gt;alert(1)&lt;/script&gt;" in president.get(
        "/practice/reflections/shared"
    ).get_data(as_text=True)
