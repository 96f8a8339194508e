"""Keep the translation catalogs in step with the code: extract, update, check, compile.

    python -m courseware.i18n_catalogs update [--catalog hr]   # new strings in, gone strings out
    python -m courseware.i18n_catalogs check                    # untranslated, fuzzy, missing, bad format
    python -m courseware.i18n_catalogs compile                  # .po -> .mo (make run/test/serve do it)

One catalog per audience (core, learn, hr, author, practice, notifications: courseware/i18n.CATALOGS), each in
courseware/translations/<language>/LC_MESSAGES/<catalog>.po. A string belongs to every catalog whose
files use it, so a string shared by two areas is translated in both. The English catalogs are
filled with the English text itself, so both catalogs are complete and an English page never
depends on a fallback. Locations are kept without line numbers so editing code above a string does
not rewrite the catalogs.
"""
from __future__ import annotations

import argparse
import copy
import fnmatch
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from courseware.config import PROJECT_ROOT
from courseware.i18n import CATALOGS, TRANSLATIONS_DIR
from courseware.language import LANGUAGES, SOURCE_LANGUAGE

# Which files each catalog covers (paths from the project root; a file named exactly belongs to the
# catalog naming it, else the first pattern that matches decides; anything unnamed is core).
CATALOG_FILES: dict[str, tuple[str, ...]] = {
    "notifications": (
        "templates/notifications/*", "courseware/notifications/*", "courseware/services/notifications/*",
        "courseware/hr/notification_views.py", "templates/hr/notifications.html",
    ),
    "practice": (
        "templates/practice/*", "courseware/practice/*", "courseware/services/practice/*",
        "courseware/services/learning/followups.py", "courseware/services/reports/participation.py",
        "courseware/services/ops/demo_practice.py",
    ),
    "author": (
        "templates/author/*", "courseware/author/*", "courseware/content/*",
        "courseware/services/authoring/*", "courseware/services/pulse/*", "templates/_macros/pulse.html",
    ),
    "hr": (
        "templates/hr/*", "templates/_macros/hr.html", "courseware/hr/*",
        "courseware/services/reports/*", "courseware/services/people/assignments.py",
        "courseware/services/people/account_admin.py", "courseware/services/people/account_import.py",
        "courseware/services/people/import_handouts.py", "courseware/services/ops/audit.py",
        "courseware/services/people/directory_*", "courseware/cli_directory.py",
        "courseware/services/learning/certificate_policy.py",
    ),
    "learn": (
        "templates/learn/*", "templates/quiz/*", "templates/_macros/progress.html",
        "templates/_macros/review.html", "templates/_macros/quiz.html",
        "courseware/learn/*", "courseware/quiz/*", "courseware/services/discussion/*",
        "courseware/services/learning/progress.py",
        "courseware/services/learning/quizzes.py", "courseware/services/learning/certificates.py",
        "courseware/services/learning/completion.py", "courseware/services/learning/course_state.py",
        "courseware/services/learning/explanations.py", "courseware/services/learning/refresh.py",
        "courseware/services/authoring/overview.py", "courseware/content/question_types.py",
    ),
}
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
    "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
    "lazy_pgettext": ((1, "c"), 2),
}
# Where strings live: (folder from the project root, how to read its files).
SOURCES = (("courseware", [("**.py", "python")]), ("templates", [("**.html", "jinja2")]))
JINJA_OPTIONS = {"**.html": {"trimmed": "true"}}
# Fixed header dates: an update that changes no string changes no file.
CATALOG_DATE = datetime(2026, 11, 25, tzinfo=UTC)
HEADER = "Culture Courses interface: {catalog} ({language})"


@dataclass
class Problem:
    catalog: str
    language: str
    message: str

    def __str__(self) -> str:
        return f"{po_path(self.language, self.catalog).relative_to(PROJECT_ROOT)}: {self.message}"


