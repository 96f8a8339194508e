"""load_content on the test tree and on small broken trees: each problem is one ContentError
naming the file and, where the file has lines, the line where the problem is."""
from __future__ import annotations

from pathlib import Path

import pytest

from courseware.content.loader import load_content
from courseware.content.yamlfile import ContentError
from tests.conftest import TEST_LESSONS, TEST_QUIZZES

COURSE_YAML = """\
title: A course
description: For the loader tests.
modules:
  - First module
  - Second module
"""


def lesson(order: int = 1, module: str = "First module", title: str = "A lesson",
           body: str = "Some text.\n") -> str:
    # Line 1 is '---', so the fields are on lines 2-6 and the closing '---' on line 7.
    return (
        f"---\ntitle: {title}\nmodule: {module}\norder: {order}\nminutes: 3\n"
        f"summary: A summary.\n---\n\n{body}"
    )


GOOD_QUIZ = """\
pass_mark: 60
questions:
  - id: q1
    type: single
    prompt: Pick one
    options:
      - text: Right
        correct: true
        explain: It is right.
      - text: Wrong
        explain: It is wrong.
"""


def make_tree(tmp_path: Path, lessons: dict[str, str | bytes] | None = None,
              quizzes: dict[str, str | bytes] | None = None,
              course_yaml: str = COURSE_YAML) -> tuple[Path, Path]:
    """lessons/course/<name> and quizzes/<name> under tmp_path; returns (lessons_dir, quizzes_dir)."""
    lessons_dir, quizzes_dir = tmp_path / "lessons", tmp_path / "quizzes"
    course_dir = lessons_dir / "course"
    course_dir.mkdir(parents=True)
    quizzes_dir.mkdir()
    (course_dir / "course.yaml").write_text(course_yaml, encoding="utf-8")
    if lessons is None:
        lessons = {"01-first.md": lesson()}
    for folder, files in ((course_dir, lessons), (quizzes_dir, quizzes or {})):
        for name, text in files.items():
            if isinstance(text, bytes):
                (folder / name).write_bytes(text)
            else:
                (folder / name).write_text(text, encoding="utf-8")
    return lessons_dir, quizzes_dir


def only_error(content) -> ContentError:
    assert len(content.errors) == 1, [str(e) for e in content.errors]
    return content.errors[0]


def test_the_test_tree_loads_without_errors():
    content = load_content(TEST_LESSONS, TEST_QUIZZES)

    assert content.errors == []
    assert [c.slug for c in content.courses] == ["test-course"]
    assert content.courses[0].modules == ["First module", "Second module"]
    assert [(x.slug, x.order, x.module) for x in content.lessons_of("test-course")] == [
        ("first-lesson", 1, "First module"),
        ("second-lesson", 2, "Second module"),
    ]
    assert len(content.quizzes) == 1
    quiz = content.quizzes[0]
    assert (quiz.lesson_slug, quiz.pass_mark, quiz.max_attempts) == ("first-lesson", 60, None)
    assert [q["id"] for q in quiz.questions] == ["pick-one", "pick-many", "true-or-false"]
    assert [[o["key"] for o in q["options"]] for q in quiz.questions] == [
        ["a", "b", "c"], ["a", "b", "c"], ["a", "b"],
    ]
    assert [o["correct"] for o in quiz.questions[0]["options"]] == [False, True, False]


def test_a_small_good_tree_loads(tmp_path):
    content = load_content(*make_tree(tmp_path, quizzes={"first.yaml": GOOD_QUIZ}))

    assert content.errors == []
    assert [x.slug for x in content.lessons] == ["first"]
    assert content.lessons[0].body == "Some text.\n"
    assert content.quizzes[0].lesson_slug == "first"


# --- lesson files --------------------------------------------------------------------------

LESSON_CASES = {
    "bad YAML line in front matter": (
        "---\ntitle: A lesson\nmodule: First: module\norder: 1\nminutes: 3\n---\n\nText.\n",
        3, "invalid YAML",
    ),
    "module not in course.yaml": (lesson(module="Third module"), 3, "'Third module' is not one"),
    "order does not match file name": (lesson(order=2), 4, "does not match the file name"),
    "unknown front matter field": (
        "---\ntitle: A lesson\nmodule: First module\norder: 1\nminutes: 3\nsumary: typo\n---\n\nT.\n",
        6, "unknown field 'sumary'",
    ),
    "minutes not a number": (
        "---\ntitle: A lesson\nmodule: First module\norder: 1\nminutes: ten\n---\n\nText.\n",
        5, "'minutes' must be a whole number",
    ),
    "no front matter": ("title: A lesson\n\nText.\n", 1, "must start with a '---' line"),
    "unclosed front matter": (
        "---\ntitle: A lesson\nmodule: First module\n\nText.\n", 1, "front matter is not closed",
    ),
}


