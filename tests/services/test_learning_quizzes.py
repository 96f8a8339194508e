"""Attempts: one open at a time, graded on the server, closed exactly once, limits kept."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select

from courseware.extensions import db
from courseware.models import AttemptAnswer, QuizAttempt, User
from courseware.services.catalog import published
from courseware.services.errors import Forbidden, NotFound, ValidationError
from courseware.services.learning import quizzes
from courseware.services.people import page_versions

RIGHT = {"pick-one": ["b"], "pick-many": ["a", "c"], "true-or-false": ["a"]}
ONE_WRONG = {"pick-one": ["b"], "pick-many": ["a"], "true-or-false": ["a"]}      # 67%
TWO_WRONG = {"pick-one": ["a"], "pick-many": ["a"], "true-or-false": ["a"]}      # 33%


@pytest.fixture
def quiz(course):
    return published.lessons(db.session, course)[0].quiz


def test_a_perfect_attempt_scores_100_and_passes(quiz, make_user):
    user = make_user()
    attempt = quizzes.open_attempt(db.session, user, quiz)
    attempt = quizzes.submit_attempt(db.session, user, attempt.id, RIGHT)
    assert (attempt.score, attempt.correct_count, attempt.question_count, attempt.passed) == (100, 3, 3, True)
    assert attempt.state == "submitted" and attempt.submitted_at is not None
    rows = db.session.scalars(select(AttemptAnswer).order_by(AttemptAnswer.position)).all()
    # Answers are kept in the order the attempt asked the questions (its draw).
    assert [r.question_id for r in rows] == attempt.question_ids
    assert sorted((r.question_id, r.selected, r.correct) for r in rows) == [
        ("pick-many", ["a", "c"], True), ("pick-one", ["b"], True), ("true-or-false", ["a"], True)]


def test_score_is_rounded_percent_against_the_pass_mark(quiz, make_user):
    user = make_user()
    attempt = quizzes.submit_attempt(db.session, user, quizzes.open_attempt(db.session, user, quiz).id,
                                     ONE_WRONG)
    assert (attempt.score, attempt.passed) == (67, True)   # pass mark 60
    attempt = quizzes.submit_attempt(db.session, user, quizzes.open_attempt(db.session, user, quiz).id,
                                     TWO_WRONG)
    assert (attempt.score, attempt.passed, attempt.number) == (33, False, 2)


def test_opening_twice_reuses_the_open_attempt(quiz, make_user):
    user = make_user()
    first = quizzes.open_attempt(db.session, user, quiz)
    assert quizzes.open_attempt(db.session, user, quiz).id == first.id
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_a_second_submission_of_one_attempt_counts_once(quiz, make_user):
    user = make_user()
    attempt = quizzes.open_attempt(db.session, user, quiz)
    quizzes.submit_attempt(db.session, user, attempt.id, TWO_WRONG)
    with pytest.raises(quizzes.AlreadySubmitted):
        quizzes.submit_attempt(db.session, user, attempt.id, RIGHT)
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).score == 33
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 3


def test_concurrent_submissions_of_one_attempt_finalise_it_once(app, quiz, make_user):
    user = make_user()
    attempt_id = quizzes.open_attempt(db.session, user, quiz).id
    user_id = user.id
    outcomes: list[str] = []

    def submit():
        with app.app_context():
            from courseware.models import User
            me = db.session.get(User, user_id)
            try:
                quizzes.submit_attempt(db.session, me, attempt_id, RIGHT)
                outcomes.append("submitted")
            except quizzes.AlreadySubmitted:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already"] * 49 + ["submitted"]
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 3


def test_someone_elses_attempt_is_not_found(quiz, make_user):
    owner, other = make_user(), make_user()
    attempt = quizzes.open_attempt(db.session, owner, quiz)
    with pytest.raises(NotFound):
        quizzes.submit_attempt(db.session, other, attempt.id, RIGHT)
    assert db.session.get(QuizAttempt, attempt.id).state == "in_progress"


def test_unanswered_questions_are_named_and_nothing_is_written(quiz, make_user):
    user = make_user()
    attempt = quizzes.open_attempt(db.session, user, quiz)
    with pytest.raises(quizzes.UnansweredQuestions) as raised:
        quizzes.submit_attempt(db.session, user, attempt.id, {"pick-one": ["b"]})
    assert sorted(raised.value.question_ids) == ["pick-many", "true-or-false"]
    assert db.session.get(QuizAttempt, attempt.id).state == "in_progress"
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0


@pytest.mark.parametrize("answers", [
    {**RIGHT, "pick-one": ["z"]},            # not an option
    {**RIGHT, "pick-one": ["a", "b"]},       # two answers to a single-choice question
])
def test_answers_that_match_no_option_are_refused(quiz, make_user, answers):
    user = make_user()
    attempt = quizzes.open_attempt(db.session, user, quiz)
    with pytest.raises(ValidationError):
        quizzes.submit_attempt(db.session, user, attempt.id, answers)
    assert db.session.get(QuizAttempt, attempt.id).state == "in_progress"


def test_the_attempt_limit_is_kept(quiz, make_user):
    quiz.current_version.max_attempts = 2
    db.session.commit()
    user = make_user()
    for _ in range(2):
        attempt = quizzes.open_attempt(db.session, user, quiz)
        quizzes.submit_attempt(db.session, user, attempt.id, TWO_WRONG)
    assert quizzes.attempts_left(db.session, user, quiz) == 0
    with pytest.raises(Forbidden, match="all the attempts"):
        quizzes.open_attempt(db.session, user, quiz)


def test_public_questions_carry_no_answer_key(quiz):
    public = quizzes.public_questions(quiz.current_version)
    assert [q.id for q in public] == ["pick-one", "pick-many", "true-or-false"]
    for question in public:
        for option in question.options:
            assert set(vars(option)) == {"key", "text"}


def _in_parallel(app, user_id, work, count):
    """Run work(user) in `count` threads at once; return what each returned or raised."""
    from courseware.models import User

    barrier = threading.Barrier(count)
    results: list[object] = []

    def run():
        with app.app_context():
            # Wait before touching the database: a thread holding a pooled connection at the
            # barrier could starve the others of connections.
            barrier.wait()
            try:
                results.append(work(db.session.get(User, user_id)))
            except Exception as error:  # noqa: BLE001 - collected for the assertion
                results.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_starts_open_one_attempt(app, quiz, make_user):
    user = make_user()
    quiz_id = quiz.id
    from courseware.models import Quiz

    results = _in_parallel(app, user.id, lambda me: quizzes.open_attempt(db.session, me,
                                                                        db.session.get(Quiz, quiz_id)).id, 20)
    assert len(set(results)) == 1, results
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_the_attempt_limit_holds_under_concurrency(app, quiz, make_user):
    quiz.current_version.max_attempts = 2
    db.session.commit()
    user = make_user()
    quiz_id = quiz.id
    from courseware.models import Quiz

    def start_and_submit(me):
        attempt = quizzes.open_attempt(db.session, me, db.session.get(Quiz, quiz_id))
        return quizzes.submit_attempt(db.session, me, attempt.id, TWO_WRONG).id

    for _ in range(3):
        _in_parallel(app, user.id, start_and_submit, 10)
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2


def _statements_of(work) -> list[str]:
    """The SQL statements `work()` sends, in order (their first word, and the table for writes)."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        words = statement.split()
        verb = words[0].upper()
        sent.append(verb if verb == "SELECT" else " ".join(words[:3]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


@pytest.mark.parametrize("answers", [RIGHT, TWO_WRONG], ids=["passed", "failed"])
def test_a_submission_reads_everything_before_its_first_write(quiz, make_user, answers):
    """SQLite has one write lock, taken by a transaction's first write and held to its commit: a
    submission that read there would make every other submission wait (issue 20, the quiz p99).
    (A pass that completes the lesson still reads the course's progress for its certificate.)"""
    user = make_user()
    attempt_id = quizzes.open_attempt(db.session, user, quiz).id
    user_id = user.id
    db.session.expunge_all()  # as a new request finds it: nothing loaded but the person
    me = db.session.get(User, user_id)
    sent = _statements_of(lambda: quizzes.submit_attempt(db.session, me, attempt_id, answers))
    first_write = next(i for i, statement in enumerate(sent) if statement != "SELECT")
    writes = sent[first_write:]
    reads_after_commit = 1  # session.refresh(attempt), once the lock is released
    assert writes.count("SELECT") <= reads_after_commit and writes[-1] == "SELECT", sent
    assert writes[0].startswith("UPDATE quiz_attempt")
    # The attempt with its version, quiz and lesson; the person's progress; the attempt as graded.
    assert sent.count("SELECT") <= 3, sent
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt_id).passed is (answers is RIGHT)


@pytest.mark.parametrize(("answers", "record_write"), [
    (RIGHT, ["INSERT INTO lesson_progress"]),  # a first pass makes the person's record of the lesson
    (TWO_WRONG, []),
], ids=["passed", "failed"])
def test_the_quiz_page_submits_in_one_read_and_its_writes(app, quiz, make_user, answers, record_write):
    """What the quiz page's submission sends (quizzes.submission, then submit): the attempt with the
    person's record of its lesson in one query, then only writes (with the person's page version,
    raised once: services/people/page_versions.py); the signed-in person stays loaded."""
    user = make_user()
    attempt_id = quizzes.open_attempt(db.session, user, quiz).id
    user_id = user.id
    db.session.expunge_all()
    me = db.session.get(User, user_id)

    def submit():
        with app.test_request_context():
            page_versions.act_as(user_id, "manager")  # as the signed-in person's request does
            quizzes.submit(db.session, me, quizzes.submission(db.session, me, attempt_id), answers)

    assert _statements_of(submit) == [
        "SELECT", "UPDATE quiz_attempt SET", "UPDATE user_account SET", "INSERT INTO attempt_answer",
        *record_write]
    assert "username" in me.__dict__  # not expired by the commit: no query to read the person again
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt_id).passed is (answers is RIGHT)
    with pytest.raises(quizzes.AlreadySubmitted):
        submit()
