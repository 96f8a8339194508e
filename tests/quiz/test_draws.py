"""Each attempt draws its questions from the bank and shuffles their options, stored with the
attempt: a retake is not the same quiz again, and the attempt's page, score and review never change."""
from __future__ import annotations

import random
import re

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Quiz, QuizAttempt
from courseware.services.learning import draws, quizzes
from tests.quiz.bank import OBJECTIVES, URL, import_bank

TEST_QUIZ_URL = "/courses/test-course/first-lesson/quiz"


def asked(page: str) -> list[str]:
    """The question ids of a quiz page, in the order shown."""
    return re.findall(r'<fieldset class="question card[^"]*" id="question-([a-z0-9-]+)"', page)


def option_keys(page: str, question_id: str) -> list[str]:
    return re.findall(rf'id="q-{question_id}-([a-z])"', page)


def attempt_id(page: str) -> str:
    return re.search(r'name="attempt_id" value="(\d+)"', page).group(1)


def submit_all_wrong(client, page: str) -> None:
    # Option b is wrong in every question of the bank.
    data = {"attempt_id": attempt_id(page), **{f"q-{qid}": "b" for qid in asked(page)}}
    assert client.post(URL, data=data).status_code == 303


def test_two_attempts_differ_in_questions_and_order_and_cover_every_objective(manager, tmp_path):
    import_bank(tmp_path)
    first = manager.get(URL).get_data(as_text=True)
    submit_all_wrong(manager, first)
    second = manager.get(URL).get_data(as_text=True)

    assert len(asked(first)) == len(asked(second)) == 6
    assert "6 questions" in first
    # A bank of 12 and a draw of 6: the retake asks the six the first attempt did not.
    assert set(asked(first)).isdisjoint(asked(second))
    by_question = {f"q{n:02d}": OBJECTIVES[(n - 1) % 3] for n in range(1, 13)}
    for page in (first, second):
        assert {by_question[qid] for qid in asked(page)} == set(OBJECTIVES)
        # The pinned "None of these" is last in every question; the other options are shuffled.
        for qid in asked(page):
            assert option_keys(page, qid)[-1] == "d"
            assert sorted(option_keys(page, qid)) == ["a", "b", "c", "d"]
    orders = [tuple(option_keys(page, qid)[:3]) for page in (first, second) for qid in asked(page)]
    assert len(set(orders)) > 1


def test_the_page_shows_the_stored_draw_again_and_grades_only_it(manager, make_user, tmp_path):
    import_bank(tmp_path)
    page = manager.get(URL).get_data(as_text=True)
    assert asked(manager.get(URL).get_data(as_text=True)) == asked(page)  # a reload: the same draw
    attempt = db.session.get(QuizAttempt, int(attempt_id(page)))
    assert attempt.question_ids == asked(page) and attempt.draw_seed is not None
    assert [attempt.option_order[qid] for qid in asked(page)] == [option_keys(page, q) for q in asked(page)]

    right = {f"q-{qid}": "a" for qid in asked(page)}
    response = manager.post(URL, data={"attempt_id": attempt_id(page), **right})
    review = manager.get(response.headers["Location"]).get_data(as_text=True)

    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert (attempt.score, attempt.correct_count, attempt.question_count) == (100, 6, 6)
    assert "6 of 6 correct" in review
    prompts = re.findall(r"Prompt number (\d\d)\?", review)
    assert [f"q{n}" for n in prompts] == attempt.question_ids


def test_a_small_bank_asks_all_its_questions_in_another_order_each_time(manager, course):
    first = manager.get(TEST_QUIZ_URL).get_data(as_text=True)
    manager.post(TEST_QUIZ_URL, data={"attempt_id": attempt_id(first), "q-pick-one": "a",
                                      "q-pick-many": "b", "q-true-or-false": "b"})
    second = manager.get(TEST_QUIZ_URL).get_data(as_text=True)
    assert sorted(asked(first)) == sorted(asked(second)) == ["pick-many", "pick-one", "true-or-false"]
    assert asked(first) != asked(second)
    # True or false stays in that order.
    assert option_keys(second, "true-or-false") == ["a", "b"]


