"""The practice pages in the route × role table: endpoint -> (method, url template, {role: status}).

Everyone signed in practises (HR and the president are learners too). Every URL naming an entry
uses one that belongs to somebody else (`owner`), which is "not found" for every role, whatever it
is: HR never reads a goal, plan, summary or reflection, and the president only a reflection its
author shared (tests/practice/test_privacy.py checks that case).
"""

from datetime import date, timedelta

from courseware.extensions import db
from courseware.models import FocusItem, FollowUpCheck, Goal, Reflection
from courseware.services.catalog import published
from tests.route_roles import ANON, HR, LOGIN, MANAGER, PRESIDENT, only

EVERYONE = {ANON: LOGIN, MANAGER: 200, HR: 200, PRESIDENT: 200}
NOBODY = {ANON: LOGIN, MANAGER: 404, HR: 404, PRESIDENT: 404}


def everyone(status: int) -> dict:
    return {ANON: LOGIN, MANAGER: status, HR: status, PRESIDENT: status}


ROUTES: dict = {
    "practice.index": ("GET", "/practice/", everyone(302)),
    "practice.today": ("GET", "/practice/today", EVERYONE),
    # Posted empty, the forms answer with their errors.
    "practice.save_plan": ("POST", "/practice/today/plan", everyone(422)),
    "practice.save_summary": ("POST", "/practice/today/summary", everyone(422)),
    "practice.day": ("GET", "/practice/days/2024-03-01", EVERYONE),
    "practice.export_markdown": ("GET", "/practice/export.md", EVERYONE),
    "practice.export_csv": ("GET", "/practice/export.csv", EVERYONE),
    "practice.participation": ("GET", "/practice/participation", only(HR, PRESIDENT)),
    "practice.goals.index": ("GET", "/practice/goals", EVERYONE),
    "practice.goals.show": ("GET", "/practice/goals/{others_goal}", NOBODY),
    "practice.goals.edit": ("GET", "/practice/goals/{others_goal}/edit", NOBODY),
    "practice.goals.delete": ("GET", "/practice/goals/{others_goal}/delete", NOBODY),
    "practice.goals.progress": ("POST", "/practice/goals/{others_goal}/progress", NOBODY),
    "practice.goals.restore": ("POST", "/practice/goals/{others_goal}/restore", NOBODY),
    "practice.goals.add_short_term": ("POST", "/practice/goals/{others_goal}/short-term", NOBODY),
    "practice.focus.index": ("GET", "/practice/focus/", EVERYONE),
    "practice.focus.delete": ("POST", "/practice/focus/{others_focus_item}/delete", NOBODY),
    "practice.reflections.index": ("GET", "/practice/reflections/", EVERYONE),
    "practice.reflections.write": ("GET", "/practice/reflections/lessons/{reflective_lesson}", EVERYONE),
    "practice.reflections.show": ("GET", "/practice/reflections/{others_reflection}", NOBODY),
    "practice.reflections.share": ("POST", "/practice/reflections/{others_reflection}/share", NOBODY),
    "practice.reflections.unshare": ("POST", "/practice/reflections/{others_reflection}/unshare", NOBODY),
    "practice.reflections.delete": ("POST", "/practice/reflections/{others_reflection}/delete", NOBODY),
    "practice.reflections.shared": ("GET", "/practice/reflections/shared", only(PRESIDENT)),
    # A private reflection: the president may reply only to shared ones.
    "practice.reflections.reply": (
        "POST",
        "/practice/reflections/{others_reflection}/reply",
        {ANON: LOGIN, MANAGER: 403, HR: 403, PRESIDENT: 404},
    ),
    # Featuring a reflection in its lesson: the owner's private reflection cannot be asked about (the
    # president reads only shared ones), nor answered by anyone but its author (test_featuring.py).
    "practice.featuring.ask": ("POST", "/practice/reflections/{others_reflection}/feature/ask",
                               {ANON: LOGIN, MANAGER: 403, HR: 403, PRESIDENT: 404}),
    "practice.featuring.decide": ("POST", "/practice/reflections/{others_reflection}/feature", NOBODY),
    # An open culture pulse: the managers' (a line manager too) to answer (tests/practice/test_pulse.py).
    "practice.pulses.answer": ("GET", "/practice/pulses/{pulse_open}", {ANON: LOGIN, MANAGER: 200, HR: 403,
                                                                          PRESIDENT: 403}),
    "practice.checks.index": ("GET", "/practice/checks/", EVERYONE),
    "practice.checks.show": ("GET", "/practice/checks/{others_check}", NOBODY),
    # No check is waiting for someone who never completed the lesson.
    "practice.checks.answer": ("POST", "/practice/checks/lessons/{reflective_lesson}/30", NOBODY),
    "practice.checks.skip": ("POST", "/practice/checks/lessons/{reflective_lesson}/30/skip", NOBODY),
}


def url_values(course, owner) -> dict:
    """A goal, a focus decision, a private reflection and an answered follow-up check of `owner`."""
    lesson = published.lessons(db.session, course)[0]
    lesson.published_revision.reflection = "Where does this lesson show in your department?"
    goal = Goal(
        user_id=owner.id,
        title="Owner's secret goal",
        starts_on=date.today(),
        target_on=date.today() + timedelta(days=90),
    )
    item = FocusItem(user_id=owner.id, text="Owner's secret request", goal=goal)
    reflection = Reflection(user_id=owner.id, lesson_id=lesson.id, prompt="A question", answer="Secret")
    check = FollowUpCheck(
        user_id=owner.id,
        lesson_id=lesson.id,
        stage=30,
        due_on=date.today(),
        question_count=2,
        correct_count=1,
    )
    db.session.add_all([goal, item, reflection, check])
    db.session.commit()
    return {
        "others_goal": goal.id,
        "others_focus_item": item.id,
        "others_reflection": reflection.id,
        "others_check": check.id,
        "reflective_lesson": lesson.id,
    }
