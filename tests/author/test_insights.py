"""What managers apply (/author/insights, and HR's /hr/insights): per lesson, counts and rates only."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.models import (
    DailyEntry,
    FollowUpCheck,
    Goal,
    Lesson,
    LessonQuestion,
    QuestionMeToo,
    Reflection,
)
from courseware.services.authoring.content_import import import_content
from courseware.services.catalog import published
from courseware.services.ops.demo import seed_demo
from courseware.services.reports import insights
from tests.conftest import login
from tests.practice.conftest import RIGHT, WRONG_MANY, complete

DONE = datetime(2026, 10, 1, 4, 0)


def test_each_lesson_counts_goals_plans_follow_ups_and_missed_questions(course, make_user):
    first = published.lessons(db.session, course)[0]
    readers = [make_user("manager") for _ in range(3)]
    for person in readers:
        complete(person, first, on=DONE, answers=WRONG_MANY, right=RIGHT)
    db.session.add_all([
        Goal(user_id=readers[0].id, title="Secret goal", target_on=date(2026, 12, 31), lesson_id=first.id),
        Goal(user_id=readers[0].id, title="Second", target_on=date(2026, 12, 31), lesson_id=first.id),
        # Within 4 weeks of completing, and long after (not counted).
        DailyEntry(user_id=readers[1].id, day=date(2026, 10, 3), most_important="Private plan",
                   planned_at=DONE + timedelta(days=2)),
        DailyEntry(user_id=readers[1].id, day=date(2026, 10, 20), most_important="x", planned_at=DONE),
        DailyEntry(user_id=readers[2].id, day=date(2026, 12, 20), most_important="x", planned_at=DONE),
        FollowUpCheck(user_id=readers[0].id, lesson_id=first.id, stage=30, due_on=date(2026, 10, 31),
                      question_count=2, correct_count=1),
        FollowUpCheck(user_id=readers[1].id, lesson_id=first.id, stage=30, due_on=date(2026, 10, 31),
                      question_count=2, correct_count=2),
        FollowUpCheck(user_id=readers[2].id, lesson_id=first.id, stage=90, due_on=date(2026, 12, 30),
                      skipped=True),
    ])
    asked = LessonQuestion(lesson_id=first.id, user_id=readers[0].id, body="Why?", html="<p>Why?</p>")
    hidden = LessonQuestion(lesson_id=first.id, user_id=readers[1].id, body="Spam", html="<p>Spam</p>",
                            hidden_at=DONE, hidden_reason="Off topic")
    db.session.add_all([asked, hidden])
    db.session.flush()
    db.session.add_all([QuestionMeToo(question_id=asked.id, user_id=readers[1].id),
                        QuestionMeToo(question_id=asked.id, user_id=readers[2].id),
                        QuestionMeToo(question_id=hidden.id, user_id=readers[2].id)])
    db.session.commit()
    found = {item.lesson_id: item for item in insights.course_insights(db.session, course)}[first.id]
    assert (found.questions, found.me_too) == (1, 2)  # the hidden question and its mark left out
    assert (found.completed, found.goals, found.goal_people) == (3, 2, 1)
    assert (found.planners, found.plans) == (1, 2)
    assert (found.followups[30].answered, found.followups[30].retention) == (2, 75)
    assert (found.followups[90].skipped, found.followups[90].retention) == (1, None)
    assert [q.id for q in found.missed] == ["pick-many"]


def test_the_demo_companys_practice_shows_and_no_ones_words(app, make_user):
    import_content(db.session, PROJECT_ROOT / "lessons", PROJECT_ROOT / "quizzes")
    seed_demo(db.session, password="demo password 1")
    private_words = [text for text in db.session.scalars(sa.select(Goal.title)).all()
                     + db.session.scalars(sa.select(Reflection.answer)).all() if len(text) > 12]
    linked = db.session.scalar(sa.select(sa.func.count(Goal.id)).where(Goal.lesson_id.is_not(None)))
    course = db.session.scalar(sa.select(Lesson)).course
    figures = insights.course_insights(db.session, course)
    assert sum(item.goals for item in figures) == linked > 0
    assert sum(item.completed for item in figures) > 0 and sum(item.planners for item in figures) > 0
    assert any(item.followups[30].answered or item.followups[90].answered for item in figures)
    shown = sa.select(LessonQuestion.id).where(LessonQuestion.hidden_at.is_(None))
    assert sum(item.questions for item in figures) == len(db.session.scalars(shown).all()) > 0
    assert sum(item.me_too for item in figures) == db.session.scalar(
        sa.select(sa.func.count(QuestionMeToo.id)).where(QuestionMeToo.question_id.in_(shown))) > 0
    private_words += [body for body in db.session.scalars(sa.select(LessonQuestion.body)) if len(body) > 12]
    for username, url in (("president", "/author/insights"), ("hr.lin", "/hr/insights")):
        client = app.test_client()
        login(client, username, "demo password 1")
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "What managers apply" in page and "Known after 30 days" in page
        assert not [words for words in private_words if words in page]
    manager = app.test_client()
    login(manager, "wang.lei", "demo password 1")
    assert manager.get("/author/insights").status_code == 403
    assert manager.get("/hr/insights").status_code == 403
