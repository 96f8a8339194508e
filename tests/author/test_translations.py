"""The president writes and publishes each language's revisions of a lesson separately
(`?lang=zh_CN` on the editor, history and publish pages), and the lessons list shows when the
Chinese version is behind the English one."""
from __future__ import annotations

import re

import sqlalchemy as sa

from courseware.extensions import db
from courseware.models import LessonRevision
from tests.author.conftest import editor_data, lesson_named
from tests.author.test_quiz_authoring import base_of, quiz_form
from tests.quiz.test_quiz_pages import QUIZ_URL

ZH = {"Accept-Language": "zh-CN"}


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def zh_revisions(slug: str) -> list[LessonRevision]:
    return lesson_named(slug).revisions_in("zh_CN")


def lesson_entry(index: str, lesson_id: int) -> str:
    return re.search(rf'<li class="author-lesson" id="lesson-{lesson_id}">(.*?)</li>', index, re.S).group(1)


def translate_and_publish(president, lesson, text: str = "第二课，中文版。") -> None:
    page(president.get(f"/author/lessons/{lesson.id}/edit?lang=zh_CN"))
    data = editor_data(lesson, title="第二课", summary="没有测验的一课。", source=text, base_number="")
    if lesson.revisions_in("zh_CN"):
        data["base_number"] = str(lesson.revisions_in("zh_CN")[-1].number)
    saved = president.post(f"/author/lessons/{lesson.id}/edit?lang=zh_CN", data=data)
    assert saved.status_code == 303 and "lang=zh_CN" in saved.headers["Location"]
    number = zh_revisions(lesson.slug)[-1].number
    published = president.post(f"/author/lessons/{lesson.id}/publish?lang=zh_CN",
                               data={"number": number, "kind": "minor"})
    assert published.status_code == 303, published.get_data(as_text=True)


def test_a_lessons_first_chinese_revision_starts_from_the_english_text(president, second):
    form = page(president.get(f"/author/lessons/{second.id}/edit?lang=zh_CN"))
    assert "data-first-translation" in form
    assert "The second lesson has no quiz.\n</textarea>" in form
    assert 'name="base_number" type="hidden" value=""' in form
    assert 'name="module" value="' in form and '<select id="module"' not in form  # the English choice
    assert f'/author/lessons/{second.id}/history?lang=zh_CN' in form  # links keep the language
    assert 'aria-current="page">简体中文</a>' in form


def test_the_president_publishes_a_chinese_revision_and_learners_read_it(president, manager, second):
    translate_and_publish(president, second)

    [revision] = zh_revisions("second-lesson")
    lesson = lesson_named("second-lesson")
    assert (revision.number, revision.language, revision.material) == (1, "zh_CN", False)
    assert lesson.published_revision_in("zh_CN").id == revision.id
    assert lesson.published_revision.language == "en" and lesson.published_revision.number == 1
    assert [r.number for r in lesson.revisions_in("en")] == [1]  # English history untouched
    chinese = page(manager.get("/courses/test-course/second-lesson", headers=ZH))
    assert "第二课，中文版。" in chinese and "data-not-translated" not in chinese
    english = page(manager.get("/courses/test-course/second-lesson", headers={"Accept-Language": "en"}))
    assert "The second lesson has no quiz." in english


def test_history_and_drafts_are_per_language(president, first):
    data = editor_data(first, title="第一课", summary="第一课讲什么。", source="第一课的新草稿。",
                       base_number="1")
    saved = president.post(f"/author/lessons/{first.id}/edit?lang=zh_CN", data=data)
    assert saved.status_code == 303
    assert [r.number for r in zh_revisions("first-lesson")] == [1, 2]
    history = page(president.get(f"/author/lessons/{first.id}/history?lang=zh_CN"))
    assert f"/author/lessons/{first.id}/revisions/2?lang=zh_CN" in history
    assert "/revisions/2" not in page(president.get(f"/author/lessons/{first.id}/history"))
    shown = page(president.get(f"/author/lessons/{first.id}/revisions/2?lang=zh_CN"))
    assert "第一课的新草稿。" in shown
    english = page(president.get(f"/author/lessons/{first.id}/edit"))
    assert "The first lesson's opening paragraph." in english
    chinese = page(president.get(f"/author/lessons/{first.id}/edit?lang=zh_CN"))
    assert "第一课的新草稿。\n</textarea>" in chinese
    assert 'name="base_number" type="hidden" value="2"' in chinese
    # A save based on an older Chinese revision is refused, as in English.
    stale = president.post(f"/author/lessons/{first.id}/edit?lang=zh_CN",
                           data={**data, "source": "又一稿。"})
    assert stale.status_code == 409


