"""Reads the course files (lessons/ and quizzes/) into plain objects, checking every rule.

Each file is checked on its own, so that one broken file never stops the others: its problems are
collected as ContentErrors naming the file and line, and it is left out of what gets imported.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from flask_babel import gettext as _

from courseware.content import translations
from courseware.content.discussion import read_discussion
from courseware.content.fields import (
    optional_text,
    read_text,
    reject_unknown_keys,
    require_int,
    require_mapping,
    require_text,
)
from courseware.content.objectives import quiz_objective_errors, read_objectives
from courseware.content.quiz_files import QuizFile, load_quiz
from courseware.content.rendering import MAX_NESTING, nesting_problem
from courseware.content.yamlfile import ContentError, YamlDocument, parse_yaml
from courseware.language import SOURCE_LANGUAGE, TRANSLATION_LANGUAGES

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
# Addresses under /courses/<course>/ that are pages of the course, not lessons.
RESERVED_LESSON_SLUGS = frozenset({"refresh"})
# A lesson's optional reflection prompt: one question, on one line.
MAX_REFLECTION = 300
# The languages a course or quiz folder may hold a version in, each in a subfolder of that name
# (lessons/<course>/zh_CN/, quizzes/zh_CN/), its files named as the source language's.


@dataclass
class CourseFile:
    slug: str
    title: str
    description: str
    modules: list[str]
    path: str
    language: str = SOURCE_LANGUAGE
    doc: YamlDocument | None = field(default=None, repr=False, compare=False)


@dataclass
class LessonFile:
    course_slug: str
    slug: str
    order: int
    title: str
    module: str
    minutes: int
    summary: str
    body: str
    path: str
    # The question a reader answers at the end of the lesson; "" when the lesson has none.
    reflection: str = ""
    language: str = SOURCE_LANGUAGE
    doc: YamlDocument | None = field(default=None, repr=False, compare=False)
    # What a reader can do after the lesson: [{"id", "text"}]; [] when the lesson lists none.
    objectives: list[dict] = field(default_factory=list)
    # The team discussion guide (content.discussion); None when the lesson has none.
    discussion: dict | None = None


@dataclass
class ContentSet:
    courses: list[CourseFile] = field(default_factory=list)
    lessons: list[LessonFile] = field(default_factory=list)
    quizzes: list[QuizFile] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    # Versions in other languages, each checked against its source-language original.
    translated_courses: list[CourseFile] = field(default_factory=list)
    translated_lessons: list[LessonFile] = field(default_factory=list)
    translated_quizzes: list[QuizFile] = field(default_factory=list)

    def lessons_of(self, course_slug: str) -> list[LessonFile]:
        return sorted(
            (lesson for lesson in self.lessons if lesson.course_slug == course_slug),
            key=lambda lesson: lesson.order,
        )


def load_content(lessons_dir: Path | str, quizzes_dir: Path | str) -> ContentSet:
    lessons_dir, quizzes_dir = Path(lessons_dir), Path(quizzes_dir)
    content = ContentSet()
    if not lessons_dir.is_dir():
        content.errors.append(ContentError(str(lessons_dir), _("lessons folder not found")))
        return content
    for course_dir in sorted(p for p in lessons_dir.iterdir() if p.is_dir()):
        _load_course_dir(course_dir, content)
    if quizzes_dir.is_dir():
        for quiz_path in sorted(quizzes_dir.glob("*.yaml")):
            _collect(content.errors, content.quizzes, load_quiz, quiz_path)
    _check_quizzes_have_lessons(content)
    if quizzes_dir.is_dir():
        for language_dir in _language_dirs(quizzes_dir, content):
            _load_quiz_translations(language_dir, content)
    return content


def _language_dirs(folder: Path, content: ContentSet) -> list[Path]:
    """The subfolders holding versions in other languages; any other subfolder is an error."""
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if sub.name in TRANSLATION_LANGUAGES:
            found.append(sub)
        elif not sub.name.startswith((".", "_")):
            content.errors.append(ContentError(
                str(sub), _("a subfolder here must be named for a language of the site: %(languages)s",
                            languages=", ".join(TRANSLATION_LANGUAGES))))
    return found


def _load_course_translation(language_dir: Path, course: CourseFile, originals: list[LessonFile],
                             content: ContentSet) -> None:
    """lessons/<course>/<language>/: course.yaml and lessons named as the originals."""
    language = language_dir.name
    try:
        translated = _load_course(language_dir / "course.yaml", slug=course.slug)
        translated.language = language
        translations.check_course(translated, course)
    except ContentError as error:
        content.errors.append(error)
        return
    content.translated_courses.append(translated)
    by_slug = {lesson.slug: lesson for lesson in originals}
    for lesson_path in sorted(language_dir.glob("*.md")):
        if _original_has_errors_of_its_own(lesson_path, by_slug):
            continue
        try:
            lesson = _load_lesson(lesson_path, translated)
            lesson.language = language
            translations.check_lesson(lesson, by_slug.get(lesson.slug), translated, course)
        except ContentError as error:
            content.errors.append(error)
            continue
        content.translated_lessons.append(lesson)


def _original_has_errors_of_its_own(path: Path, loaded: dict) -> bool:
    """The file the translation at `path` translates exists but was not loaded (its errors are
    reported): the translation cannot be checked against it, and waits for it."""
    original = path.parent.parent / path.name
    slug = match.group(2) if (match := LESSON_FILE_RE.match(path.name)) else path.stem
    return original.exists() and slug not in loaded


def _load_quiz_translations(language_dir: Path, content: ContentSet) -> None:
    originals = {quiz.lesson_slug: quiz for quiz in content.quizzes}
    for quiz_path in sorted(language_dir.glob("*.yaml")):
        if _original_has_errors_of_its_own(quiz_path, originals):
            continue
        try:
            quiz = load_quiz(quiz_path)
        except ContentError as error:
            content.errors.append(error)
            continue
        quiz.language = language_dir.name
        problems = translations.quiz_mismatches(quiz, originals.get(quiz.lesson_slug))
        if problems:
            content.errors.extend(problems)
        else:
            content.translated_quizzes.append(quiz)


_T = TypeVar("_T")


def _collect(errors: list[ContentError], into: list[_T], loader: Callable[..., _T], *args: object) -> None:
    try:
        into.append(loader(*args))
    except ContentError as error:
        errors.append(error)


def _load_course_dir(course_dir: Path, content: ContentSet) -> None:
    course_path = course_dir / "course.yaml"
    if not course_path.exists():
        content.errors.append(ContentError(str(course_dir), _("course.yaml is missing")))
        return
    try:
        course = _load_course(course_path)
    except ContentError as error:
        content.errors.append(error)
        return
    content.courses.append(course)
    lessons: list[LessonFile] = []
    for lesson_path in sorted(course_dir.glob("*.md")):
        _collect(content.errors, lessons, _load_lesson, lesson_path, course)
    _check_lesson_set(lessons, content)
    originals = content.lessons_of(course.slug)
    for language_dir in _language_dirs(course_dir, content):
        _load_course_translation(language_dir, course, originals, content)


def _load_course(path: Path, slug: str | None = None) -> CourseFile:
    doc = parse_yaml(read_text(path), str(path))
    data = require_mapping(doc, doc.data, "course.yaml")
    reject_unknown_keys(doc, data, {"title", "description", "modules"})
    title = require_text(doc, data, "title")
    description = optional_text(doc, data, "description")
    modules = data.get("modules")
    if not isinstance(modules, list) or not modules:
        raise doc.error(_("'modules' must be a non-empty list of module titles"), "modules")
    for index, module in enumerate(modules):
        if not isinstance(module, str) or not module.strip():
            raise doc.error(_("each module must be a non-empty title"), "modules", index)
    if len(set(modules)) != len(modules):
        raise doc.error(_("module titles must be unique"), "modules")
    slug = slug or path.parent.name
    if not SLUG_RE.match(slug):
        raise ContentError(str(path), _("course folder name %(slug)s must be lowercase-with-hyphens",
                                        slug=repr(slug)))
    return CourseFile(slug, title, description, [m.strip() for m in modules], str(path), doc=doc)


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """(front matter, body, line where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, _("must start with a '---' line opening the front matter"), 1)
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise ContentError(path, _("front matter is not closed by a '---' line"), 1)


