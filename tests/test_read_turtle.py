"""One Turtle reader: a broken file gives the same one-line error whichever command reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.core.errors import ParseError
from graph.store.data import turtle_graph
from graph.store.oxigraph import read_turtle

from .conftest import MINI, REPO

#: A statement left without its final dot: Oxigraph stops on the line after it.
BROKEN = "bs:broken bso:causes bs:back_spasm\nbs:next bso:causes bs:back_spasm .\n"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the mini graph whose triples.ttl has a missing dot on one line."""
    folder = tmp_path_factory.mktemp("broken")
    for file in MINI.glob("*.ttl"):
        shutil.copy(file, folder / file.name)
    triples = folder / "triples.ttl"
    lines = triples.read_text(encoding="utf-8").splitlines(keepends=True)
    triples.write_text("".join(lines[:20]) + BROKEN + "".join(lines[20:]), encoding="utf-8")
    return folder


def _expected(folder: Path) -> str:
    with pytest.raises(ParseError) as caught:
        read_turtle(folder / "triples.ttl")
    return f"bskg: error: {caught.value}\n"


def test_the_error_names_the_file_and_the_line(broken: Path) -> None:
    with pytest.raises(ParseError) as caught:
        read_turtle(broken / "triples.ttl")
    assert caught.value.file == str(broken / "triples.ttl") and caught.value.line == 22
    assert "\n" not in str(caught.value) and "dot is expected" in str(caught.value)


def test_the_rdflib_view_reads_through_the_same_reader(broken: Path) -> None:
    with pytest.raises(ParseError) as caught:
        turtle_graph(broken / "triples.ttl")
    assert f"bskg: error: {caught.value}\n" == _expected(broken)


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["query", "ASK {}"],
        ["validate"],
        ["fmt", "--check", "{folder}/triples.ttl"],
        ["serve", "--port", "0", "--workers", "1"],
    ],
    ids=["stats", "query", "validate", "fmt", "serve-workers"],
)
def test_every_command_gives_the_same_line(broken: Path, command: list[str]) -> None:
    argv = [part.replace("{folder}", str(broken)) for part in command]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "graph", "--data", str(broken), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == _expected(broken)
