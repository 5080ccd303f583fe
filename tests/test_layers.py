"""The layers' one rule that a reader cannot check at a glance: server/domain/ holds rules over plain
values, so none of its modules imports the web framework, the ORM, the settings or the layers above."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = (
    "starlette",
    "tortoise",
    "server.web",
    "server.store",
    "server.services",
    "server.cli",
    "server.config",
    "server.models",
    "server.db",
    "server.app",
)


def imported_modules(path: Path, package: str) -> list[tuple[int, list[str]]]:
    """Per import statement, its line and what it may name: the module, and for `from a import b`
    also a.b (b may be a module). Relative imports are made absolute."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, [alias.name]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, node.module] if node.module else base)
            found.append((node.lineno, [source, *(f"{source}.{alias.name}" for alias in node.names)]))
    return found


def forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def domain_violations(root: Path = ROOT) -> list[str]:
    """Each import of a forbidden module by a module under server/domain, as `file:line module`."""
    problems = []
    for path in sorted((root / "server" / "domain").rglob("*.py")):
        package = ".".join(path.relative_to(root).parent.parts)
        for line, names in imported_modules(path, package):
            bad = [name for name in names if forbidden(name)]
            if bad:
                problems.append(f"{path.relative_to(root)}:{line} {bad[0]}")
    return problems


def test_domain_imports_no_web_orm_or_settings():
    assert (ROOT / "server" / "domain").is_dir()
    assert domain_violations() == []
