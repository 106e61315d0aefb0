"""The engine and the knowledge base stay transport-free: only ``bot/`` may know about Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: package -> top-level modules it must never import
FORBIDDEN = {
    "knowledge": {"telegram", "flows", "bot", "redis", "aiohttp"},
    "flows": {"telegram", "bot", "redis", "aiohttp"},
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_the_edges(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    offenders = {file: mods for file, mods in offenders.items() if mods}
    assert offenders == {}, f"{package}/ must stay transport-free: {offenders}"


def test_layering_check_sees_imports() -> None:
    # guards the guard: the parser must actually find an import of telegram in bot/
    found = set().union(*(_imported_modules(p) for p in (ROOT / "bot").rglob("*.py")))
    assert "pydantic_settings" in found
