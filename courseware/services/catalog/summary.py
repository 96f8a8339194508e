"""A lesson's one-page summary: its key points and its "Try this week" task, taken from the lesson's
rendered HTML by the text of their `## ` headings (in any of the course's languages).

A lesson that lacks one of the sections simply has no such block (None). Reads only the catalog.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from sqlalchemy.orm import Session

from courseware.content.rendering import sanitize_html
from courseware.services.catalog.cache import lesson_html
from courseware.services.catalog.outline import LessonOutline

# The headings every shipped lesson ends with, in each language the course is written in.
KEY_POINTS_HEADINGS = frozenset({"key points", "要点"})
TASK_HEADINGS = frozenset({"try this week", "本周实践"})

_H2 = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class LessonSummary:
    """The sanitized HTML under each heading, without the heading; None when the lesson has none."""

    key_points: str | None
    task: str | None


def sections(html: str) -> dict[str, str]:
    """The HTML under each `h2`, by the heading's plain text (lower case, trimmed)."""
    headings = list(_H2.finditer(html))
    result: dict[str, str] = {}
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(html)
        title = " ".join(unescape(_TAG.sub("", heading.group(1))).split()).lower()
        result.setdefault(title, html[heading.end():end].strip())
    return result


def _first(found: dict[str, str], titles: frozenset[str]) -> str | None:
    """The first section found under one of the titles, sanitized again: a slice of sanitized HTML
    cut at a heading has its tags balanced by the sanitizer before a page marks it safe."""
    section = next((found[title] for title in titles if found.get(title)), None)
    return sanitize_html(section) if section is not None else None


def summary_of_html(html: str) -> LessonSummary:
    found = sections(html)
    return LessonSummary(_first(found, KEY_POINTS_HEADINGS), _first(found, TASK_HEADINGS))


def lesson_summary(session: Session, lesson: LessonOutline) -> LessonSummary:
    """The summary blocks of the lesson as the reader reads it (their language, else the source)."""
    return summary_of_html(lesson_html(session, lesson))
