"""Every reading command answers from a store as from the loaded graph: the bundled graph in an
Oxigraph folder and behind `oxigraph serve`, the same JSON for find, show, path, stats and conflicts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.cli import main
from graph.query import neighbourhood
from graph.query.stores import OxigraphStore, RemoteStore
from graph.store.data import data_dir, data_files
from graph.store.publish import load_into
from tests.servers import DEFAULT_GRAPH, oxigraph_server, virtuoso_server

pytestmark = pytest.mark.server

COMMANDS = [
    ["find", "Tylenol"],
    ["find", "relaxant"],
    ["find", "ibuprofin"],
    ["find", "bs:rest"],
    ["find", "emergency room"],
    ["show", "Tylenol"],
    ["show", "muscle relaxants"],
    ["show", "back spasm"],
    ["path", "stress", "ibuprofen"],
    ["path", "dehydration", "muscle relaxant"],
    ["stats"],
    ["top", "-n", "5"],
    ["conflicts"],
    ["treatments", "dehydration"],
]


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("commands") / "ox"
    load_into(str(folder))
    with oxigraph_server(data_files(None)) as server:
        yield {"oxigraph": f"oxigraph:{folder}", "sparql": f"sparql:{server.sparql}"}


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    assert code == 0, argv
    return json.loads(out)


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_the_same_json_from_every_store(
    specs: dict[str, str], capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    loaded = _json(capsys, argv)
    with pytest.MonkeyPatch.context() as patch:  # a store's whole label catalogue is never read
        for kind in (OxigraphStore, RemoteStore):
            patch.setattr(kind, "index", _refused)
        for kind, spec in specs.items():
            assert _json(capsys, [*argv, "--store", spec]) == loaded, kind


def _refused(self: object) -> None:
    raise AssertionError("the store's whole label catalogue was read")


@pytest.mark.parametrize("text", ["interaction", "spondylolysisospondylolisthesis", "bs:back_spasmm"])
def test_the_same_refusal_from_every_store(
    specs: dict[str, str], capsys: pytest.CaptureFixture[str], text: str
) -> None:
    assert main(["show", text]) == 2
    loaded = capsys.readouterr().err
    for kind, spec in specs.items():
        assert main(["show", text, "--store", spec]) == 2
        assert capsys.readouterr().err == loaded, kind


def test_bskg_store_names_the_store(
    specs: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BSKG_STORE", specs["oxigraph"])
    assert _json(capsys, ["find", "tylenol"]) == _json(capsys, ["find", "tylenol", "--store", "memory"])
    monkeypatch.setenv("BSKG_STORE", str(Path("/nonexistent/store")).join(["oxigraph:", ""]))
    assert main(["find", "tylenol"]) == 2
    assert capsys.readouterr().err.startswith("bskg: error: no Oxigraph store at /nonexistent/store")


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[str]:
    with virtuoso_server([]) as server:
        assert server.store is not None and server.auth is not None
        load_into(server.store, data_dir(), graph=DEFAULT_GRAPH, auth=server.auth, progress=False)
        yield f"sparql:{server.endpoint}"


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_the_same_json_on_virtuoso(
    virtuoso: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    loaded = _json(capsys, argv)
    assert _json(capsys, [*argv, "--store", virtuoso]) == loaded


@pytest.mark.parametrize(
    "options",
    [
        ["--focus", "stress"],
        ["--focus", "back spasm", "--depth", "2"],
        ["--focus", "tylenol", "--depth", "2", "--types", "Medication", "DrugClass", "SideEffect"],
        ["--focus", "muscle strain", "--min-support", "2", "--depth", "2"],
    ],
    ids=" ".join,
)
def test_a_focus_page_from_a_store_is_the_loaded_graph_s_page(
    specs: dict[str, str], tmp_path: Path, options: list[str]
) -> None:
    """The page's entities are found within --depth, then their own relations fetched: the same bytes."""
    loaded, stored = tmp_path / "loaded.html", tmp_path / "stored.html"
    assert main(["html", *options, "-o", str(loaded)]) == 0
    for spec in specs.values():
        assert main(["html", *options, "--store", spec, "-o", str(stored)]) == 0
        assert stored.read_bytes() == loaded.read_bytes(), spec


def test_a_focus_page_too_big_is_refused_before_the_second_fetch(
    specs: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched: list[int] = []
    real = neighbourhood.neighbourhood

    def counted(store: Any, seeds: Any, depth: int) -> Any:
        fetched.append(depth)
        return real(store, seeds, depth)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(neighbourhood, "neighbourhood", counted)
        argv = ["html", "--focus", "back spasm", "--max-nodes", "5", "--store", specs["oxigraph"]]
        assert main([*argv, "-o", str(tmp_path / "x.html")]) == 2
    assert fetched == [1]
    assert "more than --max-nodes 5" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()
