"""The lesson page's questions cost a fixed number of queries, whatever the number of questions,
answers and "me too" marks (services/discussion/board.py)."""
from __future__ import annotations

from datetime import datetime

import pytest

from courseware.extensions import db
from courseware.services.discussion import questions
from tests.test_performance_queries import BUDGET, queries_of

# What the views read: every page rendered, none served as kept (courseware/page_cache.py).
pytestmark = pytest.mark.usefixtures("rendered_pages")

NOW = datetime(2026, 12, 3, 9, 30)
# The lesson page's own budget (tests/test_performance_queries.py) and the questions' four at most.
QUESTIONS_BUDGET = BUDGET + 4


def _add_questions(lesson, askers, president, count: int) -> None:
    for n in range(count):
        asker = askers[n % len(askers)]
        question = questions.ask(db.session, asker, lesson.id, f"Question {n}?", n % 2 == 0, NOW)
        reply = questions.answer(db.session, president, question.id, f"Answer {n}.", NOW, {})
        questions.toggle_pin(db.session, president, reply.id, NOW)
        for other in askers:
            if other.id != asker.id:
                questions.toggle_me_too(db.session, other, question.id, NOW)


def test_the_lesson_page_queries_do_not_grow_with_questions(manager, president, make_user, lesson,
                                                            lesson_url):
    askers = [make_user() for _ in range(3)]
    _add_questions(lesson, askers, president.user, 1)
    small = {role: len(queries_of(client, lesson_url)) for role, client in
             (("manager", manager), ("president", president))}
    _add_questions(lesson, askers, president.user, 12)
    large = {role: len(queries_of(client, lesson_url)) for role, client in
             (("manager", manager), ("president", president))}
    assert large == small
    assert max(large.values()) <= QUESTIONS_BUDGET, large


def test_a_reader_with_nothing_of_their_own_reads_both_boxes_in_one_query(manager, president, make_user,
                                                                          lesson, lesson_url):
    """The kept board and "What managers wrote" (learn/boxes.py): one query for their versions and
    the reader's state, none for the questions, answers, marks or featured reflections."""
    askers = [make_user() for _ in range(3)]
    _add_questions(lesson, askers, president.user, 3)
    statements = queries_of(manager, lesson_url)
    board_tables = ("lesson_question", "question_answer", "question_me_too", "question_host",
                    "reflection_feature", "lesson_board_version")
    reading = [sql for sql in statements if any(table in sql for table in board_tables)]
    assert len(reading) == 1, reading
    assert len(queries_of(president, lesson_url)) > len(statements)  # the president's board is built
