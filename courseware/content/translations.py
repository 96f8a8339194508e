"""Checks that a course file in another language is a version of its source-language original.

A translation sits in a subfolder named for its language (lessons/<course>/zh_CN/,
quizzes/zh_CN/) under the original's file name. Its words are free; its shape is not: the same
modules in the same order, each lesson in the same place, and each quiz with the same questions,
ids, types, objectives, options, right and pinned options, pass mark, attempts, draw and review, so
that a quiz answered in either language is drawn and graded the same way and records the same
answers; a translated lesson lists the same objectives (by id) in the same order, and has a
discussion guide when its original has one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from flask_babel import gettext as _

from courseware.content.discussion import discussion_problem
from courseware.content.objectives import objective_ids
from courseware.content.quiz_files import REVIEW_AFTER_PASS, draw_count
from courseware.content.yamlfile import ContentError

if TYPE_CHECKING:
    from courseware.content.loader import CourseFile, LessonFile
    from courseware.content.quiz_files import QuizFile


def check_course(translated: CourseFile, original: CourseFile) -> None:
    if len(translated.modules) != len(original.modules):
        raise _error(translated, _("lists %(count)s modules, but the original %(path)s lists "
                                   "%(original)s: list the same modules in the same order",
                                   count=len(translated.modules), path=original.path,
                                   original=len(original.modules)), "modules")


def check_lesson(translated: LessonFile, original: LessonFile | None, translated_course: CourseFile,
                 course: CourseFile) -> None:
    if original is None:
        raise ContentError(translated.path, _("no original lesson %(slug)s in %(folder)s: a "
                                              "translated lesson has the file name of the lesson it "
                                              "translates", slug=repr(translated.slug),
                                              folder=_parent(course.path)), 1)
    if translated.order != original.order:
        raise _error(translated, _("order %(order)s differs from the original's (%(original)s, "
                                   "%(path)s)", order=translated.order, original=original.order,
                                   path=original.path), "order")
    position = translated_course.modules.index(translated.module)
    expected = course.modules.index(original.module)
    if position != expected:
        raise _error(translated, _("module %(module)s is module %(position)s of %(path)s, but the "
                                   "original lesson is in module %(expected)s (%(original)s): use "
                                   "%(use)s", module=repr(translated.module), position=position + 1,
                                   path=translated_course.path, expected=expected + 1,
                                   original=repr(original.module),
                                   use=repr(translated_course.modules[expected])), "module")
    mine, theirs = objective_ids(translated.objectives), objective_ids(original.objectives)
    if mine != theirs:
        raise _error(translated, _("objectives %(mine)s differ from the original's (%(theirs)s, "
                                   "%(path)s): list the same ids in the same order",
                                   mine=", ".join(mine) or "-", theirs=", ".join(theirs) or "-",
                                   path=original.path), "objectives")
    problem = discussion_problem(translated.discussion, original.discussion, original.path)
    if problem is not None:
        raise _error(translated, problem, "discussion")


def quiz_mismatches(translated: QuizFile, original: QuizFile | None) -> list[ContentError]:
    """Every way the translated quiz differs in shape from the original (empty when it does not)."""
    if original is None:
        return [ContentError(translated.path, _("no original quiz %(slug)s.yaml was loaded: a "
                                                "translated quiz has the file name of the quiz it "
                                                "translates, and the original must be valid",
                                                slug=repr(translated.lesson_slug)), 1)]
    errors = []
    for key, my_value, their_value in (("pass_mark", translated.pass_mark, original.pass_mark),
                                       ("attempts", translated.max_attempts, original.max_attempts),
                                       ("draw", translated.draw, original.draw),
                                       ("review", translated.review, original.review)):
        if my_value != their_value:
            errors.append(_error(translated, _("'%(key)s' is %(mine)s, the original %(path)s has "
                                               "%(theirs)s", key=key, mine=my_value, path=original.path,
                                               theirs=their_value), key))
    if len(translated.questions) != len(original.questions):
        errors.append(_error(
            translated, _("has %(count)s questions, the original %(path)s has %(original)s: a "
                          "translation has the same questions", count=len(translated.questions),
                          path=original.path, original=len(original.questions)), "questions"))
        return errors
    for index, (mine, theirs) in enumerate(zip(translated.questions, original.questions, strict=True)):
        where = ("questions", index)
        label = _("question %(number)s", number=index + 1)
        if mine["id"] != theirs["id"]:
            errors.append(_error(translated, _("%(label)s has id %(id)s, the original's question "
                                               "%(number)s has id %(original)s: keep the ids and "
                                               "their order", label=label, id=repr(mine["id"]),
                                               number=index + 1, original=repr(theirs["id"])),
                                 *where, "id"))
            continue
        if mine["type"] != theirs["type"]:
            errors.append(_error(translated, _("%(label)s (%(id)s) is %(type)s, the original's is "
                                               "%(original)s", label=label, id=mine["id"],
                                               type=repr(mine["type"]), original=repr(theirs["type"])),
                                 *where, "type"))
        if mine.get("objective") != theirs.get("objective"):
            errors.append(_error(translated, _("%(label)s (%(id)s) tests objective %(objective)s, the "
                                               "original's tests %(original)s", label=label,
                                               id=mine["id"], objective=repr(mine.get("objective")),
                                               original=repr(theirs.get("objective"))),
                                 *where, "objective" if "objective" in mine else "id"))
        errors.extend(_option_mismatches(translated, index, mine, theirs))
    return errors


def _option_mismatches(translated: QuizFile, index: int, mine: dict, theirs: dict) -> list[ContentError]:
    """How a translated question's options differ from the original's: number, right and pinned."""
    where = ("questions", index)
    label = _("question %(number)s", number=index + 1)
    errors = []
    if len(mine["options"]) != len(theirs["options"]):
        errors.append(_error(translated, _("%(label)s (%(id)s) has %(count)s options, the "
                                           "original's has %(original)s", label=label,
                                           id=mine["id"], count=len(mine["options"]),
                                           original=len(theirs["options"])),
                             *where, "options"))
        return errors
    for number, (option, other) in enumerate(zip(mine["options"], theirs["options"], strict=True)):
        if option["correct"] != other["correct"]:
            message = (_("%(label)s (%(id)s), option %(number)s: the original marks it right; "
                         "keep the options in the same order with the same answers",
                         label=label, id=mine["id"], number=number + 1) if other["correct"] else
                       _("%(label)s (%(id)s), option %(number)s: the original marks it not right; "
                         "keep the options in the same order with the same answers",
                         label=label, id=mine["id"], number=number + 1))
            errors.append(_error(translated, message, *where, "options", number))
        if option.get("pinned", False) != other.get("pinned", False):
            errors.append(_error(translated, _("%(label)s (%(id)s), option %(number)s: pin the same "
                                               "option as the original", label=label,
                                               id=mine["id"], number=number + 1),
                                 *where, "options", number))
    return errors


def _error(translated: CourseFile | LessonFile | QuizFile, message: str,
           *key_path: str | int) -> ContentError:
    if translated.doc is None:
        return ContentError(translated.path, message)
    return translated.doc.error(message, *key_path)


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else path


def quiz_shape(pass_mark: int | None, max_attempts: int | None, questions: list[dict],
               draw: int | None = None, review: str | None = None) -> tuple:
    """What must be the same in every language's version of a quiz for it to be drawn and graded
    the same: pass mark, attempts, questions per attempt, review policy, and each question's id,
    type, objective and which options (by key) are right and pinned."""
    return (pass_mark, max_attempts, draw_count(draw, len(questions)), review or REVIEW_AFTER_PASS,
            tuple((q["id"], q["type"], q.get("objective"),
                   tuple((o["key"], bool(o["correct"]), bool(o.get("pinned"))) for o in q["options"]))
                  for q in questions))


class QuizShape(Protocol):
    """What same_quiz() compares (max_attempts, draw and the review policy too, where there are)."""

    @property
    def pass_mark(self) -> int | None: ...

    @property
    def questions(self) -> list[dict]: ...


def _shape(quiz: QuizShape) -> tuple:
    # A quiz file's policy is `review`, a quiz version's `review_policy`.
    review = getattr(quiz, "review_policy", None) or getattr(quiz, "review", None)
    return quiz_shape(quiz.pass_mark, getattr(quiz, "max_attempts", None), quiz.questions,
                      getattr(quiz, "draw", None), review)


def same_quiz(one: QuizShape, other: QuizShape) -> bool:
    """Whether two quiz versions (QuizVersion or QuizFile alike) are drawn and graded the same way."""
    return _shape(one) == _shape(other)
