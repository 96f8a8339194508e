"""YAML parsing that remembers the line of every key, so that errors can name it."""
from __future__ import annotations

from dataclasses import dataclass

import yaml
from flask_babel import gettext as _

# libyaml's safe loader when PyYAML was built with it (the wheels are): the same rules, much faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(Exception):
    """A problem in one content file, with the line where it can be found."""

    def __init__(self, path: str, message: str, line: int | None = None, where: tuple = ()):
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line
        # The keys leading to the faulty value ("objectives", 1, "id"), for a form to find its field.
        self.where = where

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class YamlDocument:
    data: object
    lines: dict[tuple, int]
    path: str
    line_offset: int = 0

    def line_of(self, *key_path: object) -> int | None:
        """The 1-based file line of the deepest known element of key_path."""
        for end in range(len(key_path), -1, -1):
            line = self.lines.get(tuple(key_path[:end]))
            if line is not None:
                return line + self.line_offset
        return None

    def error(self, message: str, *key_path: object) -> ContentError:
        return ContentError(self.path, message, self.line_of(*key_path), key_path)


def parse_yaml(text: str, path: str, line_offset: int = 0) -> YamlDocument:
    """Parse one YAML document; a syntax error becomes a ContentError at its line."""
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + line_offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(path, _("invalid YAML: %(problem)s", problem=problem), line) from exc
    lines: dict[tuple, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return YamlDocument(data=data, lines=lines, path=path, line_offset=line_offset)


def _index_lines(node: yaml.Node, key_path: tuple, lines: dict[tuple, int]) -> None:
    lines.setdefault(key_path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = key_path + (key_node.value,)
            lines[child] = key_node.start_mark.line + 1
            _index_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, key_path + (index,), lines)
