"""Versions of the course files in another language (lessons/<course>/zh_CN/, quizzes/zh_CN/): the
loader reads them beside their originals and reports, with file and line, every way a translation
differs in shape from its original; import is idempotent and export writes them back."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from courseware.content.exporter import export_content
from courseware.content.loader import load_content
from courseware.extensions import db
from courseware.models import Course, LessonRevision, QuizVersion
from courseware.services.authoring.content_import import import_content
from tests.conftest import TEST_DATA, TEST_LESSONS, TEST_QUIZZES

ZH_QUIZ = Path("quizzes") / "zh_CN" / "first-lesson.yaml"
ZH_LESSON = Path("lessons") / "test-course" / "zh_CN" / "01-first-lesson.md"


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(TEST_DATA / "content", root)
    return root


def load(root: Path):
    return load_content(root / "lessons", root / "quizzes")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(content) -> list[tuple[str, int | None, str]]:
    return [(Path(e.path).name, e.line, e.message) for e in content.errors]


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


def test_the_test_tree_has_a_chinese_version_of_the_first_lesson_and_its_quiz():
    content = load_content(TEST_LESSONS, TEST_QUIZZES)
    assert content.errors == []
    assert [(c.slug, c.language, c.title) for c in content.translated_courses] == [
        ("test-course", "zh_CN", "测试课程")]
    assert [(x.slug, x.language, x.module) for x in content.translated_lessons] == [
        ("first-lesson", "zh_CN", "第一单元")]
    assert [(q.lesson_slug, q.language) for q in content.translated_quizzes] == [("first-lesson", "zh_CN")]
    # The originals are unchanged by the translations beside them.
    assert [x.slug for x in content.lessons] == ["first-lesson", "second-lesson"]
    assert [q.language for q in content.quizzes] == ["en"]


def test_a_translated_quiz_with_a_question_less_is_reported_at_its_questions_line(tree):
    path = tree / ZH_QUIZ
    edit(path, "  - id: true-or-false\n    type: true_false\n    prompt: 这句话是对的。\n"
               "    options:\n      - text: 对\n        correct: true\n        explain: 它是对的。\n"
               "      - text: 错\n        explain: 它不是错的。\n", "")
    content = load(tree)
    [(name, line, message)] = errors(content)
    assert (name, line) == ("first-lesson.yaml", line_of(path, "questions:"))
    assert "has 2 questions" in message and "has 3" in message
    assert content.translated_quizzes == [] and len(content.quizzes) == 1


def test_a_translated_question_with_an_option_less_is_reported_at_its_options_line(tree):
    path = tree / ZH_QUIZ
    edit(path, "      - text: 另一个错的\n        explain: 也是错的。\n", "")
    [(name, line, message)] = errors(load(tree))
    assert line == line_of(path, "options:")  # the first question's options
    assert "question 1 (pick-one) has 2 options, the original's has 3" in message


def test_a_changed_question_id_and_another_right_answer_are_reported(tree):
    path = tree / ZH_QUIZ
    edit(path, "      - text: 错的乙\n        explain:", "      - text: 错的乙\n        correct: true\n"
               "        explain:")
    edit(path, "id: true-or-false", "id: true-false")
    found = errors(load(tree))
    assert [(line, message.split(":")[0]) for _, line, message in found] == [
        (line_of(path, "错的乙"), "question 2 (pick-many), option 2"),
        (line_of(path, "id: true-false"), "question 3 has id 'true-false', the original's question 3 "
                                          "has id 'true-or-false'"),
    ]


def test_a_different_pass_mark_is_reported(tree):
    edit(tree / ZH_QUIZ, "pass_mark: 60", "pass_mark: 70")
    [(_, line, message)] = errors(load(tree))
    assert line == 1 and "'pass_mark' is 70" in message


def test_a_translated_lesson_without_an_original_is_reported(tree):
    shutil.copy(tree / ZH_LESSON, tree / ZH_LESSON.parent / "03-third-lesson.md")
    edit(tree / ZH_LESSON.parent / "03-third-lesson.md", "order: 1", "order: 3")
    [(name, line, message)] = errors(load(tree))
    assert (name, line) == ("03-third-lesson.md", 1)
    assert "no original lesson 'third-lesson'" in message


def test_a_translated_lesson_in_another_module_than_its_original_is_reported(tree):
    path = tree / ZH_LESSON
    edit(path, "module: 第一单元", "module: 第二单元")
    [(_, line, message)] = errors(load(tree))
    assert line == 3 and "is module 2" in message and "use '第一单元'" in message


def test_a_translated_course_with_another_number_of_modules_is_reported(tree):
    path = tree / "lessons" / "test-course" / "zh_CN" / "course.yaml"
    edit(path, "  - 第二单元\n", "")
    content = load(tree)
    [(name, line, message)] = errors(content)
    assert (name, line) == ("course.yaml", line_of(path, "modules:")) and "lists 1 modules" in message
    assert content.translated_lessons == []


def test_a_folder_that_is_not_a_language_is_reported(tree):
    (tree / "quizzes" / "fr").mkdir()
    [(name, _, message)] = errors(load(tree))
    assert name == "fr" and "zh_CN" in message


def test_a_broken_original_holds_back_its_translation_without_a_second_error(tree):
    edit(tree / "quizzes" / "first-lesson.yaml", "pass_mark: 60", "pass_mark: 101")
    content = load(tree)
    assert [name for name, _, _ in errors(content)] == ["first-lesson.yaml"]
    assert "quizzes/first-lesson.yaml" in content.errors[0].path
    assert content.translated_quizzes == []


def test_content_check_counts_the_translations(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Versions in other languages (zh_CN): 1 valid lesson(s), 1 valid quiz(zes)." in result.output


def test_content_check_prints_the_file_and_line_of_a_mismatched_translation(runner, tree):
    edit(tree / ZH_QUIZ, "      - text: 另一个错的\n        explain: 也是错的。\n", "")
    result = runner.invoke(args=["content", "check", "--lessons", str(tree / "lessons"),
                                 "--quizzes", str(tree / "quizzes")])
    assert result.exit_code == 1
    line = line_of(tree / ZH_QUIZ, "options:")
    assert f"zh_CN/first-lesson.yaml:{line}: question 1 (pick-one) has 2 options" in result.stderr


def test_importing_translations_twice_changes_nothing_and_a_changed_one_is_a_new_revision(app, tree):
    lessons, quizzes = tree / "lessons", tree / "quizzes"
    first = import_content(db.session, lessons, quizzes)
    assert first.ok, first.errors
    again = import_content(db.session, lessons, quizzes)
    assert (again.created, again.revised, again.unchanged) == ([], [], 5)

    edit(tree / ZH_LESSON, "第一课的开篇段落。", "第一课的开篇段落，改过了。")
    changed = import_content(db.session, lessons, quizzes)
    assert changed.revised == [str(tree / ZH_LESSON)]
    zh = db.session.scalars(sa.select(LessonRevision).where(LessonRevision.language == "zh_CN")
                            .order_by(LessonRevision.number)).all()
    assert [r.number for r in zh] == [1, 2]
    lesson = zh[0].lesson
    assert lesson.published_revision_in("zh_CN") is zh[1] and "改过了" in zh[1].html
    assert lesson.published_revision.language == "en" and lesson.published_revision.number == 1
    assert (lesson.title_in("zh_CN"), lesson.title_in("en")) == ("第一课", "The first lesson")
    assert zh[1].material is False
    course = db.session.scalar(sa.select(Course))
    assert course.title_in("zh_CN") == "测试课程" and course.title_in("en") == "Test Course"
    assert [m.title_in("zh_CN") for m in course.modules] == ["第一单元", "第二单元"]


def test_export_writes_the_translations_back_in_the_same_layout(app, tmp_path):
    import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
    out = tmp_path / "out"
    export_content(db.session, out)
    exported = load_content(out / "lessons", out / "quizzes")
    assert exported.errors == []
    assert (out / ZH_LESSON).is_file() and (out / ZH_QUIZ).is_file()
    assert not (out / "lessons" / "test-course" / "zh_CN" / "02-second-lesson.md").exists()
    [lesson] = exported.translated_lessons
    assert lesson.body == (TEST_DATA / "content" / ZH_LESSON).read_text(encoding="utf-8").split(
        "---\n", 2)[2].strip() + "\n"
    # Importing what was exported changes nothing.
    before = db.session.scalar(sa.select(sa.func.count(QuizVersion.id)))
    report = import_content(db.session, out / "lessons", out / "quizzes")
    assert (report.created, report.revised) == ([], [])
    assert db.session.scalar(sa.select(sa.func.count(QuizVersion.id))) == before
