"""`flask content import` (run by `make run` at every start) never undoes work done in the browser:
an unchanged file is left alone; a changed file still wins."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Course, Lesson, LessonRevision, Module, QuizVersion
from courseware.models._time import utcnow
from courseware.services.authoring.content_import import import_content
from tests.conftest import TEST_DATA


@pytest.fixture
def tree(tmp_path) -> tuple[Path, Path]:
    root = tmp_path / "content"
    shutil.copytree(TEST_DATA / "content", root)
    return root / "lessons", root / "quizzes"


def lesson(slug: str) -> Lesson:
    db.session.expire_all()
    return db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))


def publish_browser_revision(target: Lesson, body: str) -> LessonRevision:
    latest = target.revisions_in("en")[-1]
    revision = LessonRevision(lesson=target, number=latest.number + 1, title=latest.title,
                              summary=latest.summary, minutes=latest.minutes, source=body,
                              html=f"<p>{body}</p>", content_hash=f"browser-{body}",
                              module_id=target.module_id, published_at=utcnow())
    db.session.add(revision)
    db.session.flush()
    target.published_revision = revision
    db.session.commit()
    return revision


def test_reimporting_unchanged_files_keeps_a_revision_published_in_the_browser(app, tree):
    assert import_content(db.session, *tree).ok
    revision = publish_browser_revision(lesson("first-lesson"), "Written in the browser.")

    report = import_content(db.session, *tree)

    assert (report.created, report.revised, report.unchanged) == ([], [], 5)
    first = lesson("first-lesson")
    assert first.published_revision_id == revision.id
    assert [r.number for r in first.revisions_in("en")] == [1, 2]


def test_reimporting_unchanged_files_keeps_browser_structure_and_unpublishing(app, tree):
    assert import_content(db.session, *tree).ok
    first, second = lesson("first-lesson"), lesson("second-lesson")
    course = db.session.scalar(sa.select(Course))
    course.title = "Renamed in the browser"
    first_module, second_module = course.modules
    first_module.position, second_module.position = 1, 0
    second.published_revision_id = None
    first.position = 5
    first.quiz.archived_at = utcnow()
    db.session.commit()

    import_content(db.session, *tree)

    db.session.expire_all()
    course = db.session.scalar(sa.select(Course))
    assert course.title == "Renamed in the browser"
    assert [m.title for m in course.modules] == ["Second module", "First module"]
    assert lesson("second-lesson").published_revision_id is None
    assert lesson("first-lesson").position == 5
    assert lesson("first-lesson").quiz.archived_at is not None


def test_a_changed_file_still_wins_over_the_browser(app, tree):
    lessons_dir, quizzes_dir = tree
    assert import_content(db.session, lessons_dir, quizzes_dir).ok
    publish_browser_revision(lesson("second-lesson"), "Written in the browser.")
    path = lessons_dir / "test-course" / "02-second-lesson.md"
    path.write_text(path.read_text().replace("has no quiz", "has no quiz, edited as a file"))

    report = import_content(db.session, lessons_dir, quizzes_dir)

    assert report.revised == [str(path)]
    second = lesson("second-lesson")
    assert [r.number for r in second.revisions_in("en")] == [1, 2, 3]
    assert "edited as a file" in second.published_revision.source
    assert second.published_revision.module_id == second.module_id


def test_a_changed_quiz_file_is_imported_over_a_browser_draft(app, tree):
    lessons_dir, quizzes_dir = tree
    assert import_content(db.session, lessons_dir, quizzes_dir).ok
    quiz = lesson("first-lesson").quiz
    current = quiz.current_version
    db.session.add(QuizVersion(quiz=quiz, number=2, pass_mark=90, max_attempts=None,
                               questions=current.questions, content_hash="draft"))
    db.session.commit()
    path = quizzes_dir / "first-lesson.yaml"

    import_content(db.session, lessons_dir, quizzes_dir)
    assert lesson("first-lesson").quiz.current_version.number == 1

    path.write_text(path.read_text().replace("pass_mark: 60", "pass_mark: 70"))
    report = import_content(db.session, lessons_dir, quizzes_dir)

    assert report.revised == [str(path)]
    quiz = lesson("first-lesson").quiz
    assert [(v.number, v.pass_mark) for v in quiz.versions_in("en")] == [(1, 60), (2, 90), (3, 70)]
    assert quiz.current_version.number == 3


def test_modules_added_in_the_browser_follow_the_files_modules(app, tree):
    lessons_dir, quizzes_dir = tree
    assert import_content(db.session, lessons_dir, quizzes_dir).ok
    course = db.session.scalar(sa.select(Course))
    db.session.add(Module(course=course, title="Browser module", position=0))
    db.session.commit()
    path = lessons_dir / "test-course" / "course.yaml"
    path.write_text(path.read_text().replace("Test Course", "Test Course, retitled"))

    import_content(db.session, lessons_dir, quizzes_dir)

    db.session.expire_all()
    course = db.session.scalar(sa.select(Course))
    assert course.title == "Test Course, retitled"
    assert [(m.title, m.position) for m in course.modules] == [
        ("First module", 0), ("Second module", 1), ("Browser module", 2)]
