"""Questions on a lesson in the demo company, as the issue's "Done means" walks them: on lesson 4,
Wang Lei asks; Liu Fang and Sun Hao have the same question; the president answers and pins the answer,
so that the lesson shows it "From the questions" and Wang Lei has a notice. He Jing asks anonymously
and waits for an answer; Xu Tao is named host. Everything goes through the real services."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import Course, User
from courseware.models._time import utcnow
from courseware.services.catalog import published
from courseware.services.discussion import hosts, questions

LESSON_INDEX = 3  # lesson 4: habitual thinking and organizational inertia
QUESTION = ("When my team says \"we have always done it this way\", how do I tell a good habit from "
            "inertia before I change it?")
ANSWER = ("Ask what the habit is *for*. If the team can name the result it serves and the result still "
          "matters, keep it and measure it; if nobody can, it is inertia. Change one habit at a time, "
          "and say why in your team meeting.")
ANONYMOUS = "Is it all right to question a rule the head office set, if I think it slows us down?"


def seed_demo_questions(session: Session, config: Mapping, now: datetime | None = None) -> None:
    course = session.scalar(select(Course).order_by(Course.position))
    people = {user.username: user for user in session.scalars(select(User))}
    if course is None or not {"president", "wang.lei", "liu.fang", "sun.hao", "he.jing"} <= people.keys():
        return
    lessons = published.lessons(session, course)
    if len(lessons) <= LESSON_INDEX:
        return
    now = now or utcnow()
    lesson, president = lessons[LESSON_INDEX], people["president"]
    asked = questions.ask(session, people["wang.lei"], lesson.id, QUESTION, False, now)
    for username in ("liu.fang", "sun.hao"):
        questions.toggle_me_too(session, people[username], asked.id, now)
    reply = questions.answer(session, president, asked.id, ANSWER, now, config)
    questions.toggle_pin(session, president, reply.id, now)
    questions.ask(session, people["he.jing"], lesson.id, ANONYMOUS, True, now)
    if "xu.tao" in people:
        hosts.add(session, president, people["xu.tao"].id, now)
