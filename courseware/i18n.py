"""The interface language: which one a request is served in, and the catalogs that hold each.

The language comes from the person's profile setting, else the choice an anonymous visitor made
with the switcher (a cookie, so it survives the session being cleared at sign-in), else the
browser's Accept-Language, else the site default (SITE_LANGUAGE). Course content follows the same
language where a version in it exists (see `content_language`).
"""
from __future__ import annotations

import os

from babel import Locale, support
from flask import Flask, has_request_context, request
from flask_babel import Babel, Domain, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courseware.config import PROJECT_ROOT

# The languages the site and the course are written in, each named in its own language.
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"
# The language the course's files are written in first; other languages are versions beside it.
SOURCE_LANGUAGE = "en"
LANGUAGE_COOKIE = "lang"

# One catalog per audience, as the blueprints are: a helper's work on one area never touches
# another's file. Every request merges them (Flask-Babel, one domain per directory entry).
CATALOGS = ("core", "learn", "hr", "author", "practice")
TRANSLATIONS_DIR = PROJECT_ROOT / "courseware" / "translations"

babel = Babel()
# Babel resolves 'zh_CN' to 'zh_Hans_CN'; pages, catalogs and content use the short code.
_CODE_OF_LOCALE = {str(Locale.parse(code)): code for code in LANGUAGES}


class CatalogDomain(Domain):
    """Every audience's catalog merged, found by the language code the folders are named by."""

    def __init__(self) -> None:
        super().__init__(translation_directories=[str(TRANSLATIONS_DIR)], domain=";".join(CATALOGS))

    def get_translations(self):
        language = current_language()
        try:
            return self.cache[language]
        except KeyError:
            translations = support.Translations()
            for catalog in CATALOGS:
                loaded = support.Translations.load(str(TRANSLATIONS_DIR), [language], catalog)
                translations.merge(loaded)
                # merge() takes the messages only: the plural rule (Chinese has one form) comes from
                # the language's own catalog, else ngettext would look for an English second form.
                if isinstance(loaded, support.Translations):
                    translations.plural = loaded.plural
            self.cache[language] = translations
            return translations


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


def select_language() -> str:
    if not has_request_context():
        # A command, or a service called outside a request: the site's language (see cli_language).
        return site_language()
    if current_user and current_user.is_authenticated:
        chosen = normalize_language(getattr(current_user, "locale", None))
        if chosen:
            return chosen
    chosen = normalize_language(request.cookies.get(LANGUAGE_COOKIE))
    if chosen:
        return chosen
    for value, _quality in request.accept_languages:
        chosen = normalize_language(value)
        if chosen:
            return chosen
    return site_language()


def site_language() -> str:
    from flask import current_app

    return normalize_language(current_app.config.get("SITE_LANGUAGE")) or DEFAULT_LANGUAGE


def cli_language() -> str:
    """The language of a command's output: the environment's (LC_ALL, LC_MESSAGES, LANG, the first
    set, e.g. zh_CN.UTF-8 -> zh_CN), else the site default. 'C' and 'POSIX' say nothing."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return normalize_language(value.split(".")[0].split("@")[0]) or site_language()
    return site_language()


# The roles as people read them; the stored value ('manager', 'hr', 'president') never changes.
ROLE_LABELS = {"manager": _l("Manager"), "hr": _l("HR"), "president": _l("President")}


def role_label(role: str | None) -> str:
    return str(ROLE_LABELS.get(str(role or ""), role or ""))


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


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)
    babel.domain_instance = CatalogDomain()
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed.
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.context_processor
    def language_context() -> dict:
        return {"html_lang": html_lang(), "current_language": current_language(), "languages": LANGUAGES,
                "role_label": role_label}

    @app.after_request
    def vary_on_language(response):
        # The same URL answers in two languages: caches must key on what decides it.
        if request.endpoint != "static":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
