"""Diffs of lesson revisions by paragraph, the history page, and restoring an old revision."""
from __future__ import annotations

from courseware.content.rendering import render_markdown
from courseware.services.authoring.diffing import Block, Snapshot, diff, diff_blocks, reader_blocks, word_diff
from tests.author.conftest import editor_data, lesson_named


def snapshot(source: str, label: str = "old", **fields) -> Snapshot:
    values = {"title": "T", "summary": "", "minutes": 3, "module": "M"}
    values.update(fields)
    return Snapshot(label, values["title"], values["summary"], values["minutes"], values["module"],
                    source, render_markdown(source))


def ops(rows) -> list[tuple[str, str]]:
    return [(row.op, (row.new or row.old).text if row.op != "skipped" else str(row.skipped)) for row in rows]


def test_reader_blocks_are_what_a_reader_sees():
    html = render_markdown(
        "Intro with **bold** and [a link](https://x.example).\n\n## Section\n\n- one\n- two\n\n"
        '!!! note "Case"\n    Inside.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n```\ncode  line\n```\n\n'
        "![A chart](/uploads/x.png)\n\n> quoted &amp; <tags>\n"
    )

    assert reader_blocks(html) == [
        Block("text", "Intro with bold and a link."),
        Block("heading", "Section"),
        Block("item", "one"), Block("item", "two"),
        Block("text", "Case"), Block("text", "Inside."),
        Block("row", "A | B"), Block("row", "1 | 2"),
        Block("code", "code  line"),
        Block("text", "[image: A chart]"),
        Block("text", "quoted &"),  # the unknown tag was removed by the sanitizer
    ]


def test_added_removed_changed_and_unchanged_paragraphs():
    old = [Block("text", t) for t in ("Keep one.", "Remove me entirely.", "The goal sets the direction.",
                                      "Keep two.")]
    new = [Block("text", t) for t in ("Keep one.", "The goal sets the whole direction.", "Keep two.",
                                      "A brand new ending.")]

    rows = diff_blocks(old, new)

    assert ops(rows) == [
        ("same", "Keep one."),
        ("removed", "Remove me entirely."),
        ("changed", "The goal sets the whole direction."),
        ("same", "Keep two."),
        ("added", "A brand new ending."),
    ]
    assert rows[2].words == [("same", "The goal sets the "), ("ins", "whole "), ("same", "direction.")]


def test_the_legend_names_only_the_marks_the_diff_shows():
    # A paragraph added and a word inserted: nothing is marked removed, so no "Removed" key.
    added = diff(snapshot("Keep one.\n\nThe goal sets the direction."),
                 snapshot("Keep one.\n\nThe goal sets the whole direction.\n\nA new ending.", "new"))
    assert added.shows("ins") and not added.shows("del")
    removed = diff(snapshot("Keep one.\n\nRemove me entirely."), snapshot("Keep one.", "new"))
    assert removed.shows("del") and not removed.shows("ins")
    retitled = diff(snapshot("Same."), snapshot("Same.", "new", title="Another title"))
    assert retitled.shows("del") and retitled.shows("ins")  # the details table shows old and new


def test_a_rewritten_paragraph_is_removed_and_added_rather_than_marked_word_by_word():
    rows = diff_blocks([Block("text", "Completely different words here.")],
                       [Block("text", "Nothing alike at all, really.")])

    assert [row.op for row in rows] == ["removed", "added"]


def test_word_diff_marks_deleted_and_inserted_words():
    assert word_diff("a red car", "a blue car") == [
        ("same", "a "), ("del", "red"), ("ins", "blue"), ("same", " car")]


def test_long_unchanged_stretches_are_collapsed_around_changes():
    paragraphs = [f"Paragraph {n}." for n in range(1, 11)]
    changed = paragraphs[:5] + ["Paragraph 6, rewritten a little."] + paragraphs[6:]

    result = diff(snapshot("\n\n".join(paragraphs)), snapshot("\n\n".join(changed), "new"))

    assert ops(result.rows) == [("skipped", "4"), ("same", "Paragraph 5."),
                                ("changed", "Paragraph 6, rewritten a little."),
                                ("same", "Paragraph 7."), ("skipped", "3")]
    assert result.count("changed") == 1 and not result.unchanged


