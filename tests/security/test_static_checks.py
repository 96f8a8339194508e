"""Checks on the source itself: output marked safe only where the sanitizer made it, and no
evaluation of anything an author or user wrote."""
from __future__ import annotations

import re
from pathlib import Path

from courseware.config import PROJECT_ROOT

# Every `|safe` in a template, and why it is safe: each is HTML that content/rendering.py produced
# (stored at save time, or rendered just now for the preview) and nh3 sanitized.
SANITIZED_EXPRESSIONS = {
    "status.revision.html",   # a published lesson: LessonRevision.html, sanitized at import/save
    "lesson_html",            # the same, as progress.lesson_html() reads it for the lesson page
    "candidate.html",         # the revision about to be published (author/publish.html)
    "revision.html",          # an old revision (author/revision.html)
    "preview",                # the editor's preview: render_markdown() of the draft
    "summary.key_points",     # a section of the published lesson's HTML, sanitized again when cut
    "summary.task",           # (services/catalog/summary.py), for the printable summary
}


def test_safe_is_used_only_on_sanitizer_output():
    found = {}
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r"\{\{\s*([^{}|]+?)\s*\|\s*safe\s*\}\}", template.read_text()):
            found.setdefault(match.group(1), []).append(template.name)
        rest = re.sub(r"\{\{\s*[^{}|]+?\s*\|\s*safe\s*\}\}", "", template.read_text())
        assert "|safe" not in rest, template
    assert set(found) <= SANITIZED_EXPRESSIONS, found


def test_no_markup_eval_exec_or_template_strings_in_the_code():
    forbidden = re.compile(r"\b(eval|exec)\(|render_template_string|Markup\(|\|safe|autoescape\s*=\s*False")
    offenders = []
    for source in (PROJECT_ROOT / "courseware").rglob("*.py"):
        for number, line in enumerate(source.read_text().splitlines(), start=1):
            if forbidden.search(line):
                offenders.append(f"{source.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_debug_is_off_by_default(app):
    assert app.debug is False
    assert not Path(PROJECT_ROOT / ".flaskenv").exists()
