"""The course in two languages as a learner meets it: each person reads the lessons, titles and
quizzes in their language where a version exists, and keeps one progress record and one set of
attempts per lesson and quiz whichever language they used."""
from __future__ import annotations

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import (
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
    QuizTranslation,
    QuizVersion,
)
from courseware.services import catalog
from courseware.services.catalog import cache as outline_cache
from tests.quiz.test_quiz_pages import QUIZ_URL, RIGHT, WRONG, attempt_id

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
LESSON_1 = "/courses/test-course/first-lesson"
LESSON_2 = "/courses/test-course/second-lesson"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def progress_of(user, slug: str) -> LessonProgress | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(LessonProgress).join(Lesson).where(LessonProgress.user_id == user.id,
                                                     Lesson.slug == slug))


def attempts_of(user) -> list[QuizAttempt]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id)
                                   .order_by(QuizAttempt.id)))


def take_quiz(client, answers: dict, headers: dict) -> str:
    page = text(client.get(QUIZ_URL, headers=headers))
    response = client.post(QUIZ_URL, data={"attempt_id": attempt_id(page), **answers}, headers=headers)
    assert response.status_code == 303
    return text(client.get(response.headers["Location"], headers=headers))


def test_the_lesson_is_in_chinese_for_a_chinese_browser_and_in_english_for_an_english_one(
        manager, course):
    chinese = text(manager.get(LESSON_1, headers=ZH))
    assert "<h1>第一课</h1>" in chinese and "第一课的开篇段落。" in chinese
    assert ">测试课程</a>" in chinese and "第一单元" in chinese
    assert "The first lesson's opening paragraph." not in chinese
    assert "data-not-translated" not in chinese

    english = text(manager.get(LESSON_1, headers=EN))
    assert "<h1>The first lesson</h1>" in english and "The first lesson's opening paragraph." in english
    assert ">Test Course</a>" in english and "第一课" not in english


def test_the_profile_language_wins_over_the_browser(signed_in, course):
    chinese_reader = signed_in("manager", username="zh.reader")
    chinese_reader.user.locale = "zh_CN"
    db.session.commit()
    assert "第一课的开篇段落。" in text(chinese_reader.get(LESSON_1, headers=EN))

    english_reader = signed_in("manager", username="en.reader")
    english_reader.user.locale = "en"
    db.session.commit()
    assert "The first lesson's opening paragraph." in text(english_reader.get(LESSON_1, headers=ZH))


def test_a_lesson_without_a_chinese_version_is_shown_in_english_with_a_note(manager, course):
    page = text(manager.get(LESSON_2, headers=ZH))
    assert "The second lesson has no quiz." in page and "data-not-translated" in page
    assert "第一单元" not in page and "第二单元" in page  # the module's title is translated


def test_english_text_on_a_chinese_page_says_it_is_english(manager, course):
    """WCAG 3.1.2 (language of parts): a screen reader reads the untranslated lesson with an English voice."""
    page = text(manager.get(LESSON_2, headers=ZH))
    assert '<html lang="zh-CN">' in page
    assert '<h1 lang="en">The second lesson</h1>' in page and '<div class="prose" lang="en">' in page
    assert '<span class="pager-title">← 第一课</span>' in page  # the translated one carries no lang
    outline = text(manager.get("/courses/test-course", headers=ZH))
    assert 'lang="en">The second lesson</a>' in outline
    assert 'lang="en">第一课</a>' not in outline and 'second-lesson">The second lesson' not in outline

    english = text(manager.get(LESSON_2, headers=EN))
    assert "<h1>The second lesson</h1>" in english and 'lang="en"' not in english.split("<body")[1]


def test_the_outline_dashboard_and_progress_pages_use_the_chinese_titles(manager, course):
    outline = text(manager.get("/courses/test-course", headers=ZH))
    assert "<h1>测试课程</h1>" in outline and "测试导入的小课程。" in outline
    assert "第一课" in outline and "第一课讲什么。" in outline and "第二单元" in outline
    assert "The second lesson" in outline  # not translated: its English title
    assert "测试课程" in text(manager.get("/", headers=ZH))
    take_quiz(manager, RIGHT, ZH)
    me = text(manager.get("/me", headers=ZH))
    assert "测试课程" in me and "第一课" in me
    assert "The first lesson" in text(manager.get("/me", headers=EN))


