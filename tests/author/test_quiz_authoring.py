"""The quiz editor: versions that never change once published, so old attempts keep their meaning."""
from __future__ import annotations

import re

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import Quiz, QuizAttempt, QuizVersion
from courseware.services.authoring import quiz_drafts, quizzes
from courseware.services.authoring.quiz_drafts import OptionDraft, QuestionDraft, QuizDraft
from tests.author.conftest import lesson_named

LESSON_2 = "/courses/test-course/second-lesson"


def versions_of_second() -> list[QuizVersion]:
    db.session.expire_all()
    quiz = lesson_named("second-lesson").quiz
    return list(quiz.versions_in("en")) if quiz else []


def question(qid: str, prompt: str, correct: set[int], kind: str = "single", count: int = 3) -> dict:
    return {"id": qid, "type": kind, "prompt": prompt,
            "options": [{"text": f"{prompt} option {i}", "correct": i in correct,
                         "explain": f"Why option {i} of {qid}"} for i in range(count)]}


FIVE = [question(f"q{n}", f"Question {n}", {0}) for n in range(1, 6)]


def quiz_form(questions: list[dict], base: str, pass_mark=80, attempts="", note="", **extra) -> dict:
    data = {"pass_mark": str(pass_mark), "max_attempts": str(attempts), "base": base, "note": note,
            "action": "save"}
    for i, q in enumerate(questions):
        data[f"questions-{i}-question_id"] = q["id"]
        data[f"questions-{i}-question_type"] = q["type"]
        data[f"questions-{i}-prompt"] = q["prompt"]
        for j, option in enumerate(q["options"]):
            prefix = f"questions-{i}-options-{j}"
            data[f"{prefix}-text"] = option["text"]
            data[f"{prefix}-explain"] = option["explain"]
            if option.get("correct"):
                data[f"{prefix}-correct"] = "y"
    data.update(extra)
    return data


def base_of(page: str) -> str:
    return re.search(r'name="base" type="hidden" value="([^"]*)"', page).group(1)


def open_editor(president, lesson) -> str:
    response = president.get(f"/author/lessons/{lesson.id}/quiz")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def publish(president, lesson, questions, **kwargs):
    base = base_of(open_editor(president, lesson))
    return president.post(f"/author/lessons/{lesson.id}/quiz",
                          data=quiz_form(questions, base, action="publish", **kwargs))


def take(client, answers: dict[str, list[str]]) -> str:
    page = client.get(f"{LESSON_2}/quiz").get_data(as_text=True)
    attempt = re.search(r'name="attempt_id" value="(\d+)"', page).group(1)
    response = client.post(f"{LESSON_2}/quiz", data={"attempt_id": attempt,
                                                     **{f"q-{k}": v for k, v in answers.items()}})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_an_old_attempt_keeps_its_version_and_score_after_the_key_changes(president, manager, second):
    assert publish(president, second, FIVE, note="First version").status_code == 303
    # Right on q1, q3 and q5; wrong on q2 and q4: 3 of 5.
    review_url = take(manager, {"q1": ["a"], "q2": ["b"], "q3": ["a"], "q4": ["c"], "q5": ["a"]})
    before = manager.get(review_url).get_data(as_text=True)
    assert "3 of 5 correct" in before and "60%" in before and "Not passed" in before

    changed = [dict(q) for q in FIVE]
    changed[1] = question("q2", "Question 2, reworded for version 2", {1})
    response = publish(president, second, changed, note="Fixed the key of question 2")

    assert response.status_code == 303
    quiz = lesson_named("second-lesson").quiz
    v1, v2 = quiz.versions_in("en")
    assert (v1.number, v2.number, quiz.current_version_id) == (1, 2, v2.id)
    assert v1.questions[1]["prompt"] == "Question 2" and v1.questions[1]["options"][0]["correct"]
    assert v2.questions[1]["options"][1]["correct"] and not v2.questions[1]["options"][0]["correct"]
    assert v2.note == "Fixed the key of question 2" and v2.author_id == president.user.id
    # The old attempt: same version, same score, same text.
    after = manager.get(review_url).get_data(as_text=True)
    assert "3 of 5 correct" in after and "60%" in after
    assert "Question 2" in after and "reworded for version 2" not in after
    old_attempt = db.session.scalar(sa.select(QuizAttempt))
    assert (old_attempt.quiz_version_id, old_attempt.score, old_attempt.correct_count) == (v1.id, 60, 3)
    # A new attempt is on version 2, with its text and its key: b is now right for q2.
    page = manager.get(f"{LESSON_2}/quiz").get_data(as_text=True)
    assert "Question 2, reworded for version 2" in page
    new_review = manager.get(take(manager, {"q1": ["a"], "q2": ["b"], "q3": ["a"], "q4": ["a"],
                                            "q5": ["a"]})).get_data(as_text=True)
    assert "5 of 5 correct" in new_review and "Passed with 100%" in new_review
    newest = db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.id)).all()[-1]
    assert newest.quiz_version_id == v2.id


