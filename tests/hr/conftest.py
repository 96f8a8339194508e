"""A small company with known progress, so report figures can be checked by hand."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from courseware.extensions import db
from courseware.models import User
from courseware.services.catalog import published
from courseware.services.learning import completion, quizzes
from tests.conftest import read_lesson

RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}
WRONG = {"pick-one": ["a"], "pick-many": ["b"], "true-or-false": ["b"]}


@dataclass
class Company:
    done: User       # International Trade: both lessons complete
    started: User    # International Trade: opened lesson 1
    idle: User       # International Trade: nothing
    failed: User     # Domestic Trade: read lesson 1, failed its quiz once


def take(user, lesson, answers):
    attempt = quizzes.open_attempt(db.session, user, lesson.quiz)
    return quizzes.submit_attempt(db.session, user, attempt.id, answers)


@pytest.fixture
def company(course, make_user) -> Company:
    first, second = published.lessons(db.session, course)
    done = make_user(full_name="Ada Done", username="ada")
    started = make_user(full_name="Bo Started", username="bo")
    idle = make_user(full_name="Cy Idle", username="cy")
    failed = make_user(full_name="Di Failed", username="di", department="Domestic Trade")
    read_lesson(done, first)
    take(done, first, RIGHT)
    read_lesson(done, second)
    completion.record_open(db.session, started, first)
    read_lesson(failed, first)
    take(failed, first, WRONG)
    return Company(done, started, idle, failed)
