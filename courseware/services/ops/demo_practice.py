"""Practice in the demo company, so that every page has something to show on the first run.

Gao Jun, the first demo manager, starts with no goals and no plans of his own (a newcomer signing
in as him sets them), but his first two lessons were completed long enough ago that a 90-day and a
30-day follow-up check are waiting on his dashboard. Three colleagues have goals, planned and
summarized days and answered checks, so that HR's participation page and the president's insights
show figures (their goals are linked to the first lesson); one of them shared a reflection with the
president.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import Course, Lesson, LessonProgress, QuizAttempt, User
from courseware.models._time import utcnow
from courseware.services.catalog import published
from courseware.services.learning import followups
from courseware.services.practice import daily, focus, reflections
from courseware.services.practice import goals as practice_goals
from courseware.services.practice.goals import GoalFields
from courseware.timezones import company_zone, local_today

NEWCOMER = "gao.jun"


def seed_demo_practice(session: Session, now: datetime | None = None) -> None:
    course = session.scalar(select(Course).order_by(Course.position))
    if course is None:
        return
    now = now or utcnow()
    today = local_today(company_zone(), now)
    lessons = published.lessons(session, course)
    people = {user.username: user for user in session.scalars(select(User))}
    newcomer = people.get(NEWCOMER)
    if newcomer is not None:
        for lesson, days_ago in zip(lessons[:2], (92, 33), strict=False):
            backdate(session, newcomer, lesson, now - timedelta(days=days_ago))
    chance = random.Random(2023)
    for username, goal_title, steps in DEMO_GOALS:
        user = people.get(username)
        if user is not None:
            _goals_and_days(session, user, goal_title, steps, today, now, chance,
                            lessons[0].id if lessons else None)
    for username, days_ago in (("liu.fang", 40), ("wang.lei", 35)):
        user = people.get(username)
        if user is not None and lessons:
            backdate(session, user, lessons[0], now - timedelta(days=days_ago))
            _answer_check(session, user, lessons[0], today, now, chance)
    _shared_reflection(session, people.get("wang.lei"), lessons, now)
    session.commit()


def backdate(session: Session, user: User, lesson: Lesson, moment: datetime) -> None:
    """Move the person's work on the lesson (progress and quiz attempts) back to `moment`."""
    record = session.scalar(select(LessonProgress).where(LessonProgress.user_id == user.id,
                                                         LessonProgress.lesson_id == lesson.id))
    if record is None or record.completed_at is None:
        return
    shift = record.completed_at - moment
    for name in ("opened_at", "last_opened_at", "read_at", "quiz_passed_at", "completed_at"):
        if getattr(record, name) is not None:
            setattr(record, name, getattr(record, name) - shift)
    if lesson.quiz is not None:
        for attempt in session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id,
                                                                 QuizAttempt.quiz_id == lesson.quiz.id)):
            attempt.started_at -= shift
            if attempt.submitted_at is not None:
                attempt.submitted_at -= shift
    session.commit()


DEMO_GOALS = [
    ("wang.lei", "Repeat orders from our top 20 overseas customers up 15% this half-year", [
        ("Visit or call each of the top 20 customers", "A visit note for each of the 20", 20),
        ("Find out why the five lost customers left", "A one-page cause list, checked with sales", 35),
        ("Agree a follow-up routine with the team", "Written routine in use by all four sales staff", 50),
    ]),
    ("liu.fang", "Shorten quotation turnaround to two working days", [
        ("Map the current quotation steps", "A flowchart the team agrees with", 15),
        ("Remove one approval step", "Approval rule changed and announced", 40),
    ]),
    ("xu.tao", "Tax-free Business: raise the share of repeat shoppers to 30 %", [
        ("Start a member sign-up at every counter", "Sign-up live at all counters", 25),
    ]),
]
PLANS = ["Call the three customers who went quiet", "Finish the quotation for the Hamburg order",
         "Review last week's figures with the team", "Prepare the monthly review",
         "Coach the new colleague on the order system"]
SUMMARIES = ["Two of three calls done; one asked for a new price list.", "Quotation sent before noon.",
             "Figures reviewed; returns are up, need a cause.", "Review prepared; two open questions."]


def _goals_and_days(session: Session, user: User, goal_title: str, steps: list[tuple[str, str, int]],
                    today: date, now: datetime, chance: random.Random, lesson_id: int | None) -> None:
    # The current half-year, the period the company's goal meetings review.
    period_start = date(today.year, 1, 1) if today.month <= 6 else date(today.year, 7, 1)
    period_end = date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)
    goal = practice_goals.create_goal(
        session, user, GoalFields(title=goal_title, starts_on=period_start, target_on=period_end,
                                  lesson_id=lesson_id),
        today=today, now=now)
    for title, measure, days_on in steps:
        target = min(period_end, max(today, period_start) + timedelta(days=days_on))
        step = practice_goals.create_goal(
            session, user, GoalFields(title=title, measure=measure, target_on=target), today=today, now=now,
            parent=goal)
        practice_goals.mark_progress(session, step, chance.choice((20, 40, 60)), "", now=now)
    practice_goals.mark_progress(session, goal, 30, "Half the top 20 visited; two lost customers back.",
                                 now=now)
    focus.triage(session, user, text="Join the office party planning group", decision="decline",
                          reason="Not related to this half-year's goals", now=now)
    focus.triage(session, user, text="Quote for a top-20 customer's new product line",
                          decision=str(goal.id), reason="", now=now)
    for offset in range(1, 29):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5 or chance.random() < 0.3:
            continue
        daily.save_plan(session, user, day, most_important=chance.choice(PLANS), do_well="",
                                 goal_id=goal.id, now=datetime.combine(day, time(1, 0)))
        if chance.random() < 0.7:
            daily.save_summary(session, user, day, done=chance.choice(SUMMARIES), learned="",
                                        tomorrow="", now=datetime.combine(day, time(10, 0)))


def _answer_check(session: Session, user: User, lesson: Lesson, today: date, now: datetime,
                  chance: random.Random) -> None:
    checks = [c for c in followups.due_checks(session, user, today) if c.lesson_id == lesson.id]
    if not checks:
        return
    due = followups.prepare(session, user, checks[0])
    answers = {}
    for question in due.version.questions:
        if question["id"] in due.question_ids:
            right = [o["key"] for o in question["options"] if o["correct"]]
            wrong = [o["key"] for o in question["options"] if not o["correct"]]
            answers[question["id"]] = right if chance.random() < 0.7 or not wrong else [wrong[0]]
    followups.answer_check(session, user, lesson.id, due.stage, due.version.id, answers,
                                    today=today, now=now)


def _shared_reflection(session: Session, user: User | None, lessons: list[Lesson], now: datetime) -> None:
    if user is None:
        return
    # Lesson 4, on habitual thinking, if it asks a question; else the first lesson that does.
    for lesson in [*lessons[3:4], *lessons]:
        if reflections.prompt_of(lesson) is None:
            continue
        reflection = reflections.save_reflection(
            session, user, lesson,
            "We still price every quotation the way we did in 2019, because it always worked. Two customers "
            "told us last month that competitors answer in half the time. I will test a simpler price list "
            "with the top 20 customers and report the result at the next review.", now=now)
        reflections.share(session, user, reflection.id, now=now)
        return
