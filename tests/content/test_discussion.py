"""A lesson's team discussion guide in its front matter (`discussion:`): read and checked by the
loader, each problem one error naming the file and the line; stored by the import, written back by
the export, and compared between a translation and its original."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from courseware.content.exporter import export_content
from courseware.content.loader import load_content
from courseware.extensions import db
from courseware.models import Lesson
from courseware.services.authoring.content_import import import_content
from tests.conftest import TEST_DATA, TEST_LESSONS, TEST_QUIZZES
from tests.content.test_loader import make_tree, only_error

# Line 1 is '---'; `discussion:` is on line 7, its parts on lines 8 to 14.
HEAD = "---\ntitle: A lesson\nmodule: First module\norder: 1\nminutes: 3\nsummary: A summary.\n"
GUIDE = """\
discussion:
  opening: "Where did you see this last week?"
  case: "A team met its target but lost two customers. What happened?"
  questions:
    - "What does the number show?"
    - "What does it hide?"
    - "What would you change first?"
  record: "One thing to keep and one to change."
  follow_up: "Ask again at next Monday's meeting."
"""
BODY = "---\n\nSome text.\n"


def lesson_with(guide: str) -> str:
    return HEAD + guide + BODY


def test_the_test_lesson_has_its_guide_in_both_languages():
    content = load_content(TEST_LESSONS, TEST_QUIZZES)
    assert content.errors == []
    first = content.lessons_of("test-course")[0]
    assert first.discussion is not None
    assert first.discussion["opening"] == "What did the first lesson change in how you see your own work?"
    # A folded paragraph becomes one line; three questions, in order.
    assert first.discussion["case"].startswith("A department met its numbers for the half year, yet two")
    assert "\n" not in first.discussion["case"]
    assert len(first.discussion["questions"]) == 3
    assert content.lessons_of("test-course")[1].discussion is None
    chinese = content.translated_lessons[0]
    assert chinese.discussion["record"] == "团队要继续做的一件事，和要改变的一件事。"


def test_a_good_guide_loads(tmp_path):
    content = load_content(*make_tree(tmp_path, {"01-first.md": lesson_with(GUIDE)}))
    assert content.errors == []
    assert content.lessons[0].discussion == {
        "opening": "Where did you see this last week?",
        "case": "A team met its target but lost two customers. What happened?",
        "questions": ["What does the number show?", "What does it hide?", "What would you change first?"],
        "record": "One thing to keep and one to change.",
        "follow_up": "Ask again at next Monday's meeting.",
    }


BROKEN = {
    "not a mapping": ("discussion: just a sentence\n", 7, "'discussion' must be a mapping"),
    "unknown part": (GUIDE.replace("  record:", "  notes: x\n  record:"), 14, "unknown field 'notes'"),
    "a part missing": (GUIDE.replace('  follow_up: "Ask again at next Monday\'s meeting."\n', ""), 7,
                       "'follow_up' is required"),
    "an empty part": (GUIDE.replace('"Where did you see this last week?"', '""'), 8,
                      "'opening' must not be empty"),
    "two questions": (GUIDE.replace('    - "What would you change first?"\n', ""), 10,
                      "'questions' must be a list of exactly 3 questions"),
    "four questions": (GUIDE.replace('    - "What does it hide?"\n',
                                     '    - "What does it hide?"\n    - "And then?"\n'), 10,
                       "exactly 3 questions"),
    "an empty question": (GUIDE.replace('"What does it hide?"', '""'), 12,
                          "question 2 of the discussion must be a non-empty text"),
    "a long opening": (GUIDE.replace("Where did you see this last week?", "x" * 601), 8,
                       "'opening' must be at most 600 characters, got 601"),
    "a long case": (GUIDE.replace("A team met its target but lost two customers. What happened?",
                                  "y" * 1201), 9, "'case' must be at most 1200 characters, got 1201"),
    "two paragraphs": (GUIDE.replace('  case: "A team met its target but lost two customers. What happened?"',
                                     "  case: |\n    First paragraph.\n\n    Second paragraph."), 9,
                       "'case' must be one paragraph"),
}


@pytest.mark.parametrize("guide, line, message", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_guide_is_one_error_at_its_line(tmp_path, guide, line, message):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {"01-first.md": lesson_with(guide)})

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert error.path == str(lessons_dir / "course" / "01-first.md")
    assert (error.line, message in error.message) == (line, True), str(error)
    assert content.lessons == []


def test_a_case_of_1200_characters_is_fine(tmp_path):
    guide = GUIDE.replace("A team met its target but lost two customers. What happened?", "z" * 1200)
    content = load_content(*make_tree(tmp_path, {"01-first.md": lesson_with(guide)}))
    assert content.errors == [] and len(content.lessons[0].discussion["case"]) == 1200


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(TEST_DATA / "content", root)
    return root


def _drop_guide(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index("discussion:"), text.index("\n---\n")
    path.write_text(text[:start] + text[end + 1:], encoding="utf-8")


def test_a_translation_without_the_original_guide_is_reported(tree):
    _drop_guide(tree / "lessons" / "test-course" / "zh_CN" / "01-first-lesson.md")
    error = only_error(load_content(tree / "lessons", tree / "quizzes"))
    assert "zh_CN/01-first-lesson.md" in error.path
    assert "has a 'discussion' guide: translate it here too" in error.message


def test_a_translation_with_a_guide_its_original_lacks_is_reported(tree):
    _drop_guide(tree / "lessons" / "test-course" / "01-first-lesson.md")
    error = only_error(load_content(tree / "lessons", tree / "quizzes"))
    assert "zh_CN/01-first-lesson.md" in error.path and error.line == 7
    assert "has no 'discussion' guide" in error.message


def test_import_stores_the_guide_and_export_writes_it_back(app, tree, tmp_path):
    report = import_content(db.session, tree / "lessons", tree / "quizzes")
    assert report.ok, [str(e) for e in report.errors]
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "first-lesson"))
    assert lesson.published_revision.discussion["follow_up"] == (
        "Ask each person in next week's meeting what they changed.")
    chinese = lesson.published_revision_in("zh_CN").discussion
    assert chinese["opening"] == "第一课改变了您看待自己工作的哪一点？"

    out = tmp_path / "out"
    export_content(db.session, out)
    exported = load_content(out / "lessons", out / "quizzes")
    assert exported.errors == []
    assert exported.lessons_of("test-course")[0].discussion == lesson.published_revision.discussion
    # Importing what was exported changes nothing.
    again = import_content(db.session, out / "lessons", out / "quizzes")
    assert (again.created, again.revised) == ([], [])


def test_importing_the_same_files_twice_creates_no_revision(app, tree):
    import_content(db.session, tree / "lessons", tree / "quizzes")
    again = import_content(db.session, tree / "lessons", tree / "quizzes")
    assert (again.created, again.revised) == ([], [])
    path = tree / "lessons" / "test-course" / "01-first-lesson.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("what they changed.", "what they changed since."), encoding="utf-8")
    changed = import_content(db.session, tree / "lessons", tree / "quizzes")
    assert changed.revised == [str(path)]
