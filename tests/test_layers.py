"""The package's folders are its layers, and imports point one way: core ← store ← view ← questions,
query, curation ← quality ← present ← cli. Checked on every import, at module top or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graph"

#: Each subpackage's layer: a module may import from lower layers and its own subpackage only.
LAYERS = {
    "core": 0,
    "store": 1,
    "view": 2,
    "extract": 2,
    "questions": 3,
    "query": 3,
    "curation": 3,
    "quality": 4,
    "present": 5,
    "cli": 6,
}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("graph."):
            found.append((node.lineno, node.module.split(".")[1]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name.split(".")[1]) for a in node.names if a.name.startswith("graph.")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if len(p.relative_to(PACKAGE).parts) > 1)


def test_every_subpackage_has_a_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    here = path.relative_to(PACKAGE).parts[0]
    for line, there in _imports(path):
        if there == here or there not in LAYERS:
            continue
        assert LAYERS[there] < LAYERS[here], f"{path.name}:{line} imports graph.{there} from graph.{here}"


def test_no_flat_modules_beside_the_layers() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py"]