@pytest.mark.parametrize("text, line, message", LESSON_CASES.values(), ids=LESSON_CASES.keys())
def test_a_broken_lesson_gives_one_error_at_its_line(tmp_path, text, line, message):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {"01-first.md": text})

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert error.path == str(lessons_dir / "course" / "01-first.md")
    assert error.line == line
    assert message in error.message
    assert str(error).startswith(f"{error.path}:{line}: ")
    assert content.lessons == []


def test_a_lesson_that_is_not_utf8_is_reported_without_a_line(tmp_path):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {"01-first.md": lesson().encode("latin-1")
                                                    + "café\n".encode("latin-1")})

    error = only_error(load_content(lessons_dir, quizzes_dir))

    assert error.path == str(lessons_dir / "course" / "01-first.md")
    assert error.line is None
    assert "not UTF-8" in error.message


@pytest.mark.parametrize("name", ["1-first.md", "01-First.md", "01_first.md", "01-first-.md"])
def test_a_bad_lesson_file_name_is_reported(tmp_path, name):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {name: lesson()})

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert error.path == str(lessons_dir / "course" / name)
    assert error.line is None
    assert "NN-lesson-slug.md" in error.message
    assert content.lessons == []


def test_a_lesson_cannot_take_the_address_of_a_course_page(tmp_path):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {"01-refresh.md": lesson()})

    error = only_error(load_content(lessons_dir, quizzes_dir))
    assert error.path == str(lessons_dir / "course" / "01-refresh.md")
    assert "'refresh' is the address of a course page" in error.message


def test_two_lessons_with_the_same_order_keep_the_first(tmp_path):
    lessons_dir, quizzes_dir = make_tree(
        tmp_path, {"01-alpha.md": lesson(), "01-beta.md": lesson(title="Beta")}
    )

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert error.path == str(lessons_dir / "course" / "01-beta.md")
    assert f"order 1 is already used by {lessons_dir / 'course' / '01-alpha.md'}" in error.message
    assert [x.slug for x in content.lessons] == ["alpha"]


def test_one_broken_lesson_does_not_stop_the_others(tmp_path):
    lessons_dir, quizzes_dir = make_tree(
        tmp_path,
        {
            "01-first.md": lesson(),
            "02-second.md": lesson(order=2, module="Nowhere"),
            "03-third.md": lesson(order=3, module="Second module"),
        },
        quizzes={"first.yaml": GOOD_QUIZ},
    )

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert error.path == str(lessons_dir / "course" / "02-second.md")
    assert error.line == 3
    assert [(x.slug, x.order) for x in content.lessons_of("course")] == [("first", 1), ("third", 3)]
    assert [q.lesson_slug for q in content.quizzes] == ["first"]


def test_a_broken_course_yaml_names_its_line_and_skips_the_course(tmp_path):
    lessons_dir, quizzes_dir = make_tree(
        tmp_path, course_yaml="title: A course\nmodules:\n  - One\n  - One\n"
    )

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert (error.path, error.line) == (str(lessons_dir / "course" / "course.yaml"), 2)
    assert "unique" in error.message
    assert content.courses == [] and content.lessons == []


# --- quiz files ----------------------------------------------------------------------------

def quiz_with(question: str, pass_mark: str = "60") -> str:
    """A quiz file whose first question starts on line 3."""
    return f"pass_mark: {pass_mark}\nquestions:\n" + question


