"""What an attempt's review shows, by the quiz's review policy: after a failed attempt with attempts
left, the person's answers and which were wrong, never the key (`after_pass`, the default); the key
once they have passed or have no attempts left; always (`always`); never (`never`)."""
from __future__ import annotations

import re

from tests.quiz.bank import URL, import_bank
from tests.quiz.test_draws import asked, attempt_id

TEST_QUIZ_URL = "/courses/test-course/first-lesson/quiz"
KEY_MARKERS = ("option-correct", "tag-correct", "Correct answer")


def take(client, answer: str, url: str = URL) -> str:
    """Answer every question with option `answer`; the review page."""
    page = client.get(url).get_data(as_text=True)
    data = {"attempt_id": attempt_id(page), **{f"q-{qid}": answer for qid in asked(page)}}
    response = client.post(url, data=data)
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def numbers(review: str) -> list[str]:
    return re.findall(r"Prompt number (\d\d)\?", review)


def test_a_failed_attempt_shows_the_answers_and_what_was_wrong_but_not_the_key(manager, tmp_path):
    import_bank(tmp_path)
    review = take(manager, "b")  # b is wrong everywhere

    assert "Not passed" in review and review.count("Incorrect") == 6
    for number in numbers(review):
        assert f"Wrong answer {number}" in review  # the options, unmarked
        assert f"Why wrong answer {number} is wrong." in review  # why their choice is wrong
        assert f"Why answer {number} is right." not in review
        assert f"Why other wrong answer {number} is wrong." not in review
    for marker in KEY_MARKERS:
        assert marker not in review
    # The verdict and the next action at the top and at the bottom.
    assert review.count("Take the quiz again") == 2
    assert 'data-next-steps="top"' in review and 'data-next-steps="bottom"' in review


def test_a_partly_right_multiple_choice_answer_does_not_tell_the_right_options(manager, course):
    page = manager.get(TEST_QUIZ_URL).get_data(as_text=True)
    response = manager.post(TEST_QUIZ_URL, data={"attempt_id": attempt_id(page), "q-pick-one": "a",
                                                 "q-pick-many": ["a", "b"], "q-true-or-false": "b"})
    review = manager.get(response.headers["Location"]).get_data(as_text=True)
    for hidden in ("Right because it is right.", "A is right.", "B is wrong.", "C is right.",
                   "It is true.", *KEY_MARKERS):
        assert hidden not in review, hidden
    assert "Wrong because it is wrong." in review and "It is not false." in review


def test_after_passing_every_review_shows_the_key(manager, tmp_path):
    import_bank(tmp_path)
    first = take(manager, "b")
    take(manager, "a")  # passes
    quiz_page = manager.get(URL).get_data(as_text=True)
    first_url = re.search(r'href="(/attempts/\d+)">Attempt 1<', quiz_page).group(1)
    again = manager.get(first_url).get_data(as_text=True)

    assert numbers(again) == numbers(first)
    for number in numbers(again):
        assert f"Why answer {number} is right." in again
        assert f"Why other wrong answer {number} is wrong." in again
    assert "Correct answer" in again


def test_with_no_attempts_left_the_failed_review_shows_the_key(manager, tmp_path):
    import_bank(tmp_path, head="attempts: 1\n")
    review = take(manager, "b")
    assert "Correct answer" in review and "You have used all the attempts this quiz allows." in review
    assert all(f"Why answer {n} is right." in review for n in numbers(review))


def test_review_always_shows_the_key_after_a_failed_attempt(manager, tmp_path):
    import_bank(tmp_path, head="review: always\n")
    review = take(manager, "b")
    assert "Correct answer" in review
    assert all(f"Why answer {n} is right." in review for n in numbers(review))


def test_review_never_shows_only_the_score_and_the_wrong_questions(manager, tmp_path):
    import_bank(tmp_path, head="review: never\n")
    failed = take(manager, "b")
    passed = take(manager, "a")
    for review in (failed, passed):
        assert "Why" not in review and "Right answer" not in review
        for marker in KEY_MARKERS:
            assert marker not in review
    assert failed.count("Incorrect") == 6 and "0%" in failed
    assert passed.count("Incorrect") == 0 and "100%" in passed


def test_a_pass_offers_the_next_lesson_at_the_top_and_the_bottom(manager, course):
    page = manager.get(TEST_QUIZ_URL).get_data(as_text=True)
    response = manager.post(TEST_QUIZ_URL, data={"attempt_id": attempt_id(page), "q-pick-one": "b",
                                                 "q-pick-many": ["a", "c"], "q-true-or-false": "a"})
    review = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert review.count("Next lesson: The second lesson") == 2
    assert "Right because it is right." in review
