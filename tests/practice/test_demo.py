"""The demo company practises: a newcomer finds follow-up checks waiting, HR finds figures."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.models import Goal, QuizAttempt, Reflection, User
from courseware.services.authoring.content_import import import_content
from courseware.services.learning import followups
from courseware.services.ops.demo import seed_demo
from courseware.timezones import company_zone, local_today
from tests.conftest import login


def test_the_demo_company_practises(app):
    import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    seed_demo(db.session, password="demo password 1")
    newcomer = db.session.scalar(sa.select(User).where(User.username == "gao.jun"))
    today = local_today(company_zone())
    due = followups.due_checks(db.session, newcomer, today)
    assert sorted(check.stage for check in due) == [30, 90]
    assert db.session.scalar(sa.select(sa.func.count(Goal.id)).where(Goal.user_id == newcomer.id)) == 0
    shared = db.session.scalar(sa.select(Reflection))
    assert shared.shared_at is not None and shared.user.username == "wang.lei"

    client = app.test_client()
    assert login(client, "gao.jun", "demo password 1").status_code == 302
    assert 'class="practice-check"' in client.get("/").get_data(as_text=True)
    hr = app.test_client()
    login(hr, "hr.lin", "demo password 1")
    page = hr.get("/practice/participation").get_data(as_text=True)
    assert "International Trade" in page and "Repeat orders" not in page and "quotation" not in page
    president = app.test_client()
    login(president, "president", "demo password 1")
    assert "Wang Lei" in president.get("/practice/reflections/shared").get_data(as_text=True)


def test_backdated_times_stay_times(app):
    """The demo moves completions and attempts back in Python, so every stored time stays a time
    (SQLite would turn date arithmetic in SQL into a number)."""
    import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    seed_demo(db.session, password="demo password 1")
    db.session.expire_all()
    for attempt in db.session.scalars(sa.select(QuizAttempt)):
        assert isinstance(attempt.started_at, datetime) and isinstance(attempt.submitted_at, datetime)
