"""A person the site knows a lot about, for the personal-data tests: distinctive name, username and
e-mail, progress, a passed attempt with its answers, a certificate, practice text, notifications,
a delivery, sign-ins, a link to the identity provider and audit entries."""
from __future__ import annotations

from datetime import date, datetime

from courseware.extensions import db
from courseware.models import (
    DailyEntry,
    Delivery,
    FocusItem,
    Goal,
    GoalUpdate,
    Notification,
    Reflection,
    User,
)
from courseware.models.accounts import ExternalIdentity, FailedSignIn, SignInSession
from courseware.services.catalog import published
from courseware.services.learning import quizzes
from courseware.services.ops import audit
from tests.conftest import read_lesson

NAME = "Quillon Zebrafeather"
USERNAME = "quillon.zebra"
EMAIL = "quillon.zebrafeather@example.com"
IDENTIFIERS = (NAME, USERNAME, EMAIL)
SECRET_TEXT = "my-private-plan-xyzzy"
RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}


def known_person(make_user, course, hr_user: User | None = None) -> User:
    person = make_user(username=USERNAME, full_name=NAME)
    person.email = EMAIL
    person.title = "Head of Zebra Affairs"
    person.timezone = "Europe/London"
    db.session.commit()
    lessons = published.lessons(db.session, course)
    read_lesson(person, lessons[0])
    attempt = quizzes.open_attempt(db.session, person, lessons[0].quiz)
    quizzes.submit_attempt(db.session, person, attempt.id, RIGHT)
    read_lesson(person, lessons[1])  # no quiz: the course is complete, a certificate issued
    goal = Goal(user_id=person.id, title=f"Goal of {NAME}: {SECRET_TEXT}", measure=SECRET_TEXT,
                target_on=date(2027, 6, 30), starts_on=date(2026, 7, 1))
    child = Goal(user_id=person.id, parent=goal, title=SECRET_TEXT, target_on=date(2027, 1, 31))
    db.session.add_all([goal, child])
    db.session.flush()
    db.session.add_all([
        GoalUpdate(goal_id=goal.id, progress=40, note=SECRET_TEXT),
        FocusItem(user_id=person.id, text=SECRET_TEXT, goal_id=goal.id),
        DailyEntry(user_id=person.id, day=date(2026, 12, 1), most_important=SECRET_TEXT, goal_id=child.id,
                   planned_at=datetime(2026, 12, 1, 1), done=f"Wrote to {EMAIL}"),
        Reflection(user_id=person.id, lesson_id=lessons[0].id, prompt="What will you change?",
                   answer=f"I, {NAME}, {SECRET_TEXT}"),
        Notification(user_id=person.id, kind="assignment", message="assignment.due",
                     params={"name": NAME, "course": "Test course"}),
        Delivery(key=f"{person.id}:due:2026-12-10:email", user_id=person.id, channel="email",
                 kind="assignment", reason="due", message="assignment.due", params={"name": NAME},
                 last_error=f"refused {EMAIL}"),
        # HR's "send me a test" to a group robot names its sender (services/notifications/settings.py).
        Delivery(key=f"group:test.20261201.by-{person.id}:-:wecom", user_id=None, channel="wecom",
                 kind="test", reason=f"test.by-{person.id}", message="test", params={"sender": NAME}),
        SignInSession(user_id=person.id),
        ExternalIdentity(provider="https://id.example.com", subject=f"sub-{USERNAME}", user_id=person.id),
        # A wrong password typed for them: counted by the name typed (services/people/sign_in_limits).
        FailedSignIn(username=USERNAME, address="192.0.2.7", at=datetime(2026, 12, 1, 9, 0)),
    ])
    audit.record(db.session, "login", actor=person, target=USERNAME)
    audit.record(db.session, "login.failed", actor_name=USERNAME.upper(), target=USERNAME.upper())
    if hr_user is not None:
        audit.record(db.session, "account.update", actor=hr_user, target=USERNAME,
                     details=f"name: Q. Zebrafeather -> {NAME}; title: - -> Head of Zebra Affairs")
        audit.record(db.session, "account.import", actor=hr_user, target="2 accounts",
                     details=f"someone.else, {USERNAME} (manager={hr_user.username})")
    db.session.commit()
    return person
