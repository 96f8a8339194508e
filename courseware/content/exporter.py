"""Writes the database's published content back to files in the import format."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import Course, Lesson


def export_content(session: Session, out_dir: Path) -> list[Path]:
    written = []
    for course in session.scalars(select(Course).order_by(Course.position)):
        course_dir = out_dir / "lessons" / course.slug
        course_dir.mkdir(parents=True, exist_ok=True)
        course_yaml = {
            "title": course.title,
            "description": course.description,
            "modules": [module.title for module in course.modules],
        }
        written.append(_write(course_dir / "course.yaml", _dump(course_yaml)))
        lessons = session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id, Lesson.published_revision_id.is_not(None))
            .order_by(Lesson.position)
        )
        for lesson in lessons:
            written.append(_write(course_dir / f"{lesson.position:02d}-{lesson.slug}.md",
                                  lesson_file_text(lesson)))
            if lesson.quiz is not None and lesson.quiz.current_version is not None:
                quiz_dir = out_dir / "quizzes"
                quiz_dir.mkdir(parents=True, exist_ok=True)
                written.append(_write(quiz_dir / f"{lesson.slug}.yaml",
                                      quiz_file_text(lesson.quiz.current_version)))
    return written


def lesson_file_text(lesson: Lesson) -> str:
    revision = lesson.published_revision
    front = {
        "title": revision.title,
        "module": lesson.module.title,
        "order": lesson.position,
        "minutes": revision.minutes,
        "summary": revision.summary,
    }
    if revision.reflection:
        front["reflection"] = revision.reflection
    return f"---\n{_dump(front)}---\n\n{revision.source}"


def quiz_file_text(version) -> str:
    data: dict = {"pass_mark": version.pass_mark}
    if version.max_attempts is not None:
        data["attempts"] = version.max_attempts
    data["questions"] = [
        {
            "id": question["id"],
            "type": question["type"],
            "prompt": question["prompt"],
            "options": [
                {"text": o["text"], **({"correct": True} if o["correct"] else {}),
                 "explain": o["explain"]}
                for o in question["options"]
            ],
        }
        for question in version.questions
    ]
    return _dump(data)


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
