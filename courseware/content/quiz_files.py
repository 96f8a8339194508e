"""Reads a quiz file (quizzes/<lesson-slug>.yaml, or its version in quizzes/<language>/) into a
QuizFile, checking every rule: the pass mark, the attempts, and each question with its type, prompt
and explained options."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from courseware.content.fields import (
    read_text,
    reject_unknown_keys,
    require_int,
    require_mapping,
    require_text,
)
from courseware.content.question_types import QUESTION_TYPES
from courseware.content.yamlfile import YamlDocument, parse_yaml
from courseware.language import SOURCE_LANGUAGE

QUESTION_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
OPTION_KEYS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class QuizFile:
    lesson_slug: str
    pass_mark: int
    max_attempts: int | None
    questions: list[dict]
    path: str
    language: str = SOURCE_LANGUAGE
    doc: YamlDocument | None = field(default=None, repr=False, compare=False)



def load_quiz(path: Path) -> QuizFile:
    doc = parse_yaml(read_text(path), str(path))
    data = require_mapping(doc, doc.data, _("quiz file"))
    reject_unknown_keys(doc, data, {"pass_mark", "attempts", "questions"})
    pass_mark = require_int(doc, data, "pass_mark", minimum=1, maximum=100)
    max_attempts = None
    if data.get("attempts") is not None:
        max_attempts = require_int(doc, data, "attempts", minimum=1)
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise doc.error(_("'questions' must be a non-empty list"), "questions")
    questions = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(raw_questions):
        question = _load_question(doc, raw, index)
        if question["id"] in seen_ids:
            raise doc.error(
                _("question id %(id)s is used twice", id=repr(question["id"])), "questions", index, "id"
            )
        seen_ids.add(question["id"])
        questions.append(question)
    slug = path.stem
    return QuizFile(slug, pass_mark, max_attempts, questions, str(path), doc=doc)


def _load_question(doc: YamlDocument, raw: object, index: int) -> dict:
    where = ("questions", index)
    label = _("question %(number)s", number=index + 1)
    raw = require_mapping(doc, raw, label, *where)
    reject_unknown_keys(doc, raw, {"id", "type", "prompt", "options"}, *where)
    question_id = require_text(doc, raw, "id", *where)
    if not QUESTION_ID_RE.match(question_id):
        raise doc.error(
            _("%(label)s: id %(id)s may use only lowercase letters, digits and hyphens",
              label=label, id=repr(question_id)),
            *where,
            "id",
        )
    type_name = require_text(doc, raw, "type", *where)
    if type_name not in QUESTION_TYPES:
        raise doc.error(
            _("%(label)s: type %(type)s is not one of %(types)s",
              label=label, type=repr(type_name), types=", ".join(QUESTION_TYPES)), *where, "type"
        )
    prompt = require_text(doc, raw, "prompt", *where)
    raw_options = raw.get("options")
    if not isinstance(raw_options, list):
        raise doc.error(_("%(label)s: 'options' must be a list", label=label), *where, "options")
    if len(raw_options) > len(OPTION_KEYS):
        raise doc.error(_("%(label)s: too many options", label=label), *where, "options")
    options = []
    for option_index, raw_option in enumerate(raw_options):
        option_where = (*where, "options", option_index)
        option_label = _("%(label)s, option %(number)s", label=label, number=option_index + 1)
        raw_option = require_mapping(doc, raw_option, option_label, *option_where)
        reject_unknown_keys(doc, raw_option, {"text", "correct", "explain"}, *option_where)
        correct = raw_option.get("correct", False)
        if not isinstance(correct, bool):
            raise doc.error(
                _("%(label)s: 'correct' must be true or false", label=option_label), *option_where,
                "correct"
            )
        options.append(
            {
                "key": OPTION_KEYS[option_index],
                "text": require_text(doc, raw_option, "text", *option_where),
                "correct": correct,
                "explain": require_text(doc, raw_option, "explain", *option_where),
            }
        )
    problems = QUESTION_TYPES[type_name].validate(options)
    if problems:
        raise doc.error(_("%(label)s (%(id)s): %(problems)s", label=label, id=question_id,
                          problems="; ".join(problems)), *where)
    return {"id": question_id, "type": type_name, "prompt": prompt, "options": options}