def test_front_matter_changes_are_listed():
    result = diff(snapshot("Same."), snapshot("Same.", "new", title="New title", minutes=5, module="N"))

    assert [(c.label, c.old, c.new) for c in result.fields] == [
        ("Title", "T", "New title"), ("Reading time (minutes)", "3", "5"), ("Module", "M", "N")]
    assert ops(result.rows) == [("skipped", "1")]


def test_the_source_view_compares_markdown_paragraphs_and_keeps_code_fences_whole():
    old = snapshot("Text **bold**.\n\n```\na\n\nb\n```\n")
    new = snapshot("Text *bold*.\n\n```\na\n\nb\n```\n", "new")

    assert diff(old, new, view="text").unchanged is True  # bold became italic: it reads the same
    source = diff(old, new, view="source")
    assert ops(source.rows) == [("changed", "Text *bold*."), ("same", "```\na\n\nb\n```")]


def test_the_diff_page_compares_any_two_revisions_escaped(president, first):
    president.post(f"/author/lessons/{first.id}/edit", data=editor_data(
        first, source="The first lesson's opening paragraph, <b>now</b> longer.\n\n## A section\n"))
    first = lesson_named("first-lesson")
    president.post(f"/author/lessons/{first.id}/edit", data=editor_data(first, title="Renamed"))

    page = president.get(f"/author/lessons/{first.id}/diff?from=1&to=3").get_data(as_text=True)

    assert "Revision 1 → Revision 3" in page
    assert "<del>The first lesson</del>" in page and "<ins>Renamed</ins>" in page
    # Readers' text: the <b> tag is not in the sanitized HTML, so only the words show.
    assert "The first lesson&#39;s opening paragraph<ins>, now longer</ins>." in page
    assert '<li class="diff-row diff-removed"><span class="visually-hidden">Removed:</span><del>' in page
    source = president.get(f"/author/lessons/{first.id}/diff?from=1&to=3&view=source").get_data(as_text=True)
    assert "&lt;b&gt;now&lt;/b&gt;" in source and "<b>now</b>" not in source
    assert president.get(f"/author/lessons/{first.id}/diff?from=1&to=9").status_code == 404


def test_a_diff_with_only_additions_has_no_removed_key(president, first):
    latest = first.revisions_in("en")[-1]
    president.post(f"/author/lessons/{first.id}/edit", data=editor_data(
        first, source=latest.source + "\n\nA brand new closing paragraph.\n"))

    page = president.get(f"/author/lessons/{first.id}/diff?from=1&to=2").get_data(as_text=True)

    assert "A brand new closing paragraph." in page
    assert 'diff-key-added">Added</span>' in page and "diff-key-removed" not in page


def test_history_lists_every_revision_with_author_time_and_note(president, first):
    president.post(f"/author/lessons/{first.id}/edit", data=editor_data(first, source="v2", note="Second go"))

    page = president.get(f"/author/lessons/{first.id}/history").get_data(as_text=True)

    assert page.index(">2</a>") < page.index(">1</a>")  # newest first
    assert "Second go" in page and president.user.full_name in page
    assert "Imported from" in page
    assert "Published now" in page and "Draft" in page
    assert "Restore as new draft" in page


def test_restoring_an_old_revision_makes_a_new_draft(president, manager, first):
    president.post(f"/author/lessons/{first.id}/edit", data=editor_data(first, source="Second text."))
    president.post(f"/author/lessons/{first.id}/publish", data={"number": 2, "kind": "minor"})

    response = president.post(f"/author/lessons/{first.id}/revisions/1/restore")

    assert response.status_code == 303
    first = lesson_named("first-lesson")
    one, two, three = first.revisions_in("en")
    assert (three.source, three.content_hash, three.note) == (one.source, one.content_hash,
                                                              "Restored from revision 1")
    assert three.published_at is None and first.published_revision_id == two.id
    assert "Second text." in manager.get("/courses/test-course/first-lesson").get_data(as_text=True)
    assert "Revision 1 restored as draft revision 3" in president.get(
        response.headers["Location"]).get_data(as_text=True)

    again = president.post(f"/author/lessons/{first.id}/revisions/1/restore")
    assert "is the same as the latest revision (3)" in president.get(
        again.headers["Location"]).get_data(as_text=True)
    assert len(lesson_named("first-lesson").revisions_in("en")) == 3
