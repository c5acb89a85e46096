"""Loading: the bundled data from a checkout and from a built wheel, files and folders, bad paths."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from graph import load
from graph.core.errors import ParseError
from graph.store.data import data_dir, data_files

from .conftest import DATA, MINI, REPO


def test_bundled_files_vocabulary_first():
    names = [p.name for p in data_files()]
    assert names[0] == "ontology.ttl"
    assert set(names) == {"ontology.ttl", "sources.ttl", "triples.ttl"}


def test_folder_leaves_out_shapes_and_adds_vocabulary(tmp_path: Path):
    (tmp_path / "shapes.ttl").write_text("this is not turtle")
    (tmp_path / "g.ttl").write_text((DATA / "valid.ttl").read_text())
    assert [p.name for p in data_files(tmp_path)] == ["ontology.ttl", "g.ttl"]
    assert len(load(tmp_path).index.types) == 2


def test_empty_folder_and_missing_path(tmp_path: Path):
    with pytest.raises(ParseError, match="folder holds no .ttl file"):
        load(tmp_path)
    with pytest.raises(ParseError, match="no such file or folder"):
        load(tmp_path / "missing.ttl")


def test_unreadable_bytes(tmp_path: Path):
    bad = tmp_path / "latin.ttl"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ParseError, match=r"latin.ttl:1: bad Turtle syntax: .*Invalid UTF-8"):
        load(bad)


def test_environment_variable_sets_default(monkeypatch):
    monkeypatch.setenv("BSKG_DATA", str(MINI))
    assert len(load().index.types) == 14


def test_load_does_not_touch_the_files(tmp_path: Path):
    before = {p: p.stat().st_mtime_ns for p in data_dir().glob("*.ttl")}
    load()
    assert before == {p: p.stat().st_mtime_ns for p in data_dir().glob("*.ttl")}


def test_wheel_carries_the_data_and_finds_it_when_installed(tmp_path: Path):
    """Build a wheel, unpack it elsewhere, and load the graph from there, away from the checkout."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("backspasm_kg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("ontology.ttl", "sources.ttl", "triples.ttl", "shapes.ttl"):
        assert f"graph/_data/{name}" in names
    assert "graph/query/queries/causes.rq" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = "import graph, pathlib; kg = graph.load(); print(graph.load.__module__, kg.files[0].parent)"
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(str(site / "graph" / "_data"))
