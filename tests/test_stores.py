"""The three stores give the same answers: memory, oxigraph:PATH, sparql:URL on a real `oxigraph serve`."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.cli import main
from graph.core.errors import GraphError, QueryError
from graph.core.model import KnowledgeGraph
from graph.present.endpoint import free_port, oxigraph_binary
from graph.query.run import named_queries, run
from graph.store.oxigraph import OxigraphStore
from graph.store.stores import MemoryStore, RemoteStore, Store, load_into, open_store, values_block
from tests.test_queries import ARGS, normalise

MINI = Path(__file__).parent / "data" / "mini"

#: One value per parameter, so binding is compared too (initBindings, substitutions, VALUES).
BOUND: dict[str, dict[str, Any]] = {
    "agreed_causes": {"condition": "back spasm"},
    "by_name": {"name": "Advil"},
    "causes": {"condition": "spasm"},
    "class_members": {"drug_class": "NSAID"},
    "connected_treatments": {"entity": "dehydration"},
    "drug_class_details": {"drug_class": "muscle relaxants"},
    "evidence": {"subject": "stress", "predicate": "causes", "object": "back spasm"},
    "guidance": {"entity": "rest"},
    "mimics": {"condition": "back spasm"},
    "negative_claims": {"subject": "bed rest"},
    "preventions": {"condition": "back spasm"},
    "red_flags": {"condition": "back spasm"},
    "relations": {"subject": "ibuprofin"},
    "side_effects": {"drug": "cyclobenzaprine"},
    "treatments_for": {"cause": "dehydration"},
    "what_is": {"entity": "Advil"},
}
HOSTILE = ['x" } UNION { ?s ?p ?o } #', "a'b\"c{d}e\\", "\\u0022 } UNION {", "line\nbreak\r\t", "} UNION {"]


@pytest.fixture(scope="module")
def oxigraph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("oxigraph")
    assert main(["--data", str(MINI), "load", "--into", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def oxigraph_store(oxigraph_dir: Path) -> Iterator[OxigraphStore]:
    store = OxigraphStore(oxigraph_dir)
    yield store
    store.close()


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` (read-write, for the Graph Store Protocol) on a free loopback port."""
    port = free_port()
    folder = tmp_path_factory.mktemp("remote")
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("oxigraph serve did not start")
            time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        assert main(["--data", str(MINI), "load", "--into", f"{base}/store"]) == 0
        yield f"{base}/query"
    finally:
        process.terminate()
        process.wait(20)


@pytest.fixture(scope="module")
def stores(mini: KnowledgeGraph, oxigraph_store: OxigraphStore, remote: str) -> dict[str, Store]:
    return {"memory": MemoryStore(mini), "oxigraph": oxigraph_store, "sparql": RemoteStore(remote)}


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_same_answers_on_all_three_stores(stores: dict[str, Store], name: str) -> None:
    answers = {kind: normalise(run(store, name, **ARGS.get(name, {}))) for kind, store in stores.items()}
    assert answers["memory"] == answers["oxigraph"] == answers["sparql"]


@pytest.mark.parametrize("name", sorted(BOUND))
def test_same_answers_with_bound_parameters(stores: dict[str, Store], name: str) -> None:
    answers = {kind: normalise(run(store, name, **BOUND[name])) for kind, store in stores.items()}
    assert answers["memory"] == answers["oxigraph"] == answers["sparql"]
    assert answers["memory"], f"{name} with {BOUND[name]} should find something in the mini graph"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_matches_nothing_on_every_store(stores: dict[str, Store], value: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for store in stores.values():
        before = run(store, count).rows[0][0]
        assert run(store, "by_name", name=value).rows == ()
        assert run(store, count).rows[0][0] == before


def test_values_block_escapes_every_delimiter() -> None:
    from rdflib import Literal

    block = values_block({"name": Literal('x" } UNION { ?s ?p ?o } #\n', lang="en")})
    assert block == '\nVALUES (?name) { ("x\\" } UNION { ?s ?p ?o } #\\n"@en) }\n'


def test_values_block_refuses_a_broken_iri() -> None:
    from rdflib import URIRef

    with pytest.raises(QueryError, match="not a valid IRI"):
        values_block({"x": URIRef("http://e/a> } UNION { <b")})


def test_oxigraph_time_limit_kills_the_worker(oxigraph_store: OxigraphStore) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    worker = oxigraph_store._start()
    assert worker is not None
    process = oxigraph_store._worker
    with pytest.raises(QueryError, match="was stopped"):
        run(oxigraph_store, runaway, timeout=1)
    process.join(10)
    assert not process.is_alive()
    assert run(oxigraph_store, "causes").rows  # a new worker answers the next query


def test_service_and_from_are_refused_on_oxigraph(oxigraph_store: OxigraphStore) -> None:
    with pytest.raises(QueryError, match="SERVICE <http://127.0.0.1:9/sparql> is refused"):
        run(oxigraph_store, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="FROM <http://example.org/g> is refused"):
        run(oxigraph_store, "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")


def test_remote_errors_are_one_line(remote: str) -> None:
    with pytest.raises(QueryError, match="cannot reach"):
        run(RemoteStore("http://127.0.0.1:9/query"), "causes")
    with pytest.raises(GraphError, match="must be an http"):
        RemoteStore("file:///etc/passwd")


def test_open_store_spellings(tmp_path: Path, mini: KnowledgeGraph, oxigraph_dir: Path) -> None:
    assert open_store("memory", kg=mini).spec == "memory"
    with pytest.raises(GraphError, match="no Oxigraph store there"):
        open_store(f"oxigraph:{tmp_path / 'none'}")
    with pytest.raises(GraphError, match="unknown store"):
        open_store("postgres:x")


def test_cli_query_on_each_store(capsys: pytest.CaptureFixture[str], oxigraph_dir: Path, remote: str) -> None:
    outputs = []
    for spec in ("memory", f"oxigraph:{oxigraph_dir}", f"sparql:{remote}"):
        code = main(
            ["--data", str(MINI), "query", "causes", "--store", spec, "-p", "condition=spasm", "-f", "csv"]
        )
        assert code == 0
        outputs.append(sorted(capsys.readouterr().out.splitlines()))
    assert outputs[0] == outputs[1] == outputs[2]
    assert (
        "https://w3id.org/backspasm-kg/id/stress,https://w3id.org/backspasm-kg/id/back_spasm,1,001:1"
        in outputs[0]
    )


def test_load_into_replaces_the_default_graph(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert load_into(str(folder), MINI) == load_into(str(folder), MINI)
    store = OxigraphStore(folder)
    try:
        count = run(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s a bso:Source }").rows[0][0]
        assert str(count) == "2"
    finally:
        store.close()


def test_load_into_an_unreachable_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(MINI), "load", "--into", "http://127.0.0.1:9/store"]) == 2
    assert capsys.readouterr().err.startswith("bskg: error: cannot reach")
