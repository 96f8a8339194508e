"""Checks that a course file in another language is a version of its source-language original.

A translation sits in a subfolder named for its language (lessons/<course>/zh_CN/,
quizzes/zh_CN/) under the original's file name. Its words are free; its shape is not: the same
modules in the same order, each lesson in the same place, and each quiz with the same questions,
ids, types, options, right answers, pass mark and attempts, so that a quiz answered in either
language is graded the same way and records the same answers.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from courseware.content.yamlfile import ContentError

if TYPE_CHECKING:
    from courseware.content.loader import CourseFile, LessonFile, QuizFile


def check_course(translated: CourseFile, original: CourseFile) -> None:
    if len(translated.modules) != len(original.modules):
        raise _error(translated, f"lists {len(translated.modules)} modules, but the original "
                     f"{original.path} lists {len(original.modules)}: list the same modules "
                     "in the same order", "modules")


def check_lesson(translated: LessonFile, original: LessonFile | None, translated_course: CourseFile,
                 course: CourseFile) -> None:
    if original is None:
        raise ContentError(translated.path, f"no original lesson {translated.slug!r} in "
                           f"{_parent(course.path)}: a translated lesson has the file name of the "
                           "lesson it translates", 1)
    if translated.order != original.order:
        raise _error(translated, f"order {translated.order} differs from the original's "
                     f"({original.order}, {original.path})", "order")
    position = translated_course.modules.index(translated.module)
    expected = course.modules.index(original.module)
    if position != expected:
        raise _error(translated, f"module {translated.module!r} is module {position + 1} of "
                     f"{translated_course.path}, but the original lesson is in module {expected + 1} "
                     f"({original.module!r}): use {translated_course.modules[expected]!r}", "module")


def quiz_mismatches(translated: QuizFile, original: QuizFile | None) -> list[ContentError]:
    """Every way the translated quiz differs in shape from the original (empty when it does not)."""
    if original is None:
        return [ContentError(translated.path, f"no original quiz {translated.lesson_slug!r}.yaml "
                             "was loaded: a translated quiz has the file name of the quiz it "
                             "translates, and the original must be valid", 1)]
    errors = []
    for key, mine, theirs in (("pass_mark", translated.pass_mark, original.pass_mark),
                              ("attempts", translated.max_attempts, original.max_attempts)):
        if mine != theirs:
            errors.append(_error(translated, f"'{key}' is {mine}, the original {original.path} "
                                 f"has {theirs}", key))
    if len(translated.questions) != len(original.questions):
        errors.append(_error(
            translated, f"has {len(translated.questions)} questions, the original {original.path} "
            f"has {len(original.questions)}: a translation has the same questions", "questions"))
        return errors
    for index, (mine, theirs) in enumerate(zip(translated.questions, original.questions, strict=True)):
        where = ("questions", index)
        label = f"question {index + 1}"
        if mine["id"] != theirs["id"]:
            errors.append(_error(translated, f"{label} has id {mine['id']!r}, the original's question "
                                 f"{index + 1} has id {theirs['id']!r}: keep the ids and their order",
                                 *where, "id"))
            continue
        if mine["type"] != theirs["type"]:
            errors.append(_error(translated, f"{label} ({mine['id']}) is {mine['type']!r}, the "
                                 f"original's is {theirs['type']!r}", *where, "type"))
        if len(mine["options"]) != len(theirs["options"]):
            errors.append(_error(translated, f"{label} ({mine['id']}) has {len(mine['options'])} "
                                 f"options, the original's has {len(theirs['options'])}",
                                 *where, "options"))
            continue
        for number, (option, other) in enumerate(zip(mine["options"], theirs["options"], strict=True)):
            if option["correct"] != other["correct"]:
                state = "right" if other["correct"] else "not right"
                errors.append(_error(translated, f"{label} ({mine['id']}), option {number + 1}: the "
                                     f"original marks it {state}; keep the options in the same "
                                     "order with the same answers", *where, "options", number))
    return errors


def _error(translated, message: str, *key_path: object) -> ContentError:
    if translated.doc is None:
        return ContentError(translated.path, message)
    return translated.doc.error(message, *key_path)


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else path


def quiz_shape(pass_mark: int, max_attempts: int | None, questions: list[dict]) -> tuple:
    """What must be the same in every language's version of a quiz for it to be graded the same:
    pass mark, attempts, and each question's id, type and which options (by key) are right."""
    return (pass_mark, max_attempts, tuple(
        (q["id"], q["type"], tuple((o["key"], bool(o["correct"])) for o in q["options"]))
        for q in questions))


def same_quiz(one, other) -> bool:
    """Whether two quiz versions (QuizVersion or QuizFile alike) are graded the same way."""
    return (quiz_shape(one.pass_mark, getattr(one, "max_attempts", None), one.questions)
            == quiz_shape(other.pass_mark, getattr(other, "max_attempts", None), other.questions))