TWO_CORRECT = quiz_with("""\
  - id: q1
    type: single
    prompt: Pick one
    options:
      - text: Right
        correct: true
        explain: It is right.
      - text: Also right
        correct: true
        explain: So is this.
""")
TRUE_FALSE_THREE = quiz_with("""\
  - id: q1
    type: true_false
    prompt: Is it?
    options:
      - text: "True"
        correct: true
        explain: Yes.
      - text: "False"
        explain: No.
      - text: Maybe
        explain: Neither.
""")
MULTIPLE_NONE_CORRECT = quiz_with("""\
  - id: q1
    type: multiple
    prompt: Which?
    options:
      - text: A
        explain: Not A.
      - text: B
        explain: Not B.
""")
TYPO_CORRECT = quiz_with("""\
  - id: q1
    type: single
    prompt: Pick one
    options:
      - text: Wrong
        explain: It is wrong.
      - text: Right
        corect: true
        explain: It is right.
""")
MISSING_EXPLAIN = quiz_with("""\
  - id: q1
    type: single
    prompt: Pick one
    options:
      - text: Right
        correct: true
        explain: It is right.
      - text: Wrong
""")
DUPLICATE_ID = GOOD_QUIZ + ("""\
  - id: q1
    type: true_false
    prompt: Again?
    options:
      - text: "True"
        correct: true
        explain: Yes.
      - text: "False"
        explain: No.
""")
UNKNOWN_TYPE = quiz_with("""\
  - id: q1
    type: essay
    prompt: Write
    options: []
""")

QUIZ_CASES = {
    "typo corect in an option": (TYPO_CORRECT, 10, "unknown field 'corect'"),
    "single with two correct options": (TWO_CORRECT, 3, "exactly one correct option, found 2"),
    "true_false with three options": (TRUE_FALSE_THREE, 3, "exactly two options, found 3"),
    "multiple with no correct option": (MULTIPLE_NONE_CORRECT, 3, "at least one correct option"),
    "missing explain": (MISSING_EXPLAIN, 10, "'explain' is required"),
    "duplicate question id": (DUPLICATE_ID, 12, "question id 'q1' is used twice"),
    "unknown question type": (UNKNOWN_TYPE, 4, "type 'essay' is not one of"),
    "pass_mark 0": (GOOD_QUIZ.replace("pass_mark: 60", "pass_mark: 0"), 1, "at least 1 and 100"),
    "pass_mark 101": (GOOD_QUIZ.replace("pass_mark: 60", "pass_mark: 101"), 1, "got 101"),
    "questions empty": ("pass_mark: 60\nquestions: []\n", 2, "'questions' must be a non-empty list"),
    "bad YAML": (GOOD_QUIZ.replace("prompt: Pick one", "prompt: Pick: one"), 5, "invalid YAML"),
}


@pytest.mark.parametrize("text, line, message", QUIZ_CASES.values(), ids=QUIZ_CASES.keys())
def test_a_broken_quiz_gives_one_error_at_its_line(tmp_path, text, line, message):
    lessons_dir, quizzes_dir = make_tree(tmp_path, quizzes={"first.yaml": text})

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert error.path == str(quizzes_dir / "first.yaml")
    assert error.line == line
    assert message in error.message
    assert content.quizzes == []
    assert [x.slug for x in content.lessons] == ["first"]


def test_a_quiz_whose_lesson_does_not_exist_is_reported(tmp_path):
    lessons_dir, quizzes_dir = make_tree(
        tmp_path, quizzes={"first.yaml": GOOD_QUIZ, "nowhere.yaml": GOOD_QUIZ}
    )

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert error.path == str(quizzes_dir / "nowhere.yaml")
    assert error.message == (
        "no lesson named 'nowhere' was loaded for this quiz "
        "(its lesson file is missing or has errors of its own)"
    )
    assert [q.lesson_slug for q in content.quizzes] == ["first"]


def test_a_quiz_that_is_not_utf8_is_reported(tmp_path):
    lessons_dir, quizzes_dir = make_tree(
        tmp_path, quizzes={"first.yaml": GOOD_QUIZ.replace("Right", "Caf\xe9").encode("latin-1")}
    )

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert error.path == str(quizzes_dir / "first.yaml")
    assert "not UTF-8" in error.message
    assert content.quizzes == []


def test_a_missing_lessons_folder_is_one_error(tmp_path):
    content = load_content(tmp_path / "nothing", tmp_path / "none")

    error = only_error(content)
    assert error.path == str(tmp_path / "nothing")
    assert "not found" in error.message


def test_a_top_level_heading_in_a_lesson_is_reported_at_its_line(tmp_path):
    body = "Intro.\n\n```\n# a comment in code is fine\n```\n\n# A second title\n"
    error = only_error(load_content(*make_tree(tmp_path, {"01-first.md": lesson(body=body)})))
    assert error.line == 15  # the body starts on line 9
    assert "use '##' for section headings" in error.message


def test_a_byte_order_mark_is_not_an_error(tmp_path):
    text = "\ufeff" + lesson()
    content = load_content(*make_tree(tmp_path, {"01-first.md": text.encode("utf-8")}))
    assert content.errors == [] and content.lessons[0].title == "A lesson"
