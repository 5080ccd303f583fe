"""The layers (issue 14): the domain in server/burden is pure rules over plain values. It imports
neither the web framework, the ORM, the configuration nor the words of the edge; its messages
leave it as keys with parameters and are rendered in server/messages.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BURDEN = Path(__file__).resolve().parents[1] / "server" / "burden"
FORBIDDEN = ("starlette", "tortoise", "server.i18n", "server.labels", "server.config", "server.models", "server.db")


def imported_names(path: Path) -> list[str]:
    """Every module a file imports, and for `from a import b` also `a.b` (b may be a module)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = ".".join(filter(None, ["server.burden" if node.level else "", node.module]))
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def outside_the_domain(name: str) -> bool:
    """Forbidden outright, or a part of the application that is not the domain itself (whatever
    it imports would come along)."""
    if any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN):
        return True
    return (name == "server" or name.startswith("server.")) and not name.startswith("server.burden")


@pytest.mark.parametrize("path", sorted(BURDEN.glob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_nothing_from_the_web_the_store_or_the_edge(path):
    assert [name for name in imported_names(path) if outside_the_domain(name)] == []


def test_the_import_check_sees_each_way_of_importing(tmp_path):
    module = tmp_path / "leaky.py"
    module.write_text("import starlette.requests\nfrom server import i18n\nfrom server.labels import levels\nfrom tortoise import fields\nfrom . import vocab\n")
    assert [name for name in imported_names(module) if outside_the_domain(name)] == [
        "starlette.requests", "server", "server.i18n", "server.labels", "server.labels.levels", "tortoise", "tortoise.fields",
    ]
