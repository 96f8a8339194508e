"""Reads a quiz file (quizzes/<lesson-slug>.yaml, or its version in quizzes/<language>/) into a
QuizFile, checking every rule: the pass mark, the attempts, how many questions an attempt draws and
what its review shows, and each question with its type, prompt, learning objective and explained
options (the last of which may be pinned: it stays last when options are shuffled)."""
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
# Questions an attempt draws from the bank when the file does not say (all when the bank is smaller).
DEFAULT_DRAW = 6
# What the review of an attempt shows: the key only after a pass (or with no attempts left), always,
# or never (the score and which questions were wrong).
REVIEW_AFTER_PASS, REVIEW_ALWAYS, REVIEW_NEVER = "after_pass", "always", "never"
REVIEW_POLICIES = (REVIEW_AFTER_PASS, REVIEW_ALWAYS, REVIEW_NEVER)


def draw_count(draw: int | None, bank_size: int) -> int:
    """How many questions an attempt asks: `draw`, else DEFAULT_DRAW, never more than the bank."""
    return min(draw if draw is not None else DEFAULT_DRAW, bank_size)


@dataclass
class QuizFile:
    lesson_slug: str
    pass_mark: int
    max_attempts: int | None
    questions: list[dict]
    path: str
    language: str = SOURCE_LANGUAGE
    doc: YamlDocument | None = field(default=None, repr=False, compare=False)
    # Questions per attempt (None: the default); what the review shows (one of REVIEW_POLICIES).
    draw: int | None = None
    review: str = REVIEW_AFTER_PASS


def load_quiz(path: Path) -> QuizFile:
    doc = parse_yaml(read_text(path), str(path))
    data = require_mapping(doc, doc.data, _("quiz file"))
    reject_unknown_keys(doc, data, {"pass_mark", "attempts", "draw", "review", "questions"})
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
    draw = None
    if data.get("draw") is not None:
        draw = require_int(doc, data, "draw", minimum=1, maximum=len(questions))
    review = data.get("review", REVIEW_AFTER_PASS)
    if review not in REVIEW_POLICIES:
        raise doc.error(_("'review' must be one of %(policies)s, got %(value)s",
                          policies=", ".join(REVIEW_POLICIES), value=repr(review)), "review")
    slug = path.stem
    return QuizFile(slug, pass_mark, max_attempts, questions, str(path), doc=doc, draw=draw,
                    review=review)


def _load_question(doc: YamlDocument, raw: object, index: int) -> dict:
    where = ("questions", index)
    label = _("question %(number)s", number=index + 1)
    raw = require_mapping(doc, raw, label, *where)
    reject_unknown_keys(doc, raw, {"id", "type", "prompt", "objective", "options"}, *where)
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
    options = [_load_option(doc, raw_option, (*where, "options", option_index),
                            _("%(label)s, option %(number)s", label=label, number=option_index + 1),
                            last=option_index == len(raw_options) - 1)
               for option_index, raw_option in enumerate(raw_options)]
    problems = QUESTION_TYPES[type_name].validate(options)
    if problems:
        raise doc.error(_("%(label)s (%(id)s): %(problems)s", label=label, id=question_id,
                          problems="; ".join(problems)), *where)
    question = {"id": question_id, "type": type_name, "prompt": prompt, "options": options}
    if raw.get("objective") is not None:
        # Checked against the lesson's objectives where quizzes meet their lessons (loader).
        question["objective"] = require_text(doc, raw, "objective", *where)
    return question


def _load_option(doc: YamlDocument, raw_option: object, where: tuple, label: str, *, last: bool) -> dict:
    raw_option = require_mapping(doc, raw_option, label, *where)
    reject_unknown_keys(doc, raw_option, {"text", "correct", "explain", "pinned"}, *where)
    for flag in ("correct", "pinned"):
        if not isinstance(raw_option.get(flag, False), bool):
            raise doc.error(_("%(label)s: '%(key)s' must be true or false", label=label, key=flag),
                            *where, flag)
    option = {
        "key": OPTION_KEYS[where[-1]],
        "text": require_text(doc, raw_option, "text", *where),
        "correct": raw_option.get("correct", False),
        "explain": require_text(doc, raw_option, "explain", *where),
    }
    if raw_option.get("pinned"):
        if not last:
            raise doc.error(_("%(label)s: only a question's last option may be pinned (it stays last "
                              "when the options are shuffled)", label=label), *where, "pinned")
        option["pinned"] = True
    return option