def test_a_draft_is_saved_with_its_problems_and_cannot_be_published(president, manager, second):
    bad = [
        question("q1", "Two right answers for a single choice", {0, 1}),
        question("q2", "No right answer", set(), kind="multiple"),
        question("q3", "Only one option", {0}, count=1),
        {**question("q4", "", {0}), "options": [{"text": "", "correct": True, "explain": ""},
                                                 {"text": "B", "correct": False, "explain": "b"}]},
    ]
    base = base_of(open_editor(president, second))

    refused = president.post(f"/author/lessons/{second.id}/quiz", data=quiz_form(bad, base, action="publish"))

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "The quiz cannot be published yet" in page
    assert "A single-choice question needs exactly one correct option, found 2." in page
    assert "A multiple-choice question needs at least one correct option." in page
    assert "Needs at least two options." in page
    assert "Write the question." in page and "Write the option&#39;s text." in page
    assert "Explain why this option is right or wrong" in page
    assert "Two right answers for a single choice" in page  # the author's text is kept
    assert lesson_named("second-lesson").quiz is None

    saved = president.post(f"/author/lessons/{second.id}/quiz", data=quiz_form(bad, base))

    assert saved.status_code == 303
    page = president.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Draft saved. Fix the 6 problems marked below before you publish it." in page
    [draft] = versions_of_second()
    assert draft.published_at is None and lesson_named("second-lesson").quiz.current_version_id is None
    assert manager.get(f"{LESSON_2}/quiz").status_code == 404  # a draft quiz is not a quiz yet


def test_numbers_are_checked_next_to_their_fields(president, second):
    base = base_of(open_editor(president, second))

    response = president.post(f"/author/lessons/{second.id}/quiz",
                              data=quiz_form(FIVE, base, pass_mark="0", attempts="0"))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="pass_mark-error">The pass mark is a percentage from 1 to 100.' in page
    assert ('id="max_attempts-error">Allow at least 1 attempt, or leave it empty for unlimited '
            'attempts.') in page
    # Once next to its field, once in the summary at the top as a link to the field.
    assert page.count("The pass mark is a percentage from 1 to 100.") == 2
    assert '<a href="#pass_mark">The pass mark is a percentage from 1 to 100.</a>' in page


def test_questions_and_options_are_added_moved_and_removed_without_javascript(president, second):
    page = open_editor(president, second)
    assert "Question 1" in page and 'name="questions-0-options-1-text"' in page  # one empty question
    base = base_of(page)
    two = [question("q1", "First?", {0}), question("q2", "Second?", {1})]

    def edit(questions, action):
        response = president.post(f"/author/lessons/{second.id}/quiz",
                                  data=quiz_form(questions, base, edit=action))
        assert response.status_code == 200
        return response.get_data(as_text=True)

    added = edit(two, "add-question")
    assert 'name="questions-2-question_id" type="hidden" value="question-3"' in added
    assert "First?</textarea>" in added and "Second?</textarea>" in added

    moved = edit(two, "up-question-1")
    assert moved.index("Second?</textarea>") < moved.index("First?</textarea>")

    option = edit(two, "add-option-0")
    assert 'name="questions-0-options-3-text"' in option

    up = edit(two, "up-option-1-1")
    assert up.index("Second? option 1</textarea>") < up.index("Second? option 0</textarea>")
    assert re.search(r'id="questions-1-options-0-correct" name="questions-1-options-0-correct" '
                     r'type="checkbox" value="y"', up)  # the correct mark moved with its option
    assert 'checked id="questions-1-options-0-correct"' in up

    removed = edit(two, "remove-question-0")
    assert "First?" not in removed and "Second?</textarea>" in removed
    assert versions_of_second() == []  # nothing saved


def test_apply_edit_refuses_unknown_or_stale_buttons():
    draft = QuizDraft(80, None, [QuestionDraft("q1", options=[OptionDraft("a"), OptionDraft("b")])])
    for edit in ("explode", "remove-question-5", "up-option-0-9", "add-option-3"):
        try:
            quiz_drafts.apply_edit(draft, edit)
        except quizzes.ValidationError:
            continue
        raise AssertionError(edit)
    assert len(draft.questions) == 1  # the original is untouched


def test_a_quiz_saved_by_someone_else_meanwhile_is_a_conflict(signed_in, second):
    alice, bob = signed_in("president"), signed_in("president")
    base = base_of(open_editor(alice, second))
    assert alice.post(f"/author/lessons/{second.id}/quiz", data=quiz_form(FIVE, base)).status_code == 303

    mine = [question("bob-1", "Bob's own question", {0})]
    response = bob.post(f"/author/lessons/{second.id}/quiz", data=quiz_form(mine, base))

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This quiz changed while you were editing it" in page
    assert "Bob&#39;s own question</textarea>" in page
    [draft] = versions_of_second()
    assert len(draft.questions) == 5
    again = bob.post(f"/author/lessons/{second.id}/quiz", data=quiz_form(mine, base_of(page)))
    assert again.status_code == 303
    assert [q["id"] for q in versions_of_second()[0].questions] == ["bob-1"]


