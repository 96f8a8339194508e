"""Helpers for the author pages: the test course's lessons and the editor's form data."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Lesson, LessonProgress, Module


def lesson_named(slug: str) -> Lesson:
    db.session.expire_all()
    return db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))


def module_named(title: str) -> Module:
    return db.session.scalar(sa.select(Module).where(Module.title == title))


def editor_data(lesson: Lesson, **changes) -> dict:
    """The editor's fields as the page fills them for the lesson's latest revision."""
    latest = lesson.revisions_in("en")[-1]
    data = {
        "title": latest.title, "module": str((latest.module or lesson.module).id),
        "minutes": str(latest.minutes), "summary": latest.summary, "source": latest.source,
        "reflection": latest.reflection or "",
        "note": "", "base_number": str(latest.number), "action": "save",
        **guide_data(latest.objectives, latest.discussion),
    }
    data.update({key: str(value) for key, value in changes.items()})
    return data


def guide_data(objectives: list[dict] | None, discussion: dict | None) -> dict:
    """The editor's objective rows and discussion guide fields, as the page fills them."""
    data = {}
    for row in range(1, 5):
        objective = (objectives or [])[row - 1] if row <= len(objectives or []) else {"id": "", "text": ""}
        data[f"objective_{row}_id"], data[f"objective_{row}_text"] = objective["id"], objective["text"]
    guide = discussion or {}
    for part in ("opening", "case", "record", "follow_up"):
        data[f"discussion_{part}"] = guide.get(part, "")
    for number in range(1, 4):
        questions = guide.get("questions", [])
        data[f"discussion_question_{number}"] = questions[number - 1] if questions else ""
    return data


def progress_of(user, lesson: Lesson) -> LessonProgress | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id))


@pytest.fixture
def first(course) -> Lesson:
    return lesson_named("first-lesson")


@pytest.fixture
def second(course) -> Lesson:
    return lesson_named("second-lesson")
