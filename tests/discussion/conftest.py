"""Fixtures of the questions on a lesson: the test course's first lesson and its address."""
from __future__ import annotations

import pytest

from courseware.extensions import db
from courseware.services.catalog import published


@pytest.fixture
def lesson(course):
    return published.lessons(db.session, course)[0]


@pytest.fixture
def lesson_url(course, lesson):
    return f"/courses/{course.slug}/{lesson.slug}"