def _load_lesson(path: Path, course: CourseFile) -> LessonFile:
    match = LESSON_FILE_RE.match(path.name)
    if not match:
        raise ContentError(
            str(path), _("lesson file names must look like NN-lesson-slug.md (e.g. 04-habits.md)")
        )
    if match.group(2) in RESERVED_LESSON_SLUGS:
        raise ContentError(str(path), _("%(slug)s is the address of a course page: name the lesson otherwise",
                                        slug=repr(match.group(2))))
    front, body, body_line = split_front_matter(read_text(path), str(path))
    doc = parse_yaml(front, str(path), line_offset=1)
    data = require_mapping(doc, doc.data, _("front matter"))
    reject_unknown_keys(doc, data, {"title", "module", "order", "minutes", "summary", "reflection",
                                    "objectives", "discussion"})
    title = require_text(doc, data, "title")
    module = require_text(doc, data, "module")
    if module not in course.modules:
        raise doc.error(
            _("module %(module)s is not one of the modules in %(path)s: %(modules)s",
              module=repr(module), path=course.path, modules=", ".join(course.modules)),
            "module",
        )
    order = require_int(doc, data, "order", minimum=1)
    if order != int(match.group(1)):
        raise doc.error(
            _("order %(order)s does not match the file name's number %(number)s",
              order=order, number=match.group(1)), "order"
        )
    minutes = require_int(doc, data, "minutes", minimum=1)
    summary = optional_text(doc, data, "summary")
    reflection = " ".join(optional_text(doc, data, "reflection").split())
    if len(reflection) > MAX_REFLECTION:
        raise doc.error(
            _("'reflection' must be at most %(limit)s characters, got %(length)s",
              limit=MAX_REFLECTION, length=len(reflection)),
            "reflection",
        )
    objectives = read_objectives(doc, data)
    discussion = read_discussion(doc, data)
    if not body.strip():
        raise ContentError(str(path), _("the lesson has no text after its front matter"))
    check_lesson_body(body, str(path), body_line)
    return LessonFile(
        course_slug=course.slug,
        slug=match.group(2),
        order=order,
        title=title,
        module=module,
        minutes=minutes,
        summary=summary,
        body=body.strip() + "\n",
        path=str(path),
        reflection=reflection,
        doc=doc,
        objectives=objectives,
        discussion=discussion,
    )


