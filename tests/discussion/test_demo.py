"""The demo company's questions on lesson 4: a manager sees the pinned answer "From the questions",
the asker has a notice, the anonymous asker stays anonymous, and Xu Tao hosts."""
from __future__ import annotations

import sqlalchemy as sa

from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.models import Notification, User
from courseware.services.authoring.content_import import import_content
from courseware.services.discussion import hosts
from courseware.services.ops.demo import seed_demo
from tests.conftest import login

LESSON_4 = "/courses/corporate-culture/habitual-thinking-and-organizational-inertia"


def test_the_demo_lesson_4_has_questions(app):
    import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    seed_demo(db.session, password="demo password 1")
    people = {user.username: user for user in db.session.scalars(sa.select(User))}
    notice = db.session.scalar(sa.select(Notification).where(Notification.kind == "question_answered"))
    assert notice.user_id == people["wang.lei"].id
    assert hosts.can_moderate(db.session, people["xu.tao"])

    client = app.test_client()
    assert login(client, "sun.hao", "demo password 1").status_code == 302
    page = client.get(LESSON_4).get_data(as_text=True)
    pinned = page[page.index("From the questions"):page.index("data-lesson-end")]
    assert "a good habit from inertia" in pinned and "Zhao Ming answered" in pinned
    assert "2 people have this question too" in page and "I no longer have this question" in page
    assert "question a rule the head office set" in page and "He Jing" not in page
