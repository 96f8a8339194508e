"""Draws outside the quiz page: follow-up checks choose from the whole bank and shuffle options with
a pinned one last; HR's question analysis counts each question over the attempts that drew it."""
from __future__ import annotations

from collections import Counter
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import Course, Quiz
from courseware.services.learning import followups, quizzes
from courseware.services.reports import question_analysis
from tests.quiz.bank import import_bank, question


def test_a_follow_up_check_shuffles_options_with_the_pinned_one_last():
    import yaml
    bank = yaml.safe_load("questions:\n" + "".join(question(n) for n in range(1, 13)))["questions"]
    for q in bank:
        q["options"] = [{**o, "key": "abcd"[i]} for i, o in enumerate(q["options"])]
    version = SimpleNamespace(questions=bank)
    orders = set()
    for seed in range(10):
        check = followups.DueCheck(1, "T", 1, 1, 30, date(2026, 1, 1), version,  # type: ignore[arg-type]
                                   question_ids=["q01", "q12"], seed=str(seed))
        for shown in check.questions:
            assert shown.options[-1].text.startswith("None of these")
            orders.add(tuple(o.key for o in shown.options))
        assert [q.id for q in check.questions] == ["q01", "q12"]  # any question of the bank
    assert len(orders) > 1


def test_question_analysis_counts_each_question_over_the_attempts_that_drew_it(make_user, tmp_path):
    course = import_bank(tmp_path)
    quiz = db.session.scalar(select(Quiz))
    drawn: Counter = Counter()
    right: Counter = Counter()
    for _ in range(3):
        user = make_user()
        attempt = quizzes.open_attempt(db.session, user, quiz)
        asked = list(attempt.question_ids)
        answers = {qid: ["a"] if index % 2 == 0 else ["b"] for index, qid in enumerate(asked)}
        quizzes.submit_attempt(db.session, user, attempt, answers)
        drawn.update(asked)
        right.update(qid for index, qid in enumerate(asked) if index % 2 == 0)

    [stat] = question_analysis.analyse_course(db.session, db.session.get(Course, course.id))

    assert len(stat.questions) == 12
    for question_stat in stat.questions:
        assert (question_stat.answered, question_stat.right) == (drawn[question_stat.id],
                                                                 right[question_stat.id])
    assert sum(q.answered for q in stat.questions) == 18  # 3 attempts of 6, not 3 of 12