def check_lesson_body(body: str, path: str, first_line: int) -> None:
    """What a lesson's text must be, wherever it is saved (files and the editor): no top-level
    heading, and lists and quotes no deeper than rendering.MAX_NESTING."""
    reject_top_level_headings(body, path, first_line)
    line = nesting_problem(body)
    if line is not None:
        raise ContentError(path, _("lists or quotes are nested more than %(limit)s levels deep",
                                   limit=MAX_NESTING), first_line + line - 1)


def reject_top_level_headings(body: str, path: str, first_line: int) -> None:
    """The title is a lesson's one top-level heading; sections start at '##'."""
    in_code = False
    for offset, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        elif not in_code and re.match(r"^#(?!#)\s", line):
            raise ContentError(
                path,
                _("use '##' for section headings: the lesson's title is its only top-level heading"),
                first_line + offset,
            )


def _check_lesson_set(lessons: list[LessonFile], content: ContentSet) -> None:
    seen_orders: dict[int, LessonFile] = {}
    known_slugs = {lesson.slug: lesson for lesson in content.lessons}
    for lesson in lessons:
        if lesson.order in seen_orders:
            content.errors.append(
                ContentError(
                    lesson.path,
                    _("order %(order)s is already used by %(path)s",
                      order=lesson.order, path=seen_orders[lesson.order].path),
                )
            )
            continue
        if lesson.slug in known_slugs:
            content.errors.append(
                ContentError(
                    lesson.path,
                    _("lesson slug %(slug)s is already used by %(path)s",
                      slug=repr(lesson.slug), path=known_slugs[lesson.slug].path),
                )
            )
            continue
        seen_orders[lesson.order] = lesson
        known_slugs[lesson.slug] = lesson
        content.lessons.append(lesson)


def _check_quizzes_have_lessons(content: ContentSet) -> None:
    """Each quiz has its lesson, and its questions' objectives are that lesson's."""
    lessons = {lesson.slug: lesson for lesson in content.lessons}
    kept = []
    for quiz in content.quizzes:
        if quiz.lesson_slug in lessons:
            problems = quiz_objective_errors(quiz, lessons[quiz.lesson_slug])
            content.errors.extend(problems)
            if not problems:
                kept.append(quiz)
        else:
            content.errors.append(
                ContentError(
                    quiz.path,
                    _("no lesson named %(slug)s was loaded for this quiz "
                      "(its lesson file is missing or has errors of its own)", slug=repr(quiz.lesson_slug)),
                )
            )
    content.quizzes = kept


