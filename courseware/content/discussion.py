"""A lesson's 30-minute team discussion guide (front matter `discussion:`), which a manager runs
with their own team: an opening question, a case to discuss, three questions, what the team writes
down, and how the manager follows up. Plain text, one paragraph each (pages show it escaped).

    discussion:
      opening: "..."
      case: "..."
      questions: ["...", "...", "..."]
      record: "..."
      follow_up: "..."
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from courseware.content.fields import reject_unknown_keys, require_mapping, require_text
from courseware.content.yamlfile import YamlDocument

PARTS = ("opening", "case", "questions", "record", "follow_up")
QUESTION_COUNT = 3
MAX_PART, MAX_CASE = 600, 1200
# The suggested minutes of each part of the half hour (the record and the follow-up share theirs).
MINUTES = {"opening": 5, "case": 10, "questions": 10, "record": 5}
_BLANK_LINE = re.compile(r"\n\s*\n")  # \s: also the \r of a browser's line breaks


@dataclass(frozen=True, slots=True)
class DiscussionGuide:
    """The guide as pages show it (from a revision's stored `discussion`)."""

    opening: str
    case: str
    questions: tuple[str, ...]
    record: str
    follow_up: str

    @classmethod
    def of(cls, data: dict | None) -> DiscussionGuide | None:
        if not data:
            return None
        return cls(data["opening"], data["case"], tuple(data["questions"]), data["record"],
                   data["follow_up"])


def read_discussion(doc: YamlDocument, data: dict) -> dict | None:
    """The front matter's `discussion:` as {"opening", "case", "questions": [3], "record",
    "follow_up"}; None when the lesson has none."""
    raw = data.get("discussion")
    if raw is None:
        return None
    raw = require_mapping(doc, raw, "'discussion'", "discussion")
    reject_unknown_keys(doc, raw, set(PARTS), "discussion")
    guide: dict = {}
    for part in PARTS:
        if part == "questions":
            guide[part] = _questions(doc, raw)
        else:
            text = require_text(doc, raw, part, "discussion")
            guide[part] = _paragraph(doc, text, f"'{part}'",
                                     MAX_CASE if part == "case" else MAX_PART, "discussion", part)
    return guide


def _questions(doc: YamlDocument, raw: dict) -> list[str]:
    questions = raw.get("questions")
    if not isinstance(questions, list) or len(questions) != QUESTION_COUNT:
        raise doc.error(_("'questions' must be a list of exactly %(count)s questions",
                          count=QUESTION_COUNT), "discussion", "questions")
    found = []
    for index, question in enumerate(questions):
        where = ("discussion", "questions", index)
        label = _("question %(number)s", number=index + 1)
        if isinstance(question, bool) or not isinstance(question, str | int | float) \
                or not str(question).strip():
            raise doc.error(_("%(label)s of the discussion must be a non-empty text", label=label),
                            *where)
        found.append(_paragraph(doc, str(question), label, MAX_PART, *where))
    return found


def _paragraph(doc: YamlDocument, text: str, label: str, limit: int, *where: object) -> str:
    """One paragraph of plain text, its spaces and line breaks made single spaces."""
    if _BLANK_LINE.search(text.strip()):
        raise doc.error(_("%(label)s must be one paragraph (no blank lines)", label=label), *where)
    text = " ".join(text.split())
    if len(text) > limit:
        raise doc.error(_("%(label)s must be at most %(limit)s characters, got %(length)s",
                          label=label, limit=limit, length=len(text)), *where)
    return text


def discussion_problem(translated: dict | None, original: dict | None, path: str) -> str | None:
    """A translated lesson has a discussion guide when, and only when, its original (at `path`)
    has one."""
    if bool(translated) == bool(original):
        return None
    if original:
        return _("the original lesson %(path)s has a 'discussion' guide: translate it here too",
                 path=path)
    return _("the original lesson %(path)s has no 'discussion' guide: add it there first, or remove "
             "it here", path=path)