def po_path(language: str, catalog: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{catalog}.po"


def catalog_of(path: str) -> str:
    for catalog, patterns in CATALOG_FILES.items():
        if path in patterns:
            return catalog
    for catalog, patterns in CATALOG_FILES.items():
        if any(fnmatch.fnmatch(path, pattern) for pattern in patterns):
            return catalog
    return "core"


def extract(root: Path = PROJECT_ROOT) -> dict[str, Catalog]:
    """Every translatable string in the code, as one template catalog per audience."""
    templates = {name: Catalog(project="Culture Courses", fuzzy=False) for name in CATALOGS}
    for folder, method_map in SOURCES:
        found = extract_from_dir(
            root / folder, method_map, options_map=JINJA_OPTIONS, keywords=KEYWORDS,
            comment_tags=("Translators:",), strip_comment_tags=True, directory_filter=_searched_folder,
        )
        for filename, _lineno, message, comments, context in found:
            path = f"{folder}/{Path(filename).as_posix()}"
            # No line number (None), as Babel itself reads a location without one; its hint says int.
            templates[catalog_of(path)].add(message, None, [(path, None)],  # type: ignore[list-item]
                                            auto_comments=comments, context=context)
    return templates


def _searched_folder(dirpath: str) -> bool:
    # Babel's default skips every folder starting with "_", and so templates/_macros: only hidden
    # folders and caches hold no strings.
    name = Path(dirpath).name
    return not name.startswith(".") and name != "__pycache__"


def _read(path: Path, language: str) -> Catalog | None:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def update(only: Iterable[str] | None = None) -> list[Path]:
    """Bring each catalog in line with the code; existing translations are kept, never guessed."""
    written = []
    templates = extract()
    for name in only or CATALOGS:
        template = templates[name]
        for language in LANGUAGES:
            path = po_path(language, name)
            catalog = _read(path, language) or Catalog(locale=language, project="Culture Courses",
                                                       version="1", revision_date=CATALOG_DATE)
            # A copy: update() adopts the template's message objects, and English fills them in.
            catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
            catalog.creation_date = CATALOG_DATE
            catalog.header_comment = "# " + HEADER.format(catalog=name, language=language)
            catalog.fuzzy = False
            if language == SOURCE_LANGUAGE:
                _fill_with_source(catalog)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=100, include_lineno=False, ignore_obsolete=True,
                         sort_output=True)
            written.append(path)
    return written


def _fill_with_source(catalog: Catalog) -> None:
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string or ()):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id


def check(only: Iterable[str] | None = None) -> list[Problem]:
    """What stands between the catalogs and complete: missing, untranslated, fuzzy, bad placeholders."""
    problems: list[Problem] = []
    templates = extract()
    for name in only or CATALOGS:
        for language in LANGUAGES:
            catalog = _read(po_path(language, name), language)
            if catalog is None:
                problems.append(Problem(name, language, "missing file (run make translations-update)"))
                continue
            for message in templates[name]:
                if message.id and catalog.get(message.id, message.context) is None:
                    problems.append(Problem(name, language, f"not in the catalog: {message.id!r}"))
            for message in catalog:
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if not all(strings):
                    problems.append(Problem(name, language, f"untranslated: {message.id!r}"))
                if message.fuzzy:
                    problems.append(Problem(name, language, f"fuzzy: {message.id!r}"))
            for message, errors in catalog.check():
                for error in errors:
                    problems.append(Problem(name, language, f"{message.id!r}: {error}"))
    return problems


def compile_catalogs() -> list[Path]:
    written = []
    for name in CATALOGS:
        for language in LANGUAGES:
            source = po_path(language, name)
            catalog = _read(source, language)
            if catalog is None:
                continue
            target = source.with_suffix(".mo")
            # Written beside and moved into place: a process reading the catalog meanwhile (another
            # test run, a running site) sees the old file or the new one, never half of one.
            partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            os.replace(partial, target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("update", "check", "compile"))
    parser.add_argument("--catalog", action="append", choices=CATALOGS,
                        help="update or check only this catalog (repeatable)")
    args = parser.parse_args(argv)
    if args.action == "update":
        for path in update(args.catalog):
            print(f"updated {path.relative_to(PROJECT_ROOT)}")
        return 0
    if args.action == "compile":
        compile_catalogs()
        return 0
    problems = check(args.catalog)
    for problem in problems:
        print(problem, file=sys.stderr)
    summary = f"{len(problems)} problem(s) in the translation catalogs"
    print(summary, file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
