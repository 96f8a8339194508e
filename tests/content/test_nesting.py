"""Text nested too deeply to render (a 500-level list once gave a 500 and lost the editor's text): the
file check and import refuse it with its line, the editor keeps the text and says why, and the
preview shows a notice instead of failing."""
from __future__ import annotations

from courseware.content.loader import load_content
from courseware.content.rendering import MAX_NESTING, nesting_problem, render_markdown
from tests.content.test_loader import lesson, make_tree, only_error

DEEP = "Intro.\n\n" + "".join("  " * level + "- item\n" for level in range(500))


def test_nesting_is_measured_by_lists_and_quotes_but_not_code():
    assert nesting_problem("- a\n  - b\n    - c\n") is None
    def ladder(levels: int) -> str:
        return "".join("  " * level + "- x\n" for level in range(levels))

    assert nesting_problem(ladder(MAX_NESTING + 1)) is None
    assert nesting_problem(ladder(MAX_NESTING + 2)) == MAX_NESTING + 2
    assert nesting_problem("> " * (MAX_NESTING + 1) + "quoted\n") == 1
    assert nesting_problem("```\n" + "  " * 60 + "- not a list in code\n```\n") is None


def test_a_deep_text_renders_as_a_notice_not_an_error():
    html = render_markdown(DEEP)
    assert html.startswith('<p class="render-problem">Line 24: lists or quotes are nested more than 20')


def test_the_file_check_reports_the_file_and_line(tmp_path):
    lessons_dir, quizzes_dir = make_tree(tmp_path, {"01-first.md": lesson(body=DEEP)})
    error = only_error(load_content(lessons_dir, quizzes_dir))
    assert error.path == str(lessons_dir / "course" / "01-first.md")
    assert error.line == 32 and "nested more than 20 levels deep" in error.message  # body line 24


def test_the_editor_keeps_the_text_and_says_why(president, course):
    from tests.author.conftest import editor_data
    from tests.author.test_views import lesson_named

    first = lesson_named("first-lesson")
    response = president.post(f"/author/lessons/{first.id}/edit", data=editor_data(first, source=DEEP))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nested more than 20 levels deep" in page
    assert "  " * 499 + "- item" in page  # the text is kept in the form
    preview = president.post("/author/preview", data={"source": DEEP})
    assert preview.status_code == 200 and "render-problem" in preview.get_data(as_text=True)
