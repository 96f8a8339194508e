"""Languages: the one module that owns which languages exist, the source language of the course, the
reader's language, and the fallbacks from one to the other.

- The site and the course exist in `LANGUAGES`. The course is written in `SOURCE_LANGUAGE` first;
  every other language (`TRANSLATION_LANGUAGES`) is a version beside it, which may be missing.
- The reader's language (`current_language`) is chosen per request by courseware.i18n (profile,
  cookie, browser, site default); course content follows it (`content_language`).
- Fallbacks: a field in another language that has no value falls back to the source language's
  (`translated`, `in_language`); lessons and quizzes share one implementation of "the published
  version in language X" (courseware.models.content.Translatable).

This module imports no model and no view, so that models, services and views may all import it.
"""
from __future__ import annotations

from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import get_locale

# The languages the site and the course are written in, each named in its own language.
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"
# The language the course's files are written in first; other languages are versions beside it.
SOURCE_LANGUAGE = "en"
TRANSLATION_LANGUAGES: tuple[str, ...] = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)

# Babel resolves 'zh_CN' to 'zh_Hans_CN'; pages, catalogs and content use the short code.
_CODE_OF_LOCALE = {str(Locale.parse(code)): code for code in LANGUAGES}


def normalize_language(value: str | None) -> str | None:
    """A supported language code for what a person or browser asked for, or None."""
    if not value:
        return None
    value = value.strip().replace("-", "_")
    if value in LANGUAGES:
        return value
    primary = value.split("_")[0].lower()
    if primary == "zh":
        # Every Chinese variant reads the Simplified Chinese version better than the English one.
        return "zh_CN"
    return primary if primary in LANGUAGES else None


def site_language() -> str:
    """The site's default language (SITE_LANGUAGE), for visitors who say nothing and for commands."""
    return normalize_language(current_app.config.get("SITE_LANGUAGE")) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of this request ('en' or 'zh_CN'); the site default outside a request."""
    locale = get_locale()
    if locale is None:
        return DEFAULT_LANGUAGE
    return _CODE_OF_LOCALE.get(str(locale), DEFAULT_LANGUAGE)


def content_language() -> str:
    """The language in which to show course content to this request (the same as the interface)."""
    return current_language()


def html_lang() -> str:
    """The BCP 47 tag for <html lang>: 'en' or 'zh-CN'."""
    return current_language().replace("_", "-")


def translated(translations: dict[str, Any] | None, language: str, key: str) -> str:
    """One field of a row's `translations` JSON ({"zh_CN": {"title": ...}}) in a language; "" when
    it has none."""
    return ((translations or {}).get(language) or {}).get(key) or ""


def in_language(source_value: str, translations: dict[str, Any] | None, language: str, key: str) -> str:
    """A field as a reader of `language` sees it: its translation, else the source language's."""
    if language == SOURCE_LANGUAGE:
        return source_value
    return translated(translations, language, key) or source_value
