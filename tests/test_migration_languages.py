"""The migration that gave content a language goes down and up again keeping every revision, quiz
version and attempt, also when a lesson has several revisions in Chinese."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from courseware.extensions import db
from courseware.models import Lesson, LessonRevision, Quiz, User
from courseware.services.authoring.content_import import import_content
from courseware.services.learning import quizzes
from tests.conftest import TEST_LESSONS, TEST_QUIZZES
from tests.migration_helpers import migrated
from tests.quiz.test_quiz_pages import RIGHT
from tests.test_migrations import scratch_database  # noqa: F401 - the fixture

BEFORE = "612f5b014520"
TABLES = ("lesson_revision", "quiz_version", "quiz_attempt", "attempt_answer", "lesson_progress")


def _counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one() for name in TABLES}


def _numbers(table: str, owner: str) -> list[tuple[int, int]]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(f"SELECT {owner}, number FROM {table}"))]


def test_going_down_and_up_keeps_every_revision_version_and_attempt(scratch_database):  # noqa: F811
    with migrated(scratch_database):
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "first-lesson"))
        chinese = lesson.revisions_in("zh_CN")[0]
        for number in (2, 3):
            db.session.add(LessonRevision(lesson_id=lesson.id, number=number, language="zh_CN",
                                          title=chinese.title, source=chinese.source, html=chinese.html,
                                          content_hash=f"zh-{number}", module_id=chinese.module_id))
        reader = User(username="reader", full_name="Reader", role="manager", password_hash="x")
        db.session.add(reader)
        db.session.commit()
        quiz = db.session.scalar(sa.select(Quiz))
        attempt = quizzes.open_attempt(db.session, reader, quiz, "zh_CN")
        quizzes.submit_attempt(db.session, reader, attempt.id,
                               {key.removeprefix("q-"): value if isinstance(value, list) else [value]
                                for key, value in RIGHT.items()})
        lesson_id = lesson.id
        before = _counts()
        assert before["lesson_revision"] == 5 and before["quiz_attempt"] == 1
        db.session.remove()

        downgrade(revision=BEFORE)
        assert _counts() == before
        numbers = _numbers("lesson_revision", "lesson_id")
        assert len(numbers) == len(set(numbers))  # unique per lesson again: English 1, Chinese 2-4
        assert sorted(n for owner, n in numbers if owner == lesson_id) == [1, 2, 3, 4]

        upgrade()
        assert _counts() == before
