"""Every string a person reads goes through the catalogs: no bare text left in templates or flashes.

A template's text is what remains once Jinja tags, expressions, comments, {% trans %} blocks,
scripts, styles and HTML tags are taken out; any word left there was not marked for translation.
Attributes people read (title, alt, placeholder, aria-label, value of buttons) count too.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))

BLOCKS = re.compile(
    r"\{#.*?#\}|\{%-?\s*trans\b.*?endtrans\s*-?%\}|\{%.*?%\}|\{\{.*?\}\}|<script\b.*?</script>"
    r"|<style\b.*?</style>|<svg\b.*?</svg>|<code\b.*?</code>",
    re.S,
)
READ_ATTRIBUTES = re.compile(r'\b(?:title|alt|placeholder|aria-label|aria-description)="([^"]*)"')
TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[A-Za-z]{2,}")
# Not words of the interface: the product's name and the languages named in their own language.
ALLOWED = {"Culture Courses", "English"}


def untranslated_text(source: str) -> list[str]:
    found = []
    for value in READ_ATTRIBUTES.findall(BLOCKS.sub("", source)):
        if WORD.search(value):
            found.append(value)
    text = TAG.sub("\n", BLOCKS.sub("\n", source))
    for line in text.splitlines():
        line = line.strip()
        if line and WORD.search(line) and line not in ALLOWED:
            found.append(line)
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_template_text_is_marked_for_translation(template):
    left = untranslated_text(template.read_text(encoding="utf-8"))
    assert not left, f"text not marked for translation in {template.name}: {left[:10]}"


FLASH_LITERAL = re.compile(r"""\bflash\(\s*f?["']""")


def test_flash_messages_are_translated():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "courseware").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FLASH_LITERAL.search(line)
    ]
    assert not offenders, offenders
