"""What every app the tests build may share, because nothing changes it during a run.

The `app` fixture builds an application per test (create_app, as production does once). Two parts of
that cost the same work every time and made most of a small test's time:

- the URL builders: Werkzeug compiles a Python function for each of the ~120 routes (`url_for`'s
  builder) when a blueprint is registered. The function depends only on the rule's text, its
  defaults and its converters, so the one compiled for an identical rule is reused;
- the templates: each app has its own Jinja environment, which parses and compiles every template it
  renders. A bytecode cache shared by the apps keeps the compiled code (Jinja's own mechanism, as
  its FileSystemBytecodeCache does across processes), keyed by the template's name, the
  environment's compile options and a checksum of the source: a template edited during the run,
  or an environment configured differently, is compiled again.

- the database engine: SQLAlchemy compiles each statement once per engine (its compiled cache), and
  each app made its own engine, so every test compiled again every query it ran (a quarter of the
  time of a page's test). Apps with the same database settings (URL and engine options) share one
  engine; the `app` fixture still closes its connections (`dispose`) after each test.

Nothing else is shared: each test still has its own app, config, extensions and database session.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing.rules import Rule


class SharedTemplateCode(BytecodeCache):
    """Jinja's compiled templates in memory, shared by every app of the run."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, Any]] = {}

    def get_bucket(self, environment: Environment, name: str, filename: str | None,
                   source: str) -> Bucket:
        bucket = super().get_bucket(environment, name, filename, source)
        bucket.key = f"{bucket.key}:{hash(_compile_options(environment))}"
        bucket.reset()
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self._code.get(bucket.key)
        if found and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self._code.clear()


def _compile_options(environment: Environment) -> tuple:
    """What the compiled code of a template depends on besides its source."""
    autoescape = environment.autoescape
    simple = (str, int, bool, type(None))
    return (
        tuple(sorted(environment.extensions)),
        tuple(sorted((k, v) for k, v in environment.policies.items() if isinstance(v, simple))),
        getattr(autoescape, "__qualname__", autoescape),
        environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string,
        environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, environment.optimized, environment.finalize is None,
        environment.is_async,
    )


TEMPLATE_CODE = SharedTemplateCode()
_compile_builder = Rule._compile_builder
_builders: dict[tuple, Callable[..., tuple[str, str]]] = {}


def _builder_key(rule: Rule, append_unknown: bool) -> tuple:
    assert rule.map is not None
    defaults = tuple(sorted((key, repr(value)) for key, value in (rule.defaults or {}).items()))
    converters = tuple(sorted((name, type(converter).__module__, type(converter).__qualname__)
                              for name, converter in rule._converters.items()))
    return (rule.rule, rule.subdomain, rule.host, rule.map.host_matching, rule.merge_slashes,
            tuple(rule._trace), defaults, converters, append_unknown)


def _cached_compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    # The builder reads the rule's converters through its `self` argument when it runs: the same
    # function serves every rule of the same shape.
    key = _builder_key(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


_make_engine = SQLAlchemy._make_engine
_engines: dict[tuple, sa.Engine] = {}


def _shared_engine(self: SQLAlchemy, bind_key: str | None, options: dict[str, Any], app: Flask) -> sa.Engine:
    key = (bind_key,) + tuple(
        (name, value.render_as_string(hide_password=False) if isinstance(value, sa.URL) else repr(value))
        for name, value in sorted(options.items()))
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = _make_engine(self, bind_key, options, app)
    return engine


def install() -> None:
    """Share URL builders, compiled templates and engines between every app built in this process."""
    Rule._compile_builder = _cached_compile_builder  # type: ignore[method-assign,assignment]
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": TEMPLATE_CODE}
    SQLAlchemy._make_engine = _shared_engine  # type: ignore[method-assign]
