"""The practice parts of the dashboard and the lesson page add a fixed, small number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from courseware.extensions import db
from courseware.models import DailyEntry
from courseware.services.catalog import published
from courseware.services.learning import completion
from tests.practice.conftest import NOW, complete
from tests.test_performance_queries import BUDGET, add_lessons, queries_of

# What the views read: every page rendered, none served as kept (courseware/page_cache.py).
pytestmark = pytest.mark.usefixtures("rendered_pages")


def test_the_dashboard_with_checks_waiting_stays_within_the_budget(manager, course, clock, lessons):
    complete(manager.user, lessons[0], on=clock.now - timedelta(days=40))
    for offset in range(20):
        db.session.add(
            DailyEntry(
                user_id=manager.user.id,
                day=clock.today - timedelta(days=offset),
                most_important="x",
                planned_at=NOW,
            )
        )
    db.session.commit()
    small = len(queries_of(manager, "/"))
    add_lessons(course, 5)
    for lesson in published.lessons(db.session, course)[2:]:
        completion.record_open(db.session, manager.user, lesson)
        complete(
            manager.user,
            lesson,
            on=clock.now - timedelta(days=95),
            answers={"q1": ["b"]},
            right={"q1": ["a"]},
        )
    statements = queries_of(manager, "/")
    assert len(statements) == small, "the dashboard's query count grew with the checks waiting"
    assert len(statements) <= BUDGET


def test_the_lesson_page_adds_one_query_for_the_reflection(manager, with_prompt, clock):
    statements = queries_of(manager, "/courses/test-course/first-lesson")
    assert len([s for s in statements if "practice_reflection" in s]) == 1
    assert len(statements) <= BUDGET


def practice_statements(statements: list[str]) -> list[str]:
    return [s for s in statements if "practice_" in s or "attempt_answer" in s]


def test_the_dashboard_reads_practice_in_two_queries_at_most(manager, course, clock, lessons):
    # Nothing completed a month ago: only today's plan and the streak.
    assert len(practice_statements(queries_of(manager, "/"))) == 1
    complete(manager.user, lessons[0], on=clock.now - timedelta(days=40))
    # A check waiting: the check and the questions the person missed, not the plan.
    waiting = practice_statements(queries_of(manager, "/"))
    assert len(waiting) == 2 and not [s for s in waiting if "practice_day" in s]
    manager.post(f"/practice/checks/lessons/{lessons[0].id}/30/skip")
    # Checks done: the plan, and whether a check is waiting.
    assert len(practice_statements(queries_of(manager, "/"))) == 2
    assert len(queries_of(manager, "/")) <= BUDGET
