"""Everything the president types goes through the one sanitizer: the XSS corpus is harmless in the
live preview, the no-script preview, the published lesson, diffs and titles."""
from __future__ import annotations

import pytest

from tests.author.conftest import editor_data, lesson_named
from tests.content.test_rendering import XSS, assert_safe

# More spellings: every casing and entity encoding of javascript: and data:, reference links,
# and attributes smuggled through image titles and URLs.
MORE_XSS = [
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;vascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058alert(1)">n</a>',
    "<a href=jAvAsCrIpT&colon;alert&lpar;1&rpar;>e</a>",
    "[x](DaTa:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<img src="jav&#x09;ascript:alert(1)">',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    '![a](/uploads/x.png "\\" onerror=\\"alert(1)")',
    "![a](x\" onerror=\"alert(1))",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<div onmouseover=alert(1)>hover</div>",
    "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<base href=javascript:/>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
]
CORPUS = XSS + MORE_XSS


def prose_of(page: str) -> str:
    start = page.index('<div class="prose">')
    return page[start:page.index('<footer class="lesson-actions', start)]


@pytest.mark.parametrize("payload", CORPUS)
def test_the_live_preview_renders_each_payload_harmless(president, payload):
    response = president.post("/author/preview", data={"source": payload})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_safe(html)
    assert "<script" not in html.lower()


def test_the_no_script_preview_and_the_published_lesson_render_the_corpus_harmless(president, manager, first):
    source = "\n\n".join(CORPUS)
    preview = president.post(f"/author/lessons/{first.id}/edit",
                             data=editor_data(first, source=source, action="preview"))
    page = preview.get_data(as_text=True)
    preview_html = page[page.index("data-preview>") + len("data-preview>"):page.index("</section>",
                                                                                   page.index("data-preview>"))]
    assert_safe(preview_html)

    assert president.post(f"/author/lessons/{first.id}/edit",
                          data=editor_data(first, source=source)).status_code == 303
    president.post(f"/author/lessons/{first.id}/publish", data={"number": 2, "kind": "minor"})

    published = manager.get("/courses/test-course/first-lesson").get_data(as_text=True)
    assert_safe(prose_of(published))
    assert "<script" not in prose_of(published).lower()
    assert "<script" in lesson_named("first-lesson").published_revision.source  # kept as typed


def test_a_hostile_title_summary_and_note_are_escaped_everywhere(president, manager, first):
    hostile = '<script>alert("t")</script><img src=x onerror=alert(1)>'
    president.post(f"/author/lessons/{first.id}/edit",
                   data=editor_data(first, title=hostile, summary=hostile, note=hostile, source="New."))
    president.post(f"/author/lessons/{first.id}/publish", data={"number": 2, "kind": "material"})

    pages = [manager.get("/courses/test-course/first-lesson"), manager.get("/courses/test-course"),
             manager.get("/"), president.get("/author/"), president.get(f"/author/lessons/{first.id}/edit"),
             president.get(f"/author/lessons/{first.id}/history"),
             president.get(f"/author/lessons/{first.id}/diff?from=1&to=2")]
    for response in pages:
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert" not in body and "<img src=x" not in body, response.request.path
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in pages[0].get_data(as_text=True)


def test_the_diff_shows_markup_as_text(president, first):
    president.post(f"/author/lessons/{first.id}/edit",
                   data=editor_data(first, source="<script>alert(1)</script> [x](javascript:alert(1))"))

    page = president.get(f"/author/lessons/{first.id}/diff?from=1&to=2&view=source").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))" in page
    assert "<script>alert" not in page
