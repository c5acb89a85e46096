"""Every reading command answers from a store as from the loaded graph: the bundled graph in an
Oxigraph folder and behind `oxigraph serve`, the same JSON for find, show, path, stats and conflicts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.cli import main
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
