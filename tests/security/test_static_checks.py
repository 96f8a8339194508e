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
    # A question on a lesson and its answers (templates/learn/_questions.html): LessonQuestion.html and
    # QuestionAnswer.html, render_markdown() of what was typed, sanitized once when saved
    # (services/discussion/questions.py).
    "q.html", "reply.html", "item.question.question.html", "item.answer.html",
}

# Every Markup() in the code, and why its text is safe: each wraps what Jinja rendered with
# autoescape on, or builds an attribute from an escaped value (Markup's % escapes its arguments).
REVIEWED_MARKUP = {
    ("courseware/templating.py", 'return Markup("")'),  # lang_of: no attribute
    ("courseware/templating.py", """return Markup(' lang="%s"') % language.replace("_", "-")"""),
    ("courseware/templating.py", "part = Markup(render())"),  # a fragment Jinja rendered (FragmentCache)
    # The lesson's kept question board, split in its two parts (learn/boxes.py).
    ("courseware/learn/boxes.py", "return Markup(pinned), Markup(section)  # parts of what Jinja rendered"),
    # One hand-out sheet, rendered by Jinja from its template (hr/accounts.py).
    ("courseware/hr/accounts.py", 'sheets.append(Markup(render_template("hr/_handout_sheet.html", '
                                  "person=person, sign_in=sign_in,"),
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
            path = str(source.relative_to(PROJECT_ROOT))
            if forbidden.search(line) and (path, line.strip()) not in REVIEWED_MARKUP:
                offenders.append(f"{path}:{number}: {line.strip()}")
    assert offenders == []


def test_debug_is_off_by_default(app):
    assert app.debug is False
    assert not Path(PROJECT_ROOT / ".flaskenv").exists()
