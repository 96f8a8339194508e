"""The quiz editor's assessment settings: questions per attempt, what the review shows, each
question's objective (from the lesson's objectives) and a pinned last option; export writes them."""
from __future__ import annotations

import re

import yaml

from courseware.content.exporter import quiz_file_text
from tests.author.conftest import lesson_named
from tests.author.test_quiz_authoring import base_of, open_editor, quiz_form
from tests.quiz.bank import OBJECTIVES, import_bank


def bank_questions(count: int = 4) -> list[dict]:
    return [{"id": f"q{n}", "type": "single", "prompt": f"Question {n}",
             "options": [{"text": f"Option {i} of {n}", "correct": i == 0, "explain": f"Why {i} of {n}"}
                         for i in range(3)]} for n in range(1, count + 1)]


def with_settings(questions: list[dict], objectives: list[str], pinned: tuple[int, int] | None = None,
                  **extra) -> dict:
    data = {}
    for i, objective in enumerate(objectives):
        data[f"questions-{i}-objective"] = objective
    if pinned is not None:
        data[f"questions-{pinned[0]}-options-{pinned[1]}-pinned"] = "y"
    data.update(extra)
    return data


def test_the_editor_offers_the_lesson_objectives_the_draw_the_review_and_keep_last(president, tmp_path):
    import_bank(tmp_path)
    page = open_editor(president, lesson_named("habits"))
    assert "Questions per attempt" in page and "What the review shows" in page
    assert 'value="spot-the-sign"' in page and "Spot a sign of habitual thinking in a meeting." in page
    assert "Keep option D last when options are shuffled" in page
    assert re.search(r'<option selected value="after_pass"|<option value="after_pass" selected', page)


def test_publishing_keeps_the_settings_and_export_writes_them(president, tmp_path):
    import_bank(tmp_path)
    lesson = lesson_named("habits")
    questions = bank_questions()
    objectives = [OBJECTIVES[0], OBJECTIVES[1], OBJECTIVES[2], OBJECTIVES[0]]
    base = base_of(open_editor(president, lesson))
    data = quiz_form(questions, base, action="publish",
                     **with_settings(questions, objectives, pinned=(1, 2), draw="3", review="never"))
    response = president.post(f"/author/lessons/{lesson.id}/quiz", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)

    version = lesson_named("habits").quiz.current_version
    assert (version.draw, version.review_policy) == (3, "never")
    assert [q["objective"] for q in version.questions] == objectives
    assert version.questions[1]["options"][2]["pinned"] is True
    assert "pinned" not in version.questions[0]["options"][2]
    exported = yaml.safe_load(quiz_file_text(version))
    assert (exported["draw"], exported["review"]) == (3, "never")
    assert exported["questions"][1]["options"][2]["pinned"] is True
    assert exported["questions"][0]["objective"] == OBJECTIVES[0]


def test_a_question_without_objective_or_a_pin_not_last_is_not_published(president, tmp_path):
    import_bank(tmp_path)
    lesson = lesson_named("habits")
    before = lesson.quiz.current_version.number
    questions = bank_questions(2)
    base = base_of(open_editor(president, lesson))
    data = quiz_form(questions, base, action="publish",
                     **with_settings(questions, [OBJECTIVES[0], ""], pinned=(0, 0), draw="5"))
    response = president.post(f"/author/lessons/{lesson.id}/quiz", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the lesson objective this question tests." in page
    assert "Only the last option can be kept last." in page
    assert "An attempt cannot ask more questions than the quiz has (2)." in page
    assert lesson_named("habits").quiz.current_version.number == before
