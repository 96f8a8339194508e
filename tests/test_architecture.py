"""ARCHITECTURE.md stays true: every URL's view module and every package is named there, services
import only downward, and no module or function outgrows what a reader takes in at once."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from courseware.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "courseware"
ARCHITECTURE = (PROJECT_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# The service packages in the order they may import each other (ARCHITECTURE.md, services/__init__).
SERVICE_ORDER = ["errors", "ops.audit", "catalog", "people", "learning", "practice", "reports", "pulse",
                 "authoring", "notifications", "discussion", "ops"]
# What a service may import from the rest of the application.
SERVICE_MAY_IMPORT = {"models", "content", "language", "timezones", "formatting", "extensions", "config",
                      "services"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _relative(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def test_every_view_module_is_named_in_architecture_md(app):
    missing = set()
    for rule in app.url_map.iter_rules():
        module = sys.modules[app.view_functions[rule.endpoint].__module__]
        path = Path(module.__file__ or "").resolve()
        if path.is_relative_to(PACKAGE) and _relative(path) not in ARCHITECTURE:
            missing.add(f"{_relative(path)} ({rule.rule})")
    assert not missing, "ARCHITECTURE.md's URL table does not name: " + ", ".join(sorted(missing))


def test_every_package_is_named_in_architecture_md():
    packages = {init.parent.name for init in PACKAGE.rglob("__init__.py")} - {"courseware"}
    assert sorted(name for name in packages if f"{name}/" not in ARCHITECTURE
                  and f"`{name}`" not in ARCHITECTURE) == []


def test_no_module_is_over_400_lines():
    long = {_relative(path): n for path in _modules()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_is_over_60_lines():
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                if (node.end_lineno or start) - start + 1 > MAX_FUNCTION_LINES:
                    long.append(f"{_relative(path)}:{node.lineno} {node.name}")
    assert long == []


def _service_package(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["courseware", "services"] or len(parts) < 3:
        return None
    if parts[2:4] == ["ops", "audit"]:
        return "ops.audit"
    return parts[2]


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


@pytest.mark.parametrize("path", sorted((PACKAGE / "services").rglob("*.py")), ids=_relative)
def test_services_import_only_downward(path):
    importer = _service_package(".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts))
    wrong = []
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] != "courseware":
            continue
        if parts[1] not in SERVICE_MAY_IMPORT:
            wrong.append(name)  # a view, a form, a template helper
        imported = _service_package(name)
        if importer in (None, "ops") or imported in (None, importer):
            continue
        if SERVICE_ORDER.index(imported) > SERVICE_ORDER.index(importer):
            wrong.append(name)
    assert wrong == []
