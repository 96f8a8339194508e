"""The interface language: which one a request is served in, and the catalogs that hold each.
(Which languages exist, the source language and the fallbacks live in courseware.language.)

The language comes from the person's profile setting, else the choice an anonymous visitor made
with the switcher (a cookie, so it survives the session being cleared at sign-in), else the
browser's Accept-Language, else the site default (SITE_LANGUAGE). Course content follows the same
language where a version in it exists (see `content_language`).
"""
from __future__ import annotations

import os

from babel import support
from flask import Flask, has_request_context, request
from flask_babel import Babel, Domain, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

from courseware.config import PROJECT_ROOT
from courseware.language import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    current_language,
    html_lang,
    normalize_language,
    site_language,
)

LANGUAGE_COOKIE = "lang"

# One catalog per audience, as the blueprints are: a helper's work on one area never touches
# another's file. Every request merges them (Flask-Babel, one domain per directory entry).
CATALOGS = ("core", "learn", "hr", "author", "practice", "notifications")
TRANSLATIONS_DIR = PROJECT_ROOT / "courseware" / "translations"

babel = Babel()


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
                if not isinstance(loaded, support.Translations):  # no such catalog file
                    continue
                translations.merge(loaded)
                # merge() takes the messages only: the plural rule (Chinese has one form) comes from
                # the language's own catalog, else ngettext would look for an English second form.
                translations.plural = loaded.plural
            self.cache[language] = translations
            return translations




# The template context's name for the request's merged catalog (set by language_context once a
# render): a page's forty-odd strings are looked up in it directly, not through Flask-Babel's
# per-call search for the request's locale and domain.
TRANSLATIONS_KEY = "_translations"


def _translations_of(context: Context) -> support.NullTranslations:
    # Macros imported without context have no such variable: they take Flask-Babel's way.
    translations = context.get(TRANSLATIONS_KEY)
    return translations if translations is not None else get_translations()


@pass_context
def _template_gettext(context: Context, string: str) -> str:
    return _translations_of(context).ugettext(string)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, number: int) -> str:
    return _translations_of(context).ungettext(singular, plural, number)


@pass_context
def _template_pgettext(context: Context, message_context: str, string: str) -> str:
    return _translations_of(context).upgettext(message_context, string)


@pass_context
def _template_npgettext(context: Context, message_context: str, singular: str, plural: str,
                        number: int) -> str:
    return _translations_of(context).unpgettext(message_context, singular, plural, number)


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








def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_language)
    babel.domain_instance = CatalogDomain()
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # The same catalogs as Flask-Babel's callables, read from the page's context (see TRANSLATIONS_KEY).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True,
        pgettext=_template_pgettext, npgettext=_template_npgettext)

    @app.context_processor
    def language_context() -> dict:
        return {"html_lang": html_lang(), "current_language": current_language(), "languages": LANGUAGES,
                "role_label": role_label, TRANSLATIONS_KEY: get_translations()}

    @app.after_request
    def vary_on_language(response):
        # The same URL answers in two languages: caches must key on what decides it.
        if request.endpoint != "static":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