def test_reading_in_either_language_is_one_progress_record(manager, course, reading_clock):
    text(manager.get(LESSON_2, headers=ZH))
    first_open = progress_of(manager.user, "second-lesson")
    assert first_open is not None

    text(manager.get(LESSON_2, headers=EN))
    reading_clock.move(minutes=3)
    manager.post(f"{LESSON_2}/complete", headers=ZH)

    record = progress_of(manager.user, "second-lesson")
    assert record.id == first_open.id and record.completed_at is not None
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "second-lesson"))
    assert record.completed_revision_id == lesson.published_revision_id  # the source revision
    assert db.session.scalar(sa.select(sa.func.count(LessonProgress.id))
                             .where(LessonProgress.user_id == manager.user.id)) == 1
    english = text(manager.get("/courses/test-course", headers=EN))
    chinese = text(manager.get("/courses/test-course", headers=ZH))
    assert "1 of 2 lessons complete" in english or "1 of 2" in english
    assert english.count("badge-completed") == chinese.count("badge-completed") == 1


def test_reading_progress_reported_from_the_chinese_page_marks_the_lesson_read(manager, course,
                                                                               reading_clock):
    text(manager.get(LESSON_1, headers=ZH))
    reading_clock.move(seconds=90)
    response = manager.post(f"{LESSON_1}/progress", data={"seconds": "90", "end": "1"}, headers=ZH)
    assert response.get_json() == {"read": True, "completed": False}
    record = progress_of(manager.user, "first-lesson")
    assert record.read_at is not None and record.seconds_spent == 90
    assert "badge-quiz_pending" in text(manager.get(LESSON_1, headers=EN))


def test_the_quiz_in_chinese_is_graded_like_the_english_one(signed_in, course):
    chinese, english = signed_in("manager"), signed_in("manager")
    page = text(chinese.get(QUIZ_URL, headers=ZH))
    assert "哪个选项是对的？" in page and "对的那个" in page
    assert "Which option is the right one?" not in page and "data-not-translated" not in page

    for client, headers in ((chinese, ZH), (english, EN)):
        take_quiz(client, WRONG, headers)
        take_quiz(client, RIGHT, headers)
    zh_attempts, en_attempts = attempts_of(chinese.user), attempts_of(english.user)
    assert [(a.number, a.score, a.passed) for a in zh_attempts] == [
        (a.number, a.score, a.passed) for a in en_attempts] == [(1, 0, False), (2, 100, True)]
    assert {a.quiz_id for a in zh_attempts} == {a.quiz_id for a in en_attempts}
    assert {a.quiz_version.language for a in zh_attempts} == {"zh_CN"}
    assert {a.quiz_version.language for a in en_attempts} == {"en"}
    for attempts in (zh_attempts, en_attempts):
        # (In the order the attempt asked them: its draw.)
        assert sorted((x.question_id, x.selected, x.correct) for x in attempts[1].answers) == [
            ("pick-many", ["a", "c"], True), ("pick-one", ["b"], True), ("true-or-false", ["a"], True)]
    assert progress_of(chinese.user, "first-lesson").quiz_passed_at is not None


def test_an_attempt_taken_in_chinese_counts_in_english_and_is_reviewed_as_it_was_asked(manager, course):
    review = take_quiz(manager, RIGHT, ZH)
    assert "哪个选项是对的？" in review and "对，因为它是对的。" in review
    [attempt] = attempts_of(manager.user)
    # The review shows the questions in the language they were answered in, whatever the reader's now.
    assert "哪个选项是对的？" in text(manager.get(f"/attempts/{attempt.id}", headers=EN))
    english_quiz = text(manager.get(QUIZ_URL, headers=EN))
    assert "Which option is the right one?" in english_quiz and "100%" in english_quiz
    # The open attempt moves to the reader's language: nothing is answered in it yet.
    assert len(attempts_of(manager.user)) == 2
    assert "哪个选项是对的？" in text(manager.get(QUIZ_URL, headers=ZH))
    assert len(attempts_of(manager.user)) == 2


