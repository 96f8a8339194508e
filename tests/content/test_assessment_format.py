"""The assessment keys of the content format: lesson `objectives`, a quiz's `draw` and `review`, a
question's `objective` and an option's `pinned`. Each broken file is one error naming the file and
the line, and translations must keep them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courseware.content.loader import load_content
from courseware.content.rendering import lesson_hash, quiz_hash
from courseware.content.translations import same_quiz
from tests.conftest import TEST_DATA
from tests.content.test_loader import make_tree, only_error

OBJECTIVES = """\
objectives:
  - id: spot-the-sign
    text: Spot a sign of habitual thinking in a meeting.
  - id: name-the-cost
    text: Name what inertia costs the company.
"""


def lesson_with(extra: str = OBJECTIVES) -> str:
    # Line 1 is '---'; the five fields are on lines 2-6 and `extra` starts on line 7.
    return ("---\ntitle: A lesson\nmodule: First module\norder: 1\nminutes: 3\nsummary: S.\n"
            f"{extra}---\n\nSome text.\n")


def question(qid: str, objective: str | None = "spot-the-sign", pinned: str = "") -> str:
    line = f"    objective: {objective}\n" if objective else ""
    return (f"  - id: {qid}\n    type: single\n    prompt: Pick one\n{line}    options:\n"
            "      - text: Right\n        correct: true\n        explain: It is right.\n"
            f"      - text: None of these\n        explain: Not so.\n{pinned}")


PINNED_LAST = "        pinned: true\n"


def quiz(*questions: str, head: str = "") -> str:
    return "pass_mark: 60\n" + head + "questions:\n" + "".join(questions)


def test_objectives_draw_review_and_pinned_load(tmp_path):
    text = quiz(question("q1", pinned=PINNED_LAST), question("q2", "name-the-cost"),
                head="draw: 1\nreview: never\n")
    content = load_content(*make_tree(tmp_path, {"01-first.md": lesson_with()}, {"first.yaml": text}))

    assert content.errors == []
    assert content.lessons[0].objectives == [
        {"id": "spot-the-sign", "text": "Spot a sign of habitual thinking in a meeting."},
        {"id": "name-the-cost", "text": "Name what inertia costs the company."}]
    loaded = content.quizzes[0]
    assert (loaded.draw, loaded.review) == (1, "never")
    assert [q["objective"] for q in loaded.questions] == ["spot-the-sign", "name-the-cost"]
    assert loaded.questions[0]["options"][1]["pinned"] is True
    assert "pinned" not in loaded.questions[0]["options"][0]
    assert "pinned" not in loaded.questions[1]["options"][1]


def test_without_the_new_keys_nothing_changes(tmp_path):
    text = quiz(question("q1", None))
    content = load_content(*make_tree(tmp_path, {"01-first.md": lesson_with("")}, {"first.yaml": text}))
    assert content.errors == []
    assert content.lessons[0].objectives == []
    loaded = content.quizzes[0]
    assert (loaded.draw, loaded.review) == (None, "after_pass")
    assert "objective" not in loaded.questions[0]
    # Hashes as before the keys existed: unchanged files import as unchanged.
    assert quiz_hash(60, None, loaded.questions, None, "after_pass") == quiz_hash(60, None, loaded.questions)
    assert lesson_hash("T", "S", 3, "M", "B", "", []) == lesson_hash("T", "S", 3, "M", "B")


QUIZ_CASES = {
    "draw 0": (quiz(question("q1"), head="draw: 0\n"), 2, "'draw' must be at least 1"),
    "draw above the bank": (quiz(question("q1"), head="draw: 2\n"), 2, "got 2"),
    "draw not a number": (quiz(question("q1"), head="draw: six\n"), 2, "'draw' must be a whole number"),
    "unknown review": (quiz(question("q1"), head="review: sometimes\n"), 2,
                       "'review' must be one of after_pass, always, never, got 'sometimes'"),
    "unknown objective": (quiz(question("q1", "tell-a-story")), 6,
                          "objective 'tell-a-story' is not one of the lesson's objectives"),
    "question without objective": (quiz(question("q1"), question("q2", None)), 13,
                                   "question 2 (q2) has no 'objective'"),
    "pinned not last": (quiz(question("q1").replace(
        "        explain: It is right.\n", "        explain: It is right.\n" + PINNED_LAST)), 11,
        "only a question's last option may be pinned"),
    "pinned not a boolean": (quiz(question("q1", pinned="        pinned: yes please\n")), 13,
                             "'pinned' must be true or false"),
}


@pytest.mark.parametrize("text, line, message", QUIZ_CASES.values(), ids=QUIZ_CASES.keys())
def test_a_broken_assessment_key_is_one_error_at_its_line(tmp_path, text, line, message):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {"01-first.md": lesson_with()}, {"first.yaml": text})

    content = load_content(lessons_dir, quizzes_dir)

    error = only_error(content)
    assert (error.path, error.line) == (str(quizzes_dir / "first.yaml"), line)
    assert message in error.message
    assert str(error).startswith(f"{error.path}:{line}: ")
    assert content.quizzes == []


def test_an_objective_when_the_lesson_has_none_is_an_error(tmp_path):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {"01-first.md": lesson_with("")},
                                         {"first.yaml": quiz(question("q1"))})
    error = only_error(load_content(lessons_dir, quizzes_dir))
    assert error.line == 6 and "the lesson" in error.message and "has no objectives" in error.message


LESSON_CASES = {
    "one objective": ("objectives:\n  - id: only\n    text: Just one.\n", 7, "2 to 4 objectives"),
    "bad id": (OBJECTIVES.replace("name-the-cost", "Name_the_cost"), 10, "id 'Name_the_cost'"),
    "duplicate id": (OBJECTIVES.replace("name-the-cost", "spot-the-sign"), 10, "used twice"),
    "text too long": (OBJECTIVES.replace("Name what", "x" * 200), 11, "at most 200 characters, got"),
    "unknown key": (OBJECTIVES + "    why: because\n", 12, "unknown field 'why'"),
}


@pytest.mark.parametrize("extra, line, message", LESSON_CASES.values(), ids=LESSON_CASES.keys())
def test_broken_objectives_are_one_error_at_their_line(tmp_path, extra, line, message):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {"01-first.md": lesson_with(extra)})
    error = only_error(load_content(lessons_dir, quizzes_dir))
    assert (error.path, error.line) == (str(lessons_dir / "course" / "01-first.md"), line)
    assert message in error.message


# --- translations -------------------------------------------------------------------------------

@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(TEST_DATA / "content", root)
    return root


def _add(path: Path, after: str, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert after in content
    path.write_text(content.replace(after, after + text, 1), encoding="utf-8")


def test_a_translation_with_other_objectives_is_reported_at_its_objectives_line(tree):
    lessons = tree / "lessons" / "test-course"
    _add(lessons / "01-first-lesson.md", "summary: What the first lesson is about.\n",
         "objectives:\n  - id: one\n    text: One.\n  - id: two\n    text: Two.\n")
    _add(lessons / "zh_CN" / "01-first-lesson.md", "summary: 第一课讲什么。\n",
         "objectives:\n  - id: two\n    text: 二。\n  - id: one\n    text: 一。\n")
    content = load_content(tree / "lessons", tree / "quizzes")
    [error] = [e for e in content.errors if "zh_CN/01-first-lesson.md" in e.path]
    assert error.line == 7
    assert "objectives two, one differ from the original's (one, two" in error.message


def test_a_translated_quiz_must_keep_draw_review_objectives_and_pins(tree):
    zh = tree / "quizzes" / "zh_CN" / "first-lesson.yaml"
    _add(tree / "quizzes" / "first-lesson.yaml", "pass_mark: 60\n", "draw: 2\nreview: always\n")
    _add(zh, "pass_mark: 60\n", "draw: 3\n")
    content = load_content(tree / "lessons", tree / "quizzes")
    messages = [(e.line, e.message) for e in content.errors if "zh_CN" in e.path]
    assert (2, "'draw' is 3, the original " + str(tree / "quizzes" / "first-lesson.yaml") + " has 2") \
        in messages
    assert any(line == 1 and "'review' is after_pass" in message for line, message in messages)


def test_same_quiz_compares_pins_and_objectives():
    from types import SimpleNamespace
    options = [{"key": "a", "correct": True}, {"key": "b", "correct": False}]
    one = SimpleNamespace(pass_mark=60, questions=[{"id": "q", "type": "single", "options": options}])
    pinned = [options[0], {**options[1], "pinned": True}]
    other = SimpleNamespace(pass_mark=60, questions=[{"id": "q", "type": "single", "options": pinned}])
    aimed = SimpleNamespace(pass_mark=60, questions=[{"id": "q", "type": "single", "objective": "x",
                                                      "options": options}])
    assert same_quiz(one, one) and not same_quiz(one, other) and not same_quiz(one, aimed)
