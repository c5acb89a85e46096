"""The start-up cache: a hit gives the same graph, any change to the files makes a new key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import graph as graph_package
from graph import load
from graph.core.model import KnowledgeGraph
from graph.store.cache import cache_dir, cache_key, cached
from graph.store.load import data_files

from .conftest import MINI


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    monkeypatch.setenv("BSKG_CACHE", str(tmp_path / "cache"))
    return folder


def test_hit_returns_the_same_graph(data: Path) -> None:
    files = data_files(data)
    built: list[int] = []

    def build() -> KnowledgeGraph:
        built.append(1)
        return load(data)

    first = cached(files, build)
    second = cached(files, build)
    assert len(built) == 1
    assert set(second.rdf) == set(first.rdf)
    assert second.index.labels == first.index.labels
    assert list(second.nx.edges(keys=True, data=True)) == list(first.nx.edges(keys=True, data=True))


def test_change_to_the_data_invalidates(data: Path) -> None:
    files = data_files(data)
    before = cache_key(files)
    cached(files, lambda: load(data))
    triples = data / "triples.ttl"
    triples.write_text(
        triples.read_text(encoding="utf-8").replace('"stress"@en', '"strain"@en'), encoding="utf-8"
    )
    assert cache_key(files) != before
    kg = cached(files, lambda: load(data))
    assert "strain" in kg.index.labels.values()


def test_off_and_foreign_entries(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = data_files(data)
    cached(files, lambda: load(data))
    folder = cache_dir()
    assert folder is not None
    entry = next(folder.glob("*.pickle"))
    entry.chmod(0o666)  # writable by others: never read back
    calls: list[int] = []
    cached(files, lambda: calls.append(1) or load(data))  # type: ignore[func-returns-value]
    assert calls == [1]
    monkeypatch.setenv("BSKG_CACHE", "off")
    assert cache_dir() is None
    cached(files, lambda: calls.append(2) or load(data))  # type: ignore[func-returns-value]
    assert calls == [1, 2]


def test_change_to_the_label_index_code_changes_the_key(data: Path, tmp_path: Path) -> None:
    """The key covers the code that builds the cached graph, not only the data and a version."""
    package = Path(graph_package.__file__).resolve().parent
    copy = tmp_path / "graph"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    files = data_files(data)
    before = cache_key(files, package=copy)
    assert before == cache_key(files, package=package)
    lookup = next(copy.rglob("lookup.py"))
    lookup.write_text(lookup.read_text().replace("0.95", "0.94", 1))
    assert cache_key(files, package=copy) != before
