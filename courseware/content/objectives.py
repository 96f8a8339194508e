"""Learning objectives: what a reader can do after a lesson (front matter `objectives:`), and the
quiz questions that test each one (a question's `objective:`). A quiz attempt draws at least one
question per objective, so that passing means every objective was tested."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from courseware.content.fields import reject_unknown_keys, require_mapping, require_text
from courseware.content.yamlfile import ContentError, YamlDocument

if TYPE_CHECKING:
    from courseware.content.loader import LessonFile
    from courseware.content.quiz_files import QuizFile

OBJECTIVE_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MIN_OBJECTIVES, MAX_OBJECTIVES = 2, 4
MAX_OBJECTIVE_TEXT = 200


def read_objectives(doc: YamlDocument, data: dict) -> list[dict]:
    """The front matter's `objectives:`, as [{"id", "text"}]; [] when there are none."""
    raw = data.get("objectives")
    if raw is None:
        return []
    if not isinstance(raw, list) or not MIN_OBJECTIVES <= len(raw) <= MAX_OBJECTIVES:
        raise doc.error(_("'objectives' must be a list of %(minimum)s to %(maximum)s objectives, each "
                          "with an id and a text", minimum=MIN_OBJECTIVES, maximum=MAX_OBJECTIVES),
                        "objectives")
    objectives: list[dict] = []
    for index, item in enumerate(raw):
        where = ("objectives", index)
        label = _("objective %(number)s", number=index + 1)
        item = require_mapping(doc, item, label, *where)
        reject_unknown_keys(doc, item, {"id", "text"}, *where)
        objective_id = require_text(doc, item, "id", *where)
        if not OBJECTIVE_ID_RE.match(objective_id):
            raise doc.error(_("%(label)s: id %(id)s may use only lowercase letters, digits and single "
                              "hyphens", label=label, id=repr(objective_id)), *where, "id")
        if objective_id in (each["id"] for each in objectives):
            raise doc.error(_("objective id %(id)s is used twice", id=repr(objective_id)), *where, "id")
        text = " ".join(require_text(doc, item, "text", *where).split())
        if len(text) > MAX_OBJECTIVE_TEXT:
            raise doc.error(_("%(label)s: the text must be one line of at most %(limit)s characters, "
                              "got %(length)s", label=label, limit=MAX_OBJECTIVE_TEXT, length=len(text)),
                            *where, "text")
        objectives.append({"id": objective_id, "text": text})
    return objectives


def objective_ids(objectives: list[dict] | None) -> list[str]:
    return [each["id"] for each in objectives or ()]


def quiz_objective_errors(quiz: QuizFile, lesson: LessonFile) -> list[ContentError]:
    """Each question's objective must be one of the lesson's; with objectives, every question has one."""
    known = objective_ids(lesson.objectives)
    errors = []
    for index, question in enumerate(quiz.questions):
        objective = question.get("objective")
        label = _("question %(number)s", number=index + 1)
        if objective is None and known:
            message = _("%(label)s (%(id)s) has no 'objective': the lesson %(path)s has objectives, so "
                        "every question tests one of them (%(ids)s)", label=label, id=question["id"],
                        path=lesson.path, ids=", ".join(known))
            errors.append(_quiz_error(quiz, message, "questions", index))
        elif objective is not None and objective not in known:
            message = (_("%(label)s (%(id)s): objective %(objective)s is not one of the lesson's "
                         "objectives in %(path)s: %(ids)s", label=label, id=question["id"],
                         objective=repr(objective), path=lesson.path, ids=", ".join(known))
                       if known else
                       _("%(label)s (%(id)s): objective %(objective)s, but the lesson %(path)s has no "
                         "objectives", label=label, id=question["id"], objective=repr(objective),
                         path=lesson.path))
            errors.append(_quiz_error(quiz, message, "questions", index, "objective"))
    return errors


def _quiz_error(quiz: QuizFile, message: str, *where: object) -> ContentError:
    return quiz.doc.error(message, *where) if quiz.doc is not None else ContentError(quiz.path, message)
