"""The house rules that a machine can check (docs/architecture.md): the rest is review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "cfdidesk"
MAX_LINES = 600


def _python_files(*roots: Path):
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _service_modules():
    for path in _python_files(SRC):
        parts = path.relative_to(SRC).parts
        if path.name == "services.py" or "services" in parts[:-1]:
            yield path


def _positional_publics(path: Path) -> list[str]:
    """Public module-level functions of `path` that accept positional arguments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith(
            "_"
        ):
            if node.args.posonlyargs or node.args.args or node.args.vararg:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return found


def test_service_functions_are_keyword_only():
    """Every write is `noun_verb(*, …)`: callers name what they pass, so a service's arguments can
    grow or change order without a silent mix-up."""
    offenders = [name for path in _service_modules() for name in _positional_publics(path)]
    assert offenders == []


@pytest.mark.parametrize("root", ["src", "bench"])
def test_no_file_outgrows_600_lines(root):
    """A module past 600 lines becomes a package, split by concern."""
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for path in _python_files(ROOT / root)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []


def test_sat_is_pure():
    """cfdidesk.sat knows SAT's rules only: of Django it may use translations, nothing else (no
    model, no settings, no database)."""
    imports = []
    for path in _python_files(SRC / "sat"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imports.append(node.module)
            elif isinstance(node, ast.Import):
                imports.extend(alias.name for alias in node.names)
    django = sorted({m for m in imports if m.split(".")[0] == "django"})
    assert django == ["django.utils.translation"]


def test_api_operation_ids_are_unique_and_do_not_follow_files():
    """Client code generated from the schema names calls by operationId: one per endpoint, made of
    the app and the function, so moving an endpoint inside its app keeps its id."""
    from cfdidesk.api import api

    ids = [
        operation["operationId"]
        for path in api.get_openapi_schema()["paths"].values()
        for operation in path.values()
    ]
    assert len(ids) == len(set(ids))
    assert "cfdidesk_desk_api_list_tickets" in ids and "cfdidesk_desk_api_escalate" in ids