def test_a_chinese_quiz_version_that_no_longer_matches_the_english_one_is_not_served(manager, course):
    quiz = db.session.scalar(sa.select(Quiz))
    translation = db.session.get(QuizTranslation, (quiz.id, "zh_CN"))
    stale = QuizVersion(quiz_id=quiz.id, number=2, language="zh_CN", pass_mark=60,
                        questions=translation.current_version.questions[:2], content_hash="stale",
                        published_at=translation.current_version.published_at)
    db.session.add(stale)
    db.session.flush()
    translation.current_version_id = stale.id
    db.session.commit()

    page = text(manager.get(QUIZ_URL, headers=ZH))
    assert "Which option is the right one?" in page and "data-not-translated" in page
    assert '<span lang="en">Which option is the right one?</span>' in page


def test_the_outline_is_cached_once_per_language(app, manager, course):
    cache = app.extensions[outline_cache.EXTENSION_KEY]
    cache.clear()
    loads = cache.loads
    for _ in range(2):
        text(manager.get("/courses/test-course", headers=ZH))
        text(manager.get("/courses/test-course", headers=EN))
    assert cache.loads == loads + 2
    chinese = catalog.current(db.session, "zh_CN").course("test-course")
    english = catalog.current(db.session, "en").course("test-course")
    assert (chinese.title, english.title) == ("测试课程", "Test Course")
    assert chinese.lesson("first-lesson").revision.language == "zh_CN"
    assert chinese.lesson("first-lesson").source == english.lesson("first-lesson").revision


def test_the_chinese_pages_take_no_query_per_lesson(course, manager, make_user):
    from courseware.models import LessonRevision, LessonTranslation
    from tests.test_performance_queries import (
        BUDGET,
        SUBMISSION_BUDGET,
        add_lessons,
        do_everything,
        main_pages,
        measure,
    )

    manager.user.locale = "zh_CN"
    db.session.commit()
    do_everything(manager.user, course)
    small = measure(manager, main_pages(manager.user, course), course)

    add_lessons(course, 10)
    for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.slug.like("extra-%"))):
        revision = LessonRevision(lesson_id=lesson.id, number=1, language="zh_CN", title="附加课",
                                  source="正文。", html="<p>正文。</p>", content_hash=f"zh-{lesson.id}",
                                  published_at=lesson.published_revision.published_at,
                                  module_id=lesson.module_id)
        db.session.add(revision)
        db.session.flush()
        db.session.add(LessonTranslation(lesson_id=lesson.id, language="zh_CN",
                                         published_revision_id=revision.id))
    db.session.commit()
    for _ in range(3):
        do_everything(make_user(), course)
    do_everything(manager.user, course)
    large = measure(manager, main_pages(manager.user, course), course)

    assert large == small
    assert {name: count for name, count in large.items()
            if count > (SUBMISSION_BUDGET if name == "quiz submission" else BUDGET)} == {}
    assert "附加课" in text(manager.get("/courses/test-course"))


def test_the_reflection_question_is_asked_in_the_readers_language(manager, course):
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "first-lesson"))
    lesson.published_revision.reflection = "What will you change?"
    db.session.commit()
    # No Chinese question yet: the English one is asked.
    assert "What will you change?" in text(manager.get(LESSON_1, headers=ZH))
    lesson.published_revision_in("zh_CN").reflection = "你会改变什么？"
    db.session.commit()
    assert "你会改变什么？" in text(manager.get(LESSON_1, headers=ZH))
    assert "What will you change?" in text(manager.get(LESSON_1, headers=EN))


def test_what_changed_has_the_chinese_title_and_says_the_changes_are_in_english(manager, course):
    text(manager.get(LESSON_1, headers=ZH))
    page = text(manager.get(f"{LESSON_1}/changes", headers=ZH))
    assert "第一课" in page and "测试课程" in page
    english = text(manager.get(f"{LESSON_1}/changes", headers=EN))
    assert "The first lesson" in english and "data-changes-in-english" not in english


def test_completing_a_lesson_in_chinese_names_it_in_chinese(manager, course, reading_clock):
    text(manager.get(LESSON_2, headers=ZH))
    take_quiz(manager, RIGHT, ZH)
    text(manager.get(LESSON_1, headers=ZH))
    reading_clock.move(minutes=3)
    response = manager.post(f"{LESSON_1}/complete", headers=ZH)
    assert response.status_code == 302
    assert "“第一课”" in text(manager.get(response.headers["Location"], headers=ZH))