def test_unpublishing_the_chinese_version_shows_readers_the_english_one(president, manager, first):
    response = president.post(f"/author/lessons/{first.id}/unpublish?lang=zh_CN")
    assert response.status_code == 303
    lesson = lesson_named("first-lesson")
    assert lesson.published_revision_in("zh_CN") is None and lesson.published_revision is not None
    chinese = page(manager.get("/courses/test-course/first-lesson", headers=ZH))
    assert "The first lesson's opening paragraph." in chinese and "data-not-translated" in chinese


def test_the_lessons_list_shows_when_the_chinese_version_is_behind(president, first, second):
    index = page(president.get("/author/"))
    assert "data-translation-behind" not in lesson_entry(index, first.id)
    assert "data-translation-behind" in lesson_entry(index, second.id)  # no Chinese version at all
    assert "Chinese version behind" in lesson_entry(index, second.id)

    # A material English publication leaves the Chinese version of the first lesson behind.
    saved = president.post(f"/author/lessons/{first.id}/edit",
                           data=editor_data(first, source="The first lesson, rewritten.\n"))
    assert saved.status_code == 303
    president.post(f"/author/lessons/{first.id}/publish", data={"number": 2, "kind": "material"})
    assert "data-translation-behind" in lesson_entry(page(president.get("/author/")), first.id)

    translate_and_publish(president, lesson_named("second-lesson"))
    index = page(president.get("/author/"))
    assert "data-translation-behind" not in lesson_entry(index, second.id)

    chinese = page(president.get("/author/", headers=ZH))
    assert "中文版待更新" in lesson_entry(chinese, first.id)


def test_a_minor_english_publication_does_not_leave_the_chinese_version_behind(president, first):
    typo_fixed = "The first lesson's opening paragraph, typo fixed.\n"
    saved = president.post(f"/author/lessons/{first.id}/edit", data=editor_data(first, source=typo_fixed))
    assert saved.status_code == 303
    president.post(f"/author/lessons/{first.id}/publish", data={"number": 2, "kind": "minor"})
    assert "data-translation-behind" not in lesson_entry(page(president.get("/author/")), first.id)


def test_the_chinese_publish_page_offers_no_material_choice(president, first):
    data = editor_data(first, title="第一课", summary="第一课讲什么。", source="第一课，第二稿。",
                       base_number="1")
    president.post(f"/author/lessons/{first.id}/edit?lang=zh_CN", data=data)
    publish = page(president.get(f"/author/lessons/{first.id}/publish?lang=zh_CN"))
    assert 'name="kind" value="minor"' in publish and 'value="material"' not in publish
    assert db.session.scalar(sa.select(sa.func.count(LessonRevision.id))
                             .where(LessonRevision.language == "zh_CN")) == 2


# --- the quiz in Chinese ---------------------------------------------------------------------------

def test_the_chinese_quiz_editor_opens_the_chinese_version(president, first):
    html = page(president.get(f"/author/lessons/{first.id}/quiz?lang=zh_CN"))
    assert "哪个选项是对的？" in html and "Which option is the right one?" not in html
    assert "data-translation-note" in html and 'aria-current="page">简体中文</a>' in html
    assert "Archive the quiz" not in html  # one quiz in every language: managed in English
    english = page(president.get(f"/author/lessons/{first.id}/quiz"))
    assert "Which option is the right one?" in english and "data-translation-note" not in english


def test_a_chinese_quiz_version_is_published_when_it_keeps_the_english_questions(president, manager, first):
    html = page(president.get(f"/author/lessons/{first.id}/quiz?lang=zh_CN"))
    version = lesson_named("first-lesson").quiz.current_version_in("zh_CN")
    questions = [dict(q, prompt=q["prompt"] + "（新）") for q in version.questions]
    response = president.post(f"/author/lessons/{first.id}/quiz?lang=zh_CN",
                              data=quiz_form(questions, base_of(html), pass_mark=60, action="publish"))
    assert response.status_code == 303, response.get_data(as_text=True)
    quiz = lesson_named("first-lesson").quiz
    assert [v.number for v in quiz.versions_in("zh_CN")] == [1, 2]
    assert [v.number for v in quiz.versions_in("en")] == [1]
    assert quiz.current_version_in("zh_CN").number == 2 and quiz.current_version.language == "en"
    assert "哪个选项是对的？（新）" in page(manager.get(QUIZ_URL, headers=ZH))


