"""Follow-up checks 30 and 90 days after completing a lesson, on a fixed clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import FollowUpAnswer, FollowUpCheck, QuizVersion
from courseware.services.errors import NotFound
from courseware.services.learning import followups, quizzes
from tests.practice.conftest import RIGHT, complete

COMPLETED = datetime(2026, 9, 1, 9, 30)
DAY = COMPLETED.date()
ALL_WRONG = {"pick-one": ["a"], "pick-many": ["b"], "true-or-false": ["b"]}
ONLY_TF_WRONG = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["b"]}


def waiting(user, today: date) -> list[tuple[int, int]]:
    return [(c.lesson_id, c.stage) for c in followups.due_checks(db.session, user, today)]


def answer(user, lesson, stage, today, answers=None):
    due = followups.due_check(db.session, user, lesson.id, stage, today)
    answers = answers or {qid: RIGHT[qid] for qid in due.question_ids}
    return followups.answer_check(
        db.session,
        user,
        lesson.id,
        stage,
        due.version.id,
        answers,
        today=today,
        now=datetime.combine(today, datetime.min.time()),
    )


def test_stage_due():
    assert followups.stage_due(DAY, DAY + timedelta(days=29)) is None
    assert followups.stage_due(DAY, DAY + timedelta(days=30)) == 30
    assert followups.stage_due(DAY, DAY + timedelta(days=89)) == 30
    assert followups.stage_due(DAY, DAY + timedelta(days=90)) == 90


def test_the_schedule_across_30_and_90_days(make_user, lessons):
    user = make_user()
    first, second = lessons  # the second lesson has no quiz: no check
    complete(user, first, on=COMPLETED)
    complete(user, second, on=COMPLETED)
    assert waiting(user, DAY + timedelta(days=29)) == []
    assert waiting(user, DAY + timedelta(days=30)) == [(first.id, 30)]
    check = answer(user, first, 30, DAY + timedelta(days=31))
    assert (check.stage, check.due_on, check.question_count) == (30, DAY + timedelta(days=30), 2)
    assert waiting(user, DAY + timedelta(days=89)) == []
    assert waiting(user, DAY + timedelta(days=90)) == [(first.id, 90)]
    answer(user, first, 90, DAY + timedelta(days=90))
    assert waiting(user, DAY + timedelta(days=400)) == []


def test_after_a_long_absence_only_the_later_check_comes(make_user, lessons):
    user = make_user()
    complete(user, lessons[0], on=COMPLETED)
    assert waiting(user, DAY + timedelta(days=100)) == [(lessons[0].id, 90)]
    with pytest.raises(NotFound):
        followups.due_check(db.session, user, lessons[0].id, 30, DAY + timedelta(days=100))


def test_questions_missed_first_come_first(make_user, lessons):
    user = make_user()
    first = lessons[0]
    quizzes_taken = [ALL_WRONG, ONLY_TF_WRONG]  # first attempt: all three missed, in quiz order
    for answers in quizzes_taken:
        attempt = quizzes.open_attempt(db.session, user, first.quiz)
        quizzes.submit_attempt(db.session, user, attempt.id, answers)
    assert followups.missed_first(db.session, user, first.quiz.id) == [
        "pick-one",
        "pick-many",
        "true-or-false",
    ]
    other = make_user()
    for answers in (ONLY_TF_WRONG, ALL_WRONG):
        attempt = quizzes.open_attempt(db.session, other, first.quiz)
        quizzes.submit_attempt(db.session, other, attempt.id, answers)
    assert followups.missed_first(db.session, other, first.quiz.id)[:2] == ["true-or-false", "pick-one"]
    complete(other, first, on=COMPLETED)
    [due] = followups.due_checks(db.session, other, DAY + timedelta(days=30))
    assert followups.prepare(db.session, other, due).question_ids == ["true-or-false", "pick-one"]


def test_one_missed_question_is_topped_up_at_random_with_a_seed_per_person():
    questions = [{"id": q} for q in ("a", "b", "c", "d", "e")]
    assert followups.choose_questions(questions, ["c"], seed="7:1:30")[0] == "c"
    drawn = {tuple(followups.choose_questions(questions, [], seed=f"{person}:1:30")) for person in range(20)}
    assert len(drawn) > 1  # different people get different questions...
    assert followups.choose_questions(questions, [], seed="7:1:30") == followups.choose_questions(
        questions, [], seed="7:1:30"
    )  # ... and the same person the same ones, every time
    assert followups.choose_questions(questions, ["gone", "b"], seed="x")[0] == "b"  # no longer in the quiz
    assert followups.choose_questions([{"id": "only"}], [], seed="x") == ["only"]


def test_answers_are_graded_on_the_server_and_kept(make_user, lessons):
    user = make_user()
    complete(user, lessons[0], on=COMPLETED, answers=ALL_WRONG)
    today = DAY + timedelta(days=30)
    due = followups.due_check(db.session, user, lessons[0].id, 30, today)
    assert due.question_ids == ["pick-one", "pick-many"]
    with pytest.raises(quizzes.UnansweredQuestions):
        answer(user, lessons[0], 30, today, {"pick-one": ["b"]})
    with pytest.raises(quizzes.ValidationError):
        answer(user, lessons[0], 30, today, {"pick-one": ["z"], "pick-many": ["a"]})
    check = answer(user, lessons[0], 30, today, {"pick-one": ["b"], "pick-many": ["a"]})
    assert (check.correct_count, check.question_count, check.skipped) == (1, 2, False)
    rows = db.session.execute(
        sa.select(FollowUpAnswer.question_id, FollowUpAnswer.selected, FollowUpAnswer.correct).order_by(
            FollowUpAnswer.position
        )
    ).all()
    assert rows == [("pick-one", ["b"], True), ("pick-many", ["a"], False)]
    with pytest.raises(followups.AlreadyDone):
        answer(user, lessons[0], 30, today)


def test_a_quiz_changed_since_the_page_was_opened(make_user, lessons):
    user = make_user()
    complete(user, lessons[0], on=COMPLETED)
    today = DAY + timedelta(days=30)
    due = followups.due_check(db.session, user, lessons[0].id, 30, today)
    with pytest.raises(followups.QuizChanged):
        followups.answer_check(
            db.session, user, lessons[0].id, 30, due.version.id + 1, {}, today=today, now=COMPLETED
        )


def test_skipping_is_kept_and_ends_the_check(make_user, lessons):
    user = make_user()
    complete(user, lessons[0], on=COMPLETED)
    today = DAY + timedelta(days=30)
    check = followups.skip_check(db.session, user, lessons[0].id, 30, today=today, now=COMPLETED)
    assert (check.skipped, check.question_count) == (True, 0)
    assert waiting(user, today) == []


# --- on the dashboard -------------------------------------------------------------------------------


@pytest.fixture
def due_for_manager(manager, lessons, clock):
    complete(manager.user, lessons[0], on=clock.now - timedelta(days=31), answers=ALL_WRONG)
    return lessons[0]


def test_the_dashboard_shows_two_questions_without_their_answers(manager, due_for_manager):
    page = manager.get("/").get_data(as_text=True)
    check = page.split('class="practice-check"')[1].split("</form>")[0]
    assert "Which option is the right one?" in check and "Which of these are right?" in check
    assert "This statement is true." not in check  # only two of the three
    assert "Right because it is right." not in page and "correct" not in check.lower()
    version = db.session.scalar(sa.select(QuizVersion))
    assert f'name="version" value="{version.id}"' in check


def test_answering_from_the_dashboard(manager, due_for_manager):
    url = f"/practice/checks/lessons/{due_for_manager.id}/30"
    version = db.session.scalar(sa.select(QuizVersion))
    response = manager.post(url, data={"version": version.id, "q-pick-one": "b"})
    assert response.status_code == 422
    assert "Answer both questions, or skip this check." in response.get_data(as_text=True)
    assert 'value="b" checked' in response.get_data(as_text=True)  # the answer given is kept
    # The summary, focused by the page's script, links to the question left unanswered.
    summary = response.get_data(as_text=True).split("data-error-summary>")[1].split("</div>")[0]
    assert 'role="alert"' in response.get_data(as_text=True) and "Question 2 needs an answer" in summary
    assert 'href="#check-' in summary and "-q-pick-many-" in summary
    response = manager.post(url, data={"version": version.id, "q-pick-one": "b", "q-pick-many": ["a", "c"]})
    assert response.status_code == 303
    check = db.session.scalar(sa.select(FollowUpCheck))
    assert response.headers["Location"].endswith(f"/practice/checks/{check.id}")
    page = manager.get(f"/practice/checks/{check.id}").get_data(as_text=True)
    assert "2 of 2" in page and "Right because it is right." in page
    assert 'data-next-steps="top"' in page and 'data-next-steps="bottom"' in page
    assert 'class="practice-check"' not in manager.get("/").get_data(as_text=True)
    again = manager.post(url, data={"version": version.id, "q-pick-one": "a", "q-pick-many": "a"})
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/practice/checks/{check.id}")
    assert db.session.scalar(sa.select(FollowUpCheck.correct_count)) == 2


def test_skipping_from_the_dashboard_returns_there(manager, due_for_manager):
    response = manager.post(
        f"/practice/checks/lessons/{due_for_manager.id}/30/skip", data={"back": "dashboard"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert 'class="practice-check"' not in manager.get("/").get_data(as_text=True)
    assert "Skipped" in manager.get("/practice/checks/").get_data(as_text=True)


def test_a_check_never_blocks_the_course(manager, due_for_manager, course):
    for url in (
        "/",
        f"/courses/{course.slug}",
        f"/courses/{course.slug}/first-lesson",
        f"/courses/{course.slug}/first-lesson/quiz",
        f"/courses/{course.slug}/second-lesson",
    ):
        assert manager.get(url).status_code == 200, url


def test_another_persons_check_result_is_not_found(manager, signed_in, due_for_manager):
    version = db.session.scalar(sa.select(QuizVersion))
    manager.post(
        f"/practice/checks/lessons/{due_for_manager.id}/30",
        data={"version": version.id, "q-pick-one": "b", "q-pick-many": "a"},
    )
    check = db.session.scalar(sa.select(FollowUpCheck))
    for role in ("manager", "hr", "president"):
        assert signed_in(role).get(f"/practice/checks/{check.id}").status_code == 404


def test_a_check_in_chinese_asks_the_chinese_questions_and_grades_them_alike(manager, due_for_manager):
    zh = {"Accept-Language": "zh-CN"}
    page = manager.get("/", headers=zh).get_data(as_text=True)
    check = page.split('class="practice-check"')[1].split("</form>")[0]
    assert "哪个选项是对的？" in check and "第一课" in check
    chinese = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.language == "zh_CN"))
    assert f'name="version" value="{chinese.id}"' in check
    url = f"/practice/checks/lessons/{due_for_manager.id}/30"
    response = manager.post(url, data={"version": chinese.id, "q-pick-one": "b", "q-pick-many": ["a", "c"]},
                            headers=zh)
    assert response.status_code == 303
    kept = db.session.scalar(sa.select(FollowUpCheck))
    assert (kept.correct_count, kept.question_count, kept.quiz_version_id) == (2, 2, chinese.id)
    review = manager.get(f"/practice/checks/{kept.id}", headers=zh).get_data(as_text=True)
    assert "对，因为它是对的。" in review


# --- what the result shows, by the quiz's review policy -----------------------------------------------

KEY_MARKERS = ("option-correct", "tag-correct", "Correct answer")


def _result_under(manager, lesson, policy: str) -> str:
    """The result page of a check answered under `policy`: pick-one wrong, pick-many right."""
    for version in db.session.scalars(sa.select(QuizVersion)):
        version.review_policy = policy
    db.session.commit()
    version = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.language == "en"))
    response = manager.post(f"/practice/checks/lessons/{lesson.id}/30",
                            data={"version": version.id, "q-pick-one": "a", "q-pick-many": ["a", "c"]})
    assert response.status_code == 303
    return manager.get(response.headers["Location"]).get_data(as_text=True)


def test_a_check_of_a_quiz_that_never_shows_its_key_shows_only_ones_own_answers(manager, due_for_manager):
    page = _result_under(manager, due_for_manager, "never")
    assert "1 of 2" in page and "Your answers are below." in page
    for marker in KEY_MARKERS:
        assert marker not in page, marker
    assert "Right because it is right." not in page  # the right option, not chosen
    assert "Also wrong." not in page and "B is wrong." not in page  # options not chosen
    assert "The wrong one" in page and "Wrong because it is wrong." in page  # why their choice is wrong
    assert "A is right." in page and "C is right." in page  # their own right answer, explained
    assert "This quiz does not show its right answers." in page
    check = db.session.scalar(sa.select(FollowUpCheck))
    chinese = manager.get(f"/practice/checks/{check.id}", headers={"Accept-Language": "zh-CN"})
    assert "本测验不公布正确答案。" in chinese.get_data(as_text=True)


@pytest.mark.parametrize("policy", ["after_pass", "always"])
def test_a_check_of_a_quiz_that_shows_its_key_after_a_pass_shows_it(manager, due_for_manager, policy):
    page = _result_under(manager, due_for_manager, policy)
    assert "The explanations are below." in page
    assert "Correct answer" in page and "option-correct" in page
    assert "Right because it is right." in page and "Also wrong." in page and "B is wrong." in page
    assert "This quiz does not show its right answers." not in page


def test_the_check_and_the_quiz_review_read_one_policy_decision():
    assert quizzes.policy_review("always", key_earned=False) == quizzes.REVIEW_FULL
    assert quizzes.policy_review("after_pass", key_earned=False) == quizzes.REVIEW_ANSWERS
    assert quizzes.policy_review("after_pass", key_earned=True) == quizzes.REVIEW_FULL
    assert quizzes.policy_review("never", key_earned=True) == quizzes.REVIEW_SCORE
    for policy, mode in (("always", "full"), ("after_pass", "full"), ("never", "answers")):
        check = FollowUpCheck(quiz_version=QuizVersion(review_policy=policy))
        assert followups.review_mode(check) == mode
