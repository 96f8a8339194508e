"""render_markdown: the markdown features lessons use, and that nothing executable survives."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from courseware.content.rendering import content_hash, render_markdown

FORBIDDEN_TAGS = {"script", "iframe", "svg", "style", "object", "embed", "math", "form", "base",
                  "link", "meta"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class Elements(HTMLParser):
    """Every start tag in a fragment, as (tag, {attribute: value})."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


def test_headings_get_prefixed_ids():
    html = render_markdown("## A section\n\n### Why *it* matters\n")

    elements = Elements(html)
    assert elements.all("h2") == [{"id": "s-a-section"}]
    assert elements.all("h3") == [{"id": "s-why-it-matters"}]
    assert '<h2 id="s-a-section">A section</h2>' in html


def test_admonitions_render_as_div_admonition():
    html = render_markdown('!!! note "Case: a department"\n    A worked case.\n')

    elements = Elements(html)
    assert elements.all("div") == [{"class": "admonition note"}]
    assert {"class": "admonition-title"} in elements.all("p")
    assert "Case: a department" in html
    assert "<p>A worked case.</p>" in html


def test_tables_render():
    html = render_markdown("| Habit | Cost |\n|---|---|\n| Inertia | High |\n")

    tags = [tag for tag, _ in Elements(html).elements]
    assert tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "<th>Habit</th>" in html
    assert "<td>Inertia</td>" in html


def test_table_column_alignment_survives():
    html = render_markdown("| Left | Right |\n|:---|---:|\n| a | b |\n")

    aligns = [attrs.get("align") for attrs in Elements(html).all("td")]
    assert aligns == ["left", "right"]


def test_lists_links_emphasis_and_code_survive():
    html = render_markdown(
        "1. one\n2. *two*\n\n[site](https://example.com/x) and [mail](mailto:a@example.com) "
        "and [rel](../other) and `code`\n"
    )

    elements = Elements(html)
    assert [tag for tag, _ in elements.elements][:4] == ["ol", "li", "li", "em"]
    hrefs = [attrs["href"] for attrs in elements.all("a")]
    assert hrefs == ["https://example.com/x", "mailto:a@example.com", "../other"]
    assert "<code>code</code>" in html


XSS = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](jAvAsCrIpT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<img src=x onerror=alert(1)>",
    '![A](B "<C onerror=alert(1)>")',
    '<a href="vbscript:msgbox(1)">v</a>',
    "<iframe src=//evil>",
    "<svg onload=alert(1)>",
    "<style>body{}</style>",
    # A few more spellings of the same ideas.
    '<a href=" javascript:alert(1)">sp</a>',
    '<a href="java&#x09;script:alert(1)">tab</a>',
    "<object data=x></object><embed src=x>",
    '<p onclick="alert(1)" style="color:red">p</p>',
    '<div markdown="1">[x](javascript:alert(1))</div>',
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<!-- <script>alert(1)</script> -->",
]


def assert_safe(html: str) -> None:
    for tag, attrs in Elements(html).elements:
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), html
            assert name.lower() != "style", html
            if name.lower() in {"href", "src"}:
                scheme = urlsplit((value or "").strip()).scheme.lower()
                assert scheme in SAFE_SCHEMES, html
                assert "script:" not in (value or "").lower().replace(" ", ""), html


@pytest.mark.parametrize("source", XSS)
def test_xss_is_removed(source):
    html = render_markdown(source)

    assert_safe(html)
    assert "<script" not in html.lower()


def test_xss_corpus_in_one_document_is_removed():
    html = render_markdown("\n\n".join(XSS))

    assert_safe(html)
    assert "<script" not in html.lower()


def test_dangerous_links_lose_their_href_but_keep_their_text():
    html = render_markdown("[click me](javascript:alert(1))")

    links = Elements(html).all("a")
    assert len(links) == 1
    assert "href" not in links[0]
    assert "click me" in html


def test_image_title_with_markup_stays_text():
    html = render_markdown('![A](B "<C onerror=alert(1)>")')

    images = Elements(html).all("img")
    assert images == [{"alt": "A", "src": "B", "title": "<C onerror=alert(1)>"}]
    assert "<C" not in html


def test_content_hash_is_stable_and_sensitive():
    assert content_hash("lesson", "Title", 3, {"b": 1, "a": 2}) == content_hash(
        "lesson", "Title", 3, {"a": 2, "b": 1}
    )
    assert len(content_hash("x")) == 64
    different = {
        content_hash("lesson", "Title", 3, "body"),
        content_hash("lesson", "Title", 3, "body "),
        content_hash("lesson", "Title", 4, "body"),
        content_hash("lesson", "Title", "3", "body"),
        content_hash("quiz", "Title", 3, "body"),
        content_hash("lesson", "Title3", "body"),
    }
    assert len(different) == 6