def test_a_quiz_with_attempts_is_archived_not_deleted(president, manager, second):
    publish(president, second, FIVE)
    review_url = take(manager, {"q1": ["a"], "q2": ["a"], "q3": ["a"], "q4": ["a"], "q5": ["a"]})

    refused = president.post(f"/author/lessons/{second.id}/quiz/delete")
    assert refused.status_code == 409
    assert "This quiz has 1 attempt, which must stay reviewable" in refused.get_data(as_text=True)

    assert president.post(f"/author/lessons/{second.id}/quiz/archive").status_code == 303

    quiz = lesson_named("second-lesson").quiz
    assert quiz.archived_at is not None and quiz.current_version is not None
    assert manager.get(f"{LESSON_2}/quiz").status_code == 404
    assert "100%" in manager.get(review_url).get_data(as_text=True)
    assert "Quiz archived" in president.get("/author/").get_data(as_text=True)

    president.post(f"/author/lessons/{second.id}/quiz/reinstate")
    assert lesson_named("second-lesson").quiz.archived_at is None
    assert manager.get(f"{LESSON_2}/quiz").status_code == 200


def test_a_quiz_nobody_took_can_be_deleted_and_a_draft_discarded(president, second):
    publish(president, second, FIVE)
    base = base_of(open_editor(president, second))
    president.post(f"/author/lessons/{second.id}/quiz", data=quiz_form(FIVE[:2], base))
    versions = lesson_named("second-lesson").quiz.versions_in("en")
    assert [v.published_at is None for v in versions] == [False, True]

    president.post(f"/author/lessons/{second.id}/quiz/discard")
    assert len(lesson_named("second-lesson").quiz.versions_in("en")) == 1

    response = president.post(f"/author/lessons/{second.id}/quiz/delete")
    assert response.status_code == 303
    assert lesson_named("second-lesson").quiz is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 1  # the first lesson's
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizVersion)) == 2  # en, zh_CN


def test_publishing_an_unchanged_quiz_is_refused_and_versions_are_listed(president, first):
    response = publish(president, first, [
        {"id": q["id"], "type": q["type"], "prompt": q["prompt"], "options": q["options"]}
        for q in first.quiz.current_version.questions], pass_mark=60)

    assert response.status_code == 422
    assert "This is the same as the published version 1" in response.get_data(as_text=True)
    page = open_editor(president, first)
    assert "Learners take version 1." in page and "Published now" in page
    version = president.get(f"/author/lessons/{first.id}/quiz/versions/1").get_data(as_text=True)
    assert "Which option is the right one?" in version and "Right because it is right." in version
    assert president.get(f"/author/lessons/{first.id}/quiz/versions/7").status_code == 404


def test_an_editing_button_keeps_the_authors_place(president, second):
    # No script: the page comes back with `autofocus` on the new question's text, on the question
    # before a removed one (the list's heading when none), or on the moved question's arrow.
    base = base_of(open_editor(president, second))
    two = [question("q1", "First?", {0}), question("q2", "Second?", {1})]

    def focused(questions, action):
        response = president.post(f"/author/lessons/{second.id}/quiz",
                                  data=quiz_form(questions, base, edit=action))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert page.count("autofocus") == 1, action
        return re.search(r'<[^>]*\bautofocus\b[^>]*>', page).group(0)

    assert 'id="questions-2-prompt"' in focused(two, "add-question")
    assert 'id="questions-0-prompt"' in focused(two, "remove-question-1")
    assert 'id="questions-title"' in focused(two, "remove-question-0")
    assert 'id="questions-1-options-3-text"' in focused(two, "add-option-1")
    assert 'id="questions-1-options-0-text"' in focused(two, "remove-option-1-1")
    assert 'id="questions-1-prompt"' in focused(two, "remove-option-1-0")
    assert 'id="down-question-0"' in focused(two, "up-question-1")  # first now: its ↑ is disabled
    assert 'id="down-option-0-1"' in focused(two, "down-option-0-0")
    assert 'id="up-option-0-2"' in focused(two, "down-option-0-1")  # last now: its ↓ is disabled
    assert 'id="up-option-0-1"' in focused(two, "up-option-0-2")


def test_the_arrows_name_starts_with_the_arrow_it_shows(president, second):
    # WCAG 2.5.3, label in name: the visible "↑" is part of "↑ Move question 1 up".
    base = base_of(open_editor(president, second))
    two = [question("q1", "First?", {0}), question("q2", "Second?", {1})]
    page = president.post(f"/author/lessons/{second.id}/quiz",
                          data=quiz_form(two, base, edit="add-option-0")).get_data(as_text=True)
    assert 'aria-label="↑ Move question 2 up"' in page and 'aria-label="↓ Move question 1 down"' in page
    assert 'aria-label="↑ Move option B of question 1 up"' in page
    assert "autofocus" not in president.get(f"/author/lessons/{second.id}/quiz").get_data(as_text=True)
