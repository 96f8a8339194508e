"""import_content writes courses, lesson revisions and quiz versions; export_content writes them back."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from courseware.content.exporter import export_content
from courseware.content.loader import load_content
from courseware.content.rendering import lesson_hash, quiz_hash
from courseware.extensions import db
from courseware.models import Course, Lesson, LessonRevision, Module, Quiz, QuizVersion
from courseware.services.authoring.content_import import import_content
from tests.conftest import TEST_DATA, TEST_LESSONS, TEST_QUIZZES


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def counts() -> dict[str, int]:
    return {m.__name__: count(m) for m in (Course, Module, Lesson, LessonRevision, Quiz, QuizVersion)}


def lesson(slug: str) -> Lesson | None:
    return db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))


@pytest.fixture
def tree(tmp_path) -> tuple[Path, Path]:
    """A writable copy of the test content in English only: (lessons_dir, quizzes_dir)."""
    root = tmp_path / "content"
    shutil.copytree(TEST_DATA / "content", root, ignore=shutil.ignore_patterns("zh_CN"))
    return root / "lessons", root / "quizzes"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_importing_the_test_tree_creates_everything(app):
    report = import_content(db.session, TEST_LESSONS, TEST_QUIZZES)

    assert report.ok, report.errors
    # course.yaml, two lessons, one quiz, and the Chinese version of the first lesson and its quiz
    assert len(report.created) == 6
    assert report.revised == []
    assert counts() == {"Course": 1, "Module": 2, "Lesson": 2, "LessonRevision": 3, "Quiz": 1,
                        "QuizVersion": 2}
    course = db.session.scalar(sa.select(Course))
    assert (course.slug, course.title) == ("test-course", "Test Course")
    assert [m.title for m in course.modules] == ["First module", "Second module"]
    assert [(x.slug, x.position, x.module.title) for x in course.lessons] == [
        ("first-lesson", 1, "First module"),
        ("second-lesson", 2, "Second module"),
    ]
    for each in course.lessons:
        assert [r.number for r in each.revisions_in("en")] == [1]
        assert each.published_revision is each.revisions_in("en")[0]
    first = lesson("first-lesson")
    assert first.published_revision.title == "The first lesson"
    assert first.published_revision.minutes == 3
    assert '<div class="admonition note">' in first.published_revision.html
    version = first.quiz.current_version
    assert (version.number, version.pass_mark, version.max_attempts) == (1, 60, None)
    assert [q["id"] for q in version.questions] == ["pick-one", "pick-many", "true-or-false"]
    assert lesson("second-lesson").quiz is None


def test_importing_twice_creates_nothing_new(app):
    import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
    before = counts()

    report = import_content(db.session, TEST_LESSONS, TEST_QUIZZES)

    assert report.ok
    assert (report.created, report.revised, report.unchanged) == ([], [], 5)
    assert counts() == before
    assert count(LessonRevision) == 3 and count(QuizVersion) == 2


def test_a_changed_lesson_gets_a_new_published_revision(app, tree):
    lessons_dir, quizzes_dir = tree
    import_content(db.session, lessons_dir, quizzes_dir)
    path = lessons_dir / "test-course" / "02-second-lesson.md"
    edit(path, "The second lesson has no quiz.", "The second lesson, *revised*.")

    report = import_content(db.session, lessons_dir, quizzes_dir)

    assert report.ok
    assert report.revised == [str(path)]
    assert report.created == []
    db.session.expire_all()
    second = lesson("second-lesson")
    assert [r.number for r in second.revisions] == [1, 2]
    old, new = second.revisions
    assert second.published_revision_id == new.id
    assert "has no quiz" in old.source and "has no quiz" in old.html
    assert new.source == "The second lesson, *revised*.\n"
    assert new.html == "<p>The second lesson, <em>revised</em>.</p>"
    assert new.content_hash != old.content_hash
    assert lesson("first-lesson").published_revision.number == 1
    assert count(LessonRevision) == 3


def test_a_changed_front_matter_field_is_a_new_revision(app, tree):
    lessons_dir, quizzes_dir = tree
    import_content(db.session, lessons_dir, quizzes_dir)
    edit(lessons_dir / "test-course" / "01-first-lesson.md", "minutes: 3", "minutes: 4")

    import_content(db.session, lessons_dir, quizzes_dir)

    db.session.expire_all()
    first = lesson("first-lesson")
    assert [(r.number, r.minutes) for r in first.revisions] == [(1, 3), (2, 4)]
    assert first.published_revision.number == 2


def test_a_changed_quiz_gets_a_new_version(app, tree):
    lessons_dir, quizzes_dir = tree
    import_content(db.session, lessons_dir, quizzes_dir)
    path = quizzes_dir / "first-lesson.yaml"
    edit(path, "pass_mark: 60\n", "pass_mark: 80\nattempts: 2\n")

    report = import_content(db.session, lessons_dir, quizzes_dir)

    assert report.ok
    assert report.revised == [str(path)]
    db.session.expire_all()
    quiz = lesson("first-lesson").quiz
    assert [(v.number, v.pass_mark, v.max_attempts) for v in quiz.versions_in("en")] == [
        (1, 60, None), (2, 80, 2),
    ]
    assert quiz.current_version.number == 2
    assert count(QuizVersion) == 2 and count(Quiz) == 1


def test_broken_files_are_reported_and_the_rest_imports(app, tree):
    lessons_dir, quizzes_dir = tree
    broken_lesson = lessons_dir / "test-course" / "02-second-lesson.md"
    edit(broken_lesson, "module: Second module", "module: No such module")
    broken_quiz = quizzes_dir / "third-lesson.yaml"
    broken_quiz.write_text("pass_mark: 0\nquestions: []\n", encoding="utf-8")

    report = import_content(db.session, lessons_dir, quizzes_dir)

    assert not report.ok
    assert sorted((e.path, e.line) for e in report.errors) == sorted(
        [(str(broken_lesson), 3), (str(broken_quiz), 1)]
    )
    assert lesson("second-lesson") is None
    assert lesson("first-lesson").published_revision.number == 1
    assert counts() == {"Course": 1, "Module": 2, "Lesson": 1, "LessonRevision": 1, "Quiz": 1,
                        "QuizVersion": 1}


def test_a_lesson_broken_after_import_keeps_its_published_revision(app, tree):
    lessons_dir, quizzes_dir = tree
    import_content(db.session, lessons_dir, quizzes_dir)
    path = lessons_dir / "test-course" / "01-first-lesson.md"
    edit(path, "order: 1", "order: 7")
    edit(path, "The first lesson's opening paragraph.", "Changed text.")

    report = import_content(db.session, lessons_dir, quizzes_dir)

    # Its quiz is refused too, since its lesson did not load.
    assert [(e.path, e.line) for e in report.errors] == [
        (str(path), 4), (str(quizzes_dir / "first-lesson.yaml"), None),
    ]
    db.session.expire_all()
    first = lesson("first-lesson")
    assert [r.number for r in first.revisions] == [1]
    assert "opening paragraph" in first.published_revision.source
    assert count(LessonRevision) == 2
    assert first.quiz.current_version.number == 1 and count(QuizVersion) == 1


def test_stored_html_is_sanitized(app, tree):
    lessons_dir, quizzes_dir = tree
    path = lessons_dir / "test-course" / "03-risky.md"
    path.write_text(
        "---\ntitle: Risky\nmodule: Second module\norder: 3\nminutes: 1\n---\n\n"
        "Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n",
        encoding="utf-8",
    )

    report = import_content(db.session, lessons_dir, quizzes_dir)

    assert report.ok
    revision = lesson("risky").published_revision
    assert "<script" in revision.source
    assert "<script" not in revision.html.lower()
    assert "javascript:" not in revision.html.lower()
    assert "onerror" not in revision.html.lower()
    assert "Hello" in revision.html


def test_export_round_trips_to_the_same_hashes(app, tmp_path):
    import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
    out = tmp_path / "export"

    written = export_content(db.session, out)

    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "lessons/test-course/01-first-lesson.md",
        "lessons/test-course/02-second-lesson.md",
        "lessons/test-course/course.yaml",
        "lessons/test-course/zh_CN/01-first-lesson.md",
        "lessons/test-course/zh_CN/course.yaml",
        "quizzes/first-lesson.yaml",
        "quizzes/zh_CN/first-lesson.yaml",
    ]
    content = load_content(out / "lessons", out / "quizzes")
    assert content.errors == []
    for lesson_file in content.lessons:
        stored = lesson(lesson_file.slug)
        assert lesson_file.order == stored.position
        assert lesson_hash(lesson_file.title, lesson_file.summary, lesson_file.minutes,
                           lesson_file.module, lesson_file.body, lesson_file.reflection,
                           lesson_file.objectives, lesson_file.discussion
                           ) == stored.published_revision.content_hash
    [quiz_file] = content.quizzes
    version = lesson(quiz_file.lesson_slug).quiz.current_version
    assert quiz_hash(quiz_file.pass_mark, quiz_file.max_attempts, quiz_file.questions) == (
        version.content_hash
    )
    # Importing the exported files changes nothing.
    report = import_content(db.session, out / "lessons", out / "quizzes")
    assert (report.created, report.revised, report.errors) == ([], [], [])


def assert_reimport_is_a_no_op(out: Path) -> None:
    assert load_content(out / "lessons", out / "quizzes").errors == []
    report = import_content(db.session, out / "lessons", out / "quizzes")
    assert (report.created, report.revised, report.errors) == ([], [], [])


# Empty optional fields are written as '' by the exporter, which the loader must accept.
def test_export_round_trips_a_lesson_without_summary(app, tree, tmp_path):
    lessons_dir, quizzes_dir = tree
    edit(lessons_dir / "test-course" / "02-second-lesson.md", "summary: A lesson without a quiz.\n", "")
    assert import_content(db.session, lessons_dir, quizzes_dir).ok

    export_content(db.session, tmp_path / "export")

    assert_reimport_is_a_no_op(tmp_path / "export")


def test_export_round_trips_a_course_without_description(app, tree, tmp_path):
    lessons_dir, quizzes_dir = tree
    edit(lessons_dir / "test-course" / "course.yaml", "description: A small course the tests import.\n", "")
    assert import_content(db.session, lessons_dir, quizzes_dir).ok

    export_content(db.session, tmp_path / "export")

    assert_reimport_is_a_no_op(tmp_path / "export")


def test_a_quiz_follows_its_lesson_into_a_renamed_course(app, tree):
    lessons_dir, quizzes_dir = tree
    import_content(db.session, lessons_dir, quizzes_dir)
    (lessons_dir / "test-course").rename(lessons_dir / "renamed-course")

    report = import_content(db.session, lessons_dir, quizzes_dir)

    assert report.ok, report.errors
    db.session.expire_all()
    renamed = db.session.scalar(sa.select(Course).where(Course.slug == "renamed-course"))
    first = next(x for x in renamed.lessons if x.slug == "first-lesson")
    assert first.quiz is not None
    assert first.quiz.current_version.pass_mark == 60