def test_a_chinese_quiz_version_with_other_questions_is_refused(president, first):
    html = page(president.get(f"/author/lessons/{first.id}/quiz?lang=zh_CN"))
    version = lesson_named("first-lesson").quiz.current_version_in("zh_CN")
    fewer = [dict(q, options=q["options"][:2]) if q["id"] == "pick-one" else q for q in version.questions]
    response = president.post(f"/author/lessons/{first.id}/quiz?lang=zh_CN",
                              data=quiz_form(fewer, base_of(html), pass_mark=60, action="publish"))
    assert response.status_code == 422
    assert "A translation keeps the English version" in response.get_data(as_text=True)
    quiz = lesson_named("first-lesson").quiz
    assert quiz.current_version_in("zh_CN").number == 1 and len(quiz.versions_in("zh_CN")) == 1


def test_the_lessons_list_shows_a_chinese_quiz_behind_the_english_one(president, first):
    assert "data-translation-quiz-behind" not in lesson_entry(page(president.get("/author/")), first.id)
    html = page(president.get(f"/author/lessons/{first.id}/quiz"))
    english = lesson_named("first-lesson").quiz.current_version.questions
    response = president.post(f"/author/lessons/{first.id}/quiz",
                              data=quiz_form(english[:2], base_of(html), pass_mark=60, action="publish"))
    assert response.status_code == 303
    assert "data-translation-quiz-behind" in lesson_entry(page(president.get("/author/")), first.id)


def test_a_scheduled_chinese_revision_is_published_for_chinese_readers_only(president, first):
    from datetime import timedelta

    from courseware.models._time import utcnow
    from courseware.services.authoring import publishing

    data = editor_data(first, title="第一课", summary="第一课讲什么。", source="第一课，定时发布。",
                       base_number="1")
    assert president.post(f"/author/lessons/{first.id}/edit?lang=zh_CN", data=data).status_code == 303
    lesson = lesson_named("first-lesson")
    now = utcnow()
    publishing.schedule(db.session, lesson, 2, True, now + timedelta(hours=1), now=now, language="zh_CN")
    assert publishing.publish_due(db.session, now=now) == []
    [published] = publishing.publish_due(db.session, now=now + timedelta(hours=2))
    lesson = lesson_named("first-lesson")
    assert (published.language, published.number, published.material) == ("zh_CN", 2, False)
    assert lesson.published_revision_in("zh_CN").number == 2
    assert lesson.published_revision.language == "en" and lesson.published_revision.number == 1


def test_a_reader_of_a_chinese_version_left_behind_is_told(president, manager, first):
    url = "/courses/test-course/first-lesson"
    assert "data-translation-behind" not in page(manager.get(url, headers=ZH))
    saved = president.post(f"/author/lessons/{first.id}/edit",
                           data=editor_data(first, source="The first lesson, rewritten.\n"))
    assert saved.status_code == 303
    president.post(f"/author/lessons/{first.id}/publish", data={"number": 2, "kind": "material"})
    chinese = page(manager.get(url, headers=ZH))
    assert "data-translation-behind" in chinese and "本课的英文版在此译文发布之后有实质性更新" in chinese
    assert "data-translation-behind" not in page(manager.get(url, headers={"Accept-Language": "en"}))


def test_publishing_a_lesson_without_its_chinese_version_into_a_bilingual_course_warns(president, first,
                                                                                      second):
    def publish_page_of(lesson) -> str:
        data = editor_data(lesson, source="A second English draft.",
                           base_number=str(lesson.revisions_in("en")[-1].number))
        assert president.post(f"/author/lessons/{lesson.id}/edit", data=data).status_code == 303
        return page(president.get(f"/author/lessons/{lesson.id}/publish"))

    warned = publish_page_of(second)  # the first lesson is in Chinese, the second not yet
    assert 'data-missing-translation="zh_CN"' in warned
    assert ("This lesson has no Chinese version yet: readers who use Chinese will read it in English, "
            "while 1 of the course’s 1 other lessons are in Chinese.") in warned
    assert f'href="/author/lessons/{second.id}/edit?lang=zh_CN"' in warned
    assert "data-missing-translation" not in publish_page_of(first)

    translate_and_publish(president, second)
    assert "data-missing-translation" not in publish_page_of(second)
    chinese_page = page(president.get(f"/author/lessons/{second.id}/publish?lang=zh_CN"))
    assert "data-missing-translation" not in chinese_page
