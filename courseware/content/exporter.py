"""Writes the database's published content back to files in the import format."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.content.discussion import PARTS as DISCUSSION_PARTS
from courseware.content.quiz_files import REVIEW_AFTER_PASS
from courseware.content.translations import same_quiz
from courseware.language import SOURCE_LANGUAGE
from courseware.models import Course, Lesson, QuizVersion


def export_content(session: Session, out_dir: Path) -> list[Path]:
    """Every course's published lessons and quizzes, and their published versions in other
    languages in the language's subfolder (lessons/<course>/zh_CN/, quizzes/zh_CN/)."""
    written = []
    for course in session.scalars(select(Course).order_by(Course.position)):
        course_dir = out_dir / "lessons" / course.slug
        course_dir.mkdir(parents=True, exist_ok=True)
        written.append(_write(course_dir / "course.yaml", course_file_text(course)))
        for language in sorted(course.translations or {}):
            language_dir = course_dir / language
            language_dir.mkdir(exist_ok=True)
            written.append(_write(language_dir / "course.yaml", course_file_text(course, language)))
        lessons = session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id, Lesson.is_published)
            .order_by(Lesson.position)
        )
        for lesson in lessons:
            name = f"{lesson.position:02d}-{lesson.slug}.md"
            written.append(_write(course_dir / name, lesson_file_text(lesson)))
            for translation in lesson.translations:
                if translation.published_revision is not None:
                    language_dir = course_dir / translation.language
                    language_dir.mkdir(exist_ok=True)
                    written.append(_write(language_dir / name,
                                          lesson_file_text(lesson, translation.language)))
            quiz = lesson.quiz
            if quiz is not None and quiz.current_version is not None:
                quiz_dir = out_dir / "quizzes"
                quiz_dir.mkdir(parents=True, exist_ok=True)
                written.append(_write(quiz_dir / f"{lesson.slug}.yaml",
                                      quiz_file_text(quiz.current_version)))
                for quiz_translation in quiz.translations:
                    # A version that no longer has the English questions is not served, and is
                    # not written either: the files would not pass the check.
                    version = quiz_translation.current_version
                    if version is not None and same_quiz(version, quiz.current_version):
                        language_dir = quiz_dir / quiz_translation.language
                        language_dir.mkdir(exist_ok=True)
                        written.append(_write(language_dir / f"{lesson.slug}.yaml",
                                              quiz_file_text(version)))
    return written


def course_file_text(course: Course, language: str = SOURCE_LANGUAGE) -> str:
    return _dump({
        "title": course.title_in(language),
        "description": course.description_in(language),
        "modules": [module.title_in(language) for module in course.modules],
    })


def lesson_file_text(lesson: Lesson, language: str = SOURCE_LANGUAGE) -> str:
    revision = lesson.published_revision_in(language)
    if revision is None:  # the callers export only what is published
        raise ValueError(f"lesson {lesson.slug!r} has no revision published in {language}")
    front = {
        "title": revision.title,
        "module": lesson.module.title_in(language),
        "order": lesson.position,
        "minutes": revision.minutes,
        "summary": revision.summary,
    }
    if revision.reflection:
        front["reflection"] = revision.reflection
    if revision.objectives:
        front["objectives"] = [{"id": each["id"], "text": each["text"]} for each in revision.objectives]
    if revision.discussion:
        front["discussion"] = {part: revision.discussion[part] for part in DISCUSSION_PARTS}
    return f"---\n{_dump(front)}---\n\n{revision.source}"


def quiz_file_text(version: QuizVersion) -> str:
    data: dict = {"pass_mark": version.pass_mark}
    if version.max_attempts is not None:
        data["attempts"] = version.max_attempts
    if version.draw is not None:
        data["draw"] = version.draw
    if version.review_policy and version.review_policy != REVIEW_AFTER_PASS:
        data["review"] = version.review_policy
    data["questions"] = [_question_data(question) for question in version.questions]
    return _dump(data)


def _question_data(question: dict) -> dict:
    data = {"id": question["id"], "type": question["type"], "prompt": question["prompt"]}
    if question.get("objective"):
        data["objective"] = question["objective"]
    data["options"] = [
        {"text": o["text"], **({"correct": True} if o["correct"] else {}), "explain": o["explain"],
         **({"pinned": True} if o.get("pinned") else {})}
        for o in question["options"]
    ]
    return data


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