def test_an_attempt_without_a_stored_draw_asks_grades_and_reviews_every_question(manager, course):
    page = manager.get(TEST_QUIZ_URL).get_data(as_text=True)
    attempt = db.session.get(QuizAttempt, int(attempt_id(page)))
    attempt.question_ids = attempt.option_order = attempt.draw_seed = None  # as before draws
    db.session.commit()

    page = manager.get(TEST_QUIZ_URL).get_data(as_text=True)
    assert asked(page) == ["pick-one", "pick-many", "true-or-false"]
    assert option_keys(page, "pick-one") == ["a", "b", "c"]
    response = manager.post(TEST_QUIZ_URL, data={"attempt_id": attempt_id(page), "q-pick-one": "b",
                                                 "q-pick-many": ["a", "c"], "q-true-or-false": "b"})
    review = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 of 3 correct" in review
    assert review.index("Which option is the right one?") < review.index("This statement is true.")


def test_the_draw_covers_every_objective_avoids_the_last_attempt_and_keeps_pins_last():
    bank = [{"id": f"q{n}", "type": "single", "objective": OBJECTIVES[n % 3],
             "options": [{"key": k, "pinned": k == "d"} for k in "abcd"]} for n in range(12)]
    previous: list[str] = []
    for seed in range(50):
        drawn = draws.make_draw(bank, 4, previous, seed=seed)
        assert len(drawn.question_ids) == 4
        assert {OBJECTIVES[int(q[1:]) % 3] for q in drawn.question_ids} == set(OBJECTIVES)
        assert not set(drawn.question_ids) & set(previous)
        assert all(order[-1] == "d" for order in drawn.option_order.values())
        previous = drawn.question_ids
    # The default is 6 (all of a smaller bank); fewer objectives than the draw are all covered.
    assert len(draws.make_draw(bank, None).question_ids) == 6
    assert len(draws.make_draw(bank[:3], None).question_ids) == 3
    assert len(draws.pick_questions(bank, 2, [], random.Random(1))) == 2


def test_opening_the_quiz_again_keeps_the_open_attempts_draw(make_user, tmp_path):
    import_bank(tmp_path)
    user = make_user()
    quiz = db.session.scalar(select(Quiz))
    attempt = quizzes.open_attempt(db.session, user, quiz)
    drawn = list(attempt.question_ids)
    again = quizzes.open_attempt(db.session, user, quiz)
    assert again.id == attempt.id and again.question_ids == drawn


def test_a_draw_spreads_over_the_objectives_so_a_retake_can_ask_only_new_questions():
    # A bank of 12 over 3 objectives and a draw of 6: two of each objective, so the retake has two
    # fresh questions of each left. (Found flaky: after one per objective, the rest were drawn at
    # random, and in about 1 draw in 28 all three came from one objective, which the retake then
    # had to repeat.)
    bank = [{"id": f"q{n:02d}", "type": "single", "objective": OBJECTIVES[n % 3],
             "options": [{"key": k} for k in "abcd"]} for n in range(12)]
    for seed in range(300):
        first = draws.make_draw(bank, 6, None, seed=seed).question_ids
        second = draws.make_draw(bank, 6, first, seed=seed + 1000).question_ids
        for drawn in (first, second):
            per_objective = [sum(OBJECTIVES[int(q[1:]) % 3] == o for q in drawn) for o in OBJECTIVES]
            assert per_objective == [2, 2, 2], (seed, drawn)
        assert set(first).isdisjoint(second), (seed, first, second)


def test_questions_without_an_objective_are_drawn_after_every_objective_has_one():
    bank = [{"id": f"o{n}", "type": "single", "objective": OBJECTIVES[n],
             "options": [{"key": k} for k in "ab"]} for n in range(3)]
    bank += [{"id": f"x{n}", "type": "single", "options": [{"key": k} for k in "ab"]} for n in range(5)]
    for seed in range(100):
        drawn = draws.make_draw(bank, 4, None, seed=seed).question_ids
        assert {"o0", "o1", "o2"} <= set(drawn), (seed, drawn)
