"""Markdown to sanitized HTML, done once when content is saved, never per request."""
from __future__ import annotations

import hashlib
import json
import re
from html import escape

import markdown
import nh3
from flask_babel import gettext as _
from markdown.extensions.toc import slugify as toc_slugify

MARKDOWN_EXTENSIONS = ["extra", "toc", "sane_lists", "admonition"]

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "img", "ins", "li", "ol", "p", "pre", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
}
# No javascript:, data: or vbscript: links, whatever their spelling.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# Deeper lists or quotes than this are refused where text is saved (the file check and import, the
# editor): Python-Markdown recurses once per level and gives up some hundreds of levels down.
MAX_NESTING = 20
_LIST_ITEM = re.compile(r"^[ ]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_QUOTES = re.compile(r"^(?:>[ \t]*)+")


def nesting_problem(source: str) -> int | None:
    """The first line (from 1) whose lists or quotes nest deeper than MAX_NESTING; None if none."""
    in_code = False
    for number, line in enumerate(source.splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        expanded = line.expandtabs(4)
        if in_code:
            continue
        stripped = expanded.lstrip(" ")
        quotes = _QUOTES.match(stripped)
        depth = quotes.group(0).count(">") if quotes else 0
        if _LIST_ITEM.match(expanded):
            depth += (len(expanded) - len(stripped)) // 2
        if depth > MAX_NESTING:
            return number
    return None


def render_markdown(source: str) -> str:
    """The text as sanitized HTML. Text nested too deeply to render (refused before it is saved)
    renders as a notice, so that a preview of it never fails."""
    line = nesting_problem(source)
    if line is not None:
        return f'<p class="render-problem">{escape(too_deep_message(line))}</p>'
    # A lesson's title is its page's only h1, so headings start at h2 and ids get a prefix that
    # cannot collide with the page's own element ids.
    html = markdown.markdown(
        source,
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={
            "toc": {"permalink": False, "slugify": _slugify},
            # align="..." rather than an inline style, which the sanitizer (and CSP) would drop.
            "extra": {"tables": {"use_align_attribute": True}},
        },
        output_format="html",
    )
    return sanitize_html(html)


def too_deep_message(line: int) -> str:
    return _("Line %(line)s: lists or quotes are nested more than %(limit)s levels deep; the text "
             "cannot be shown. Nest them less.", line=line, limit=MAX_NESTING)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        strip_comments=True,
    )


def _slugify(value: str, separator: str) -> str:
    return "s-" + toc_slugify(value, separator)


def content_hash(*parts: object) -> str:
    """A stable hash of content, so that importing the same files twice changes nothing."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def lesson_hash(title: str, summary: str, minutes: int, module: str, body: str,
                reflection: str | None = None, objectives: list[dict] | None = None,
                discussion: dict | None = None) -> str:
    # The reflection prompt, the objectives and the discussion guide count only when there are
    # some, so that every revision written before the fields existed keeps its hash (and importing
    # unchanged files creates nothing).
    if discussion:
        return content_hash("lesson", title, summary, minutes, module, body, reflection or "",
                            objectives or [], discussion)
    if objectives:
        return content_hash("lesson", title, summary, minutes, module, body, reflection or "",
                            objectives)
    if reflection:
        return content_hash("lesson", title, summary, minutes, module, body, reflection)
    return content_hash("lesson", title, summary, minutes, module, body)


def quiz_hash(pass_mark: int, max_attempts: int | None, questions: list[dict],
              draw: int | None = None, review: str | None = None) -> str:
    # Questions per attempt and the review policy count only when not the defaults (no draw given,
    # "after_pass"), so that every version written before they existed keeps its hash.
    if draw is not None or review not in (None, "after_pass"):
        return content_hash("quiz", pass_mark, max_attempts, questions, draw, review or "after_pass")
    return content_hash("quiz", pass_mark, max_attempts, questions)
