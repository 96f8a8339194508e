"""Reading the fields of a course file: each check raises a ContentError naming the file, the line
and the field, so that an author sees exactly what to fix."""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from courseware.content.yamlfile import ContentError, YamlDocument


def read_text(path: Path) -> str:
    try:
        # utf-8-sig: a byte-order mark that some Windows editors add is not part of the text.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(str(path), _("not UTF-8 text (%(reason)s)", reason=exc.reason)) from exc


def require_mapping(doc: YamlDocument, value: object, label: str, *where: object) -> dict:
    if not isinstance(value, dict):
        raise doc.error(_("%(label)s must be a mapping of 'key: value' lines", label=label), *where)
    return value


def reject_unknown_keys(doc: YamlDocument, data: dict, allowed: set[str], *where: object) -> None:
    for key in data:
        if key not in allowed:
            raise doc.error(
                _("unknown field %(key)s (expected: %(allowed)s)", key=repr(key),
                  allowed=", ".join(sorted(allowed))), *where, key
            )


def require_text(doc: YamlDocument, data: dict, key: str, *where: object) -> str:
    value = data.get(key)
    if value is None:
        # The key is not in the file: its line is its parent's, and the form's field is the key's.
        raise doc.error(_("'%(key)s' is required", key=key), *where, key)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise doc.error(_("'%(key)s' must be text", key=key), *where, key)
    text = str(value).strip()
    if not text:
        raise doc.error(_("'%(key)s' must not be empty", key=key), *where, key)
    return text


def optional_text(doc: YamlDocument, data: dict, key: str) -> str:
    if data.get(key) is None or data.get(key) == "":
        return ""
    return require_text(doc, data, key)


def require_int(
    doc: YamlDocument, data: dict, key: str, *, minimum: int, maximum: int | None = None
) -> int:
    value = data.get(key)
    if value is None:
        raise doc.error(_("'%(key)s' is required", key=key))
    if isinstance(value, bool) or not isinstance(value, int):
        raise doc.error(_("'%(key)s' must be a whole number without leading zeros (8, not 08)", key=key), key)
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is not None:
            raise doc.error(_("'%(key)s' must be at least %(minimum)s and %(maximum)s, got %(value)s",
                              key=key, minimum=minimum, maximum=maximum, value=value), key)
        raise doc.error(_("'%(key)s' must be at least %(minimum)s, got %(value)s",
                          key=key, minimum=minimum, value=value), key)
    return value
