"""The lesson editor's learning objectives and team discussion guide: read from the editor's fields
by the course files' own rules (content.objectives, content.discussion), each problem tied to its
field of the editor; and the checks a save needs beyond the file rules: a translation lists the
source language's objectives, and no objective the lesson's quiz still tests is removed.

The editor's field names: `objective_<row>_id` and `objective_<row>_text` (rows 1 to
MAX_OBJECTIVES), `discussion_<part>` and `discussion_question_<n>` (n 1 to QUESTION_COUNT)."""
from __future__ import annotations

from flask_babel import gettext as _

from courseware.content.discussion import PARTS, QUESTION_COUNT, read_discussion
from courseware.content.objectives import MAX_OBJECTIVES, objective_ids, read_objectives
from courseware.content.yamlfile import ContentError, YamlDocument
from courseware.language import SOURCE_LANGUAGE
from courseware.models import Lesson, LessonRevision, QuizVersion
from courseware.services.errors import InvalidFields

OBJECTIVE_ROWS = MAX_OBJECTIVES
# The "file" of a problem found in the editor's fields (never shown: the field names the place).
_EDITOR = "editor"
_PROMPT_SHOWN = 60


def objective_field(row: int, key: str = "id") -> str:
    return f"objective_{row}_{key}"


def discussion_field(part: str, question: int = 1) -> str:
    return f"discussion_question_{question}" if part == "questions" else f"discussion_{part}"


def read_objective_rows(rows: list[tuple[str, str]]) -> tuple[list[dict] | None, dict[str, str]]:
    """The objectives the editor's rows (id, text) hold, empty rows left out (None: no objectives),
    and the first problem with them by the file rules, as {field: message}."""
    kept = [(row, ident.strip(), text.strip()) for row, (ident, text) in enumerate(rows, start=1)
            if ident.strip() or text.strip()]
    if not kept:
        return None, {}
    data = {"objectives": [{"id": ident, "text": text} for _row, ident, text in kept]}
    try:
        return read_objectives(YamlDocument(data, {}, _EDITOR), data), {}
    except ContentError as error:
        # ("objectives", index, key): that row's field; ("objectives",): the first row's.
        where = error.where
        index = where[1] if len(where) > 1 and isinstance(where[1], int) else 0
        key = where[2] if len(where) > 2 and where[2] in ("id", "text") else "id"
        return None, {objective_field(kept[index][0], key): error.message}


def read_discussion_parts(parts: dict) -> tuple[dict | None, dict[str, str]]:
    """The guide the editor's fields hold (None: all empty), and its problems as {field: message}:
    a guide has all its parts, or none."""
    questions = [str(text or "").strip() for text in parts.get("questions", [])][:QUESTION_COUNT]
    questions += [""] * (QUESTION_COUNT - len(questions))
    guide: dict = {part: str(parts.get(part) or "").strip() for part in PARTS if part != "questions"}
    guide["questions"] = questions
    empty = [discussion_field(part) for part in PARTS if part != "questions" and not guide[part]]
    empty += [discussion_field("questions", number) for number, text in enumerate(questions, 1)
              if not text]
    if len(empty) == len(PARTS) - 1 + QUESTION_COUNT:
        return None, {}
    if empty:
        message = _("Fill in this part too: a discussion guide has all its parts (or leave them all "
                    "empty).")
        return None, {name: message for name in empty}
    data = {"discussion": guide}
    try:
        return read_discussion(YamlDocument(data, {}, _EDITOR), data), {}
    except ContentError as error:
        where = error.where
        part = where[1] if len(where) > 1 and where[1] in PARTS else "opening"
        number = where[2] + 1 if part == "questions" and len(where) > 2 and isinstance(where[2], int) else 1
        return None, {discussion_field(part, number): error.message}


def check_objectives(lesson: Lesson, objectives: list[dict] | None, language: str,
                     source_latest: LessonRevision | None) -> None:
    """InvalidFields when a translation's objectives are not the source language's (by id, in
    order), or when the source language's drop an objective a quiz question tests."""
    ids = objective_ids(objectives)
    if language != SOURCE_LANGUAGE:
        expected = objective_ids(source_latest.objectives if source_latest is not None else None)
        if ids != expected:
            raise InvalidFields({objective_field(1): (
                _("A translation lists the English lesson's objectives, with the same ids in the "
                  "same order: %(ids)s.", ids=", ".join(expected)) if expected else
                _("The English lesson has no objectives: a translation cannot add any."))})
        return
    testing = _questions_testing_others(lesson, set(ids))
    if testing:
        raise InvalidFields({objective_field(1): _(
            "The quiz still tests objectives you removed: %(questions)s. Change those questions in "
            "the quiz editor first (and publish the quiz), or keep their objectives.",
            questions="; ".join(testing))})


def _questions_testing_others(lesson: Lesson, ids: set[str]) -> list[str]:
    """Each question of the quiz's draft and published version that tests an objective not in
    `ids`, as the quiz editor numbers it."""
    quiz = lesson.quiz
    if quiz is None:
        return []
    history = quiz.versions_in(SOURCE_LANGUAGE)
    versions: list[QuizVersion] = [history[-1]] if history and history[-1].published_at is None else []
    if quiz.current_version is not None:
        versions.append(quiz.current_version)
    named: dict[str, str] = {}
    for version in versions:
        for number, question in enumerate(version.questions, start=1):
            objective = question.get("objective")
            if objective and objective not in ids and question["id"] not in named:
                prompt = " ".join(question["prompt"].split())
                if len(prompt) > _PROMPT_SHOWN:
                    prompt = prompt[:_PROMPT_SHOWN - 1] + "…"
                named[question["id"]] = _("question %(number)s (“%(prompt)s”) tests %(objective)s",
                                          number=number, prompt=prompt, objective=objective)
    return list(named.values())
