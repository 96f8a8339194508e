"""The shipped course: imports cleanly, is complete, and is written in our own words."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from courseware.config import PROJECT_ROOT
from courseware.content.loader import load_content
from courseware.extensions import db
from courseware.models import Lesson, LessonRevision, Quiz
from courseware.services.authoring.content_import import import_content

LESSONS = PROJECT_ROOT / "lessons"
QUIZZES = PROJECT_ROOT / "quizzes"
SEED_HASHES = Path(__file__).parent / "data" / "seed_8gram_hashes.txt"


@pytest.fixture(scope="module")
def content():
    return load_content(LESSONS, QUIZZES)


def test_the_course_files_have_no_errors(content):
    assert [str(e) for e in content.errors] == []
    assert [c.title for c in content.courses] == ["Corporate Culture Series"]


def test_there_are_at_least_eight_lessons_in_order_across_the_modules(content):
    lessons = content.lessons_of("corporate-culture")
    assert len(lessons) >= 8
    assert [lesson.order for lesson in lessons] == list(range(1, len(lessons) + 1))
    assert {lesson.module for lesson in lessons} == set(content.courses[0].modules)


def test_each_lesson_is_500_to_1000_words(content):
    for lesson in content.lessons:
        words = len(lesson.body.split())
        assert 500 <= words <= 1000, f"{lesson.path}: {words} words"


def test_every_lesson_has_a_valid_quiz_of_at_least_five_questions(content):
    quizzes = {quiz.lesson_slug: quiz for quiz in content.quizzes}
    for lesson in content.lessons:
        quiz = quizzes.get(lesson.slug)
        assert quiz is not None, f"{lesson.path} has no quiz"
        assert len(quiz.questions) >= 5, quiz.path
        assert {q["type"] for q in quiz.questions} >= {"single", "multiple", "true_false"}, quiz.path
        for question in quiz.questions:
            for option in question["options"]:
                assert len(option["explain"]) > 20, f"{quiz.path}: {question['id']} explains too little"


def _ngram_hashes(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {hashlib.sha256(" ".join(words[i:i + 8]).encode()).hexdigest()[:16]
            for i in range(len(words) - 7)}


def test_no_run_of_eight_words_is_copied_from_the_source(content):
    seed = {line for line in SEED_HASHES.read_text().splitlines() if not line.startswith("#")}
    assert len(seed) > 900
    files = [Path(lesson.path) for lesson in content.lessons] + [Path(q.path) for q in content.quizzes]
    for path in files:
        copied = _ngram_hashes(path.read_text(encoding="utf-8")) & seed
        assert not copied, f"{path} repeats {len(copied)} eight-word run(s) of the source"


def test_the_real_course_imports_and_a_second_import_changes_nothing(app):
    report = import_content(db.session, LESSONS, QUIZZES)
    assert report.ok, [str(e) for e in report.errors]
    lessons = db.session.scalar(select(func.count(Lesson.id)))
    assert lessons >= 8
    assert db.session.scalar(select(func.count(Quiz.id))) == lessons
    again = import_content(db.session, LESSONS, QUIZZES)
    assert (again.created, again.revised) == ([], [])
    # One revision of each lesson in English and one in Chinese.
    for language in ("en", "zh_CN"):
        assert db.session.scalar(select(func.count(LessonRevision.id))
                                 .where(LessonRevision.language == language)) == lessons
    for html in db.session.scalars(select(LessonRevision.html)):
        assert "<script" not in html and "<h1" not in html


# Issue 14: learning objectives and question banks.
OBJECTIVE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _right_option_is_longest(question: dict) -> bool:
    lengths = [len(option["text"].strip()) for option in question["options"]]
    return any(option.get("correct") and length == max(lengths)
               for option, length in zip(question["options"], lengths, strict=True))


def _right_option_is_shortest(question: dict) -> bool:
    lengths = [len(option["text"].strip()) for option in question["options"]]
    return any(option.get("correct") and length == min(lengths)
               for option, length in zip(question["options"], lengths, strict=True))


def _bank_shape(quiz) -> list[tuple]:
    return [(q["id"], q["type"], q.get("objective"), len(q["options"]),
             tuple(bool(o.get("correct")) for o in q["options"]),
             tuple(bool(o.get("pinned")) for o in q["options"]))
            for q in quiz.questions]


def test_every_lesson_has_two_to_four_objectives_the_same_in_each_language(content):
    translations = {(t.slug, t.language): t for t in content.translated_lessons}
    for lesson in content.lessons:
        ids = [objective["id"] for objective in lesson.objectives]
        assert 2 <= len(ids) <= 4, f"{lesson.path}: {len(ids)} objectives"
        assert len(set(ids)) == len(ids), f"{lesson.path}: an objective id is used twice"
        for objective in lesson.objectives:
            assert OBJECTIVE_ID.match(objective["id"]), f"{lesson.path}: objective id {objective['id']!r}"
            assert 0 < len(objective["text"]) <= 200 and "\n" not in objective["text"], lesson.path
        translated = translations.get((lesson.slug, "zh_CN"))
        assert translated is not None, f"{lesson.path} has no Chinese version"
        assert [o["id"] for o in translated.objectives] == ids, translated.path


def test_every_lesson_has_a_team_discussion_guide_in_each_language(content):
    """Issue 14's manager's toolkit: a 30-minute guide per lesson, the same shape in Chinese."""
    translations = {(t.slug, t.language): t for t in content.translated_lessons}
    for lesson in [*content.lessons, *translations.values()]:
        guide = lesson.discussion
        assert guide is not None, f"{lesson.path} has no discussion guide"
        assert len(guide["questions"]) == 3, lesson.path
        assert all(guide[part] for part in ("opening", "case", "record", "follow_up")), lesson.path


def test_every_quiz_is_a_bank_of_at_least_twelve_covering_each_objective_twice(content):
    objectives = {lesson.slug: [o["id"] for o in lesson.objectives] for lesson in content.lessons}
    for quiz in content.quizzes + content.translated_quizzes:
        ids = objectives[quiz.lesson_slug]
        assert len(quiz.questions) >= 12, f"{quiz.path}: {len(quiz.questions)} questions"
        assert quiz.draw == 6 and quiz.review == "after_pass", quiz.path
        for question in quiz.questions:
            assert question.get("objective") in ids, \
                f"{quiz.path}: {question['id']} has no objective of its lesson"
            pinned = [o.get("pinned", False) for o in question["options"]]
            assert not any(pinned[:-1]), f"{quiz.path}: {question['id']} pins an option that is not the last"
        for objective in ids:
            count = sum(1 for q in quiz.questions if q.get("objective") == objective)
            assert count >= 2, f"{quiz.path}: objective {objective!r} has {count} question(s)"


def test_the_english_and_chinese_banks_agree(content):
    translated = {q.lesson_slug: q for q in content.translated_quizzes if q.language == "zh_CN"}
    for quiz in content.quizzes:
        assert quiz.lesson_slug in translated, f"{quiz.path} has no Chinese version"
        chinese = translated[quiz.lesson_slug]
        assert _bank_shape(chinese) == _bank_shape(quiz), chinese.path
        assert (chinese.pass_mark, chinese.draw, chinese.review) == (quiz.pass_mark, quiz.draw, quiz.review)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_right_option_is_the_longest_in_at_most_a_third_of_the_questions(content, language):
    quizzes = content.quizzes if language == "en" else [q for q in content.translated_quizzes
                                                        if q.language == language]
    questions = [q for quiz in quizzes for q in quiz.questions if q["type"] in ("single", "multiple")]
    assert questions
    leaking = [q["id"] for q in questions if _right_option_is_longest(q)]
    assert len(leaking) * 3 <= len(questions), f"{language}: {len(leaking)}/{len(questions)}: {leaking}"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_right_option_is_the_shortest_in_at_most_a_third_of_the_questions(content, language):
    quizzes = content.quizzes if language == "en" else [q for q in content.translated_quizzes
                                                        if q.language == language]
    questions = [q for quiz in quizzes for q in quiz.questions if q["type"] in ("single", "multiple")]
    assert questions
    leaking = [q["id"] for q in questions if _right_option_is_shortest(q)]
    assert len(leaking) * 3 <= len(questions), f"{language}: {len(leaking)}/{len(questions)}: {leaking}"
