"""The stores give the same answers: memory and oxigraph:PATH (one engine), sparql:URL on `oxigraph serve`."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from graph.cli import main
from graph.core.errors import GraphError, QueryError
from graph.core.model import KnowledgeGraph
from graph.query.run import named_queries, run
from graph.query.stores import OxigraphStore, RemoteStore, Store, open_store, values_block, with_values
from graph.store.data import data_files
from graph.store.publish import load_into
from graph.view.load import load
from tests.servers import oxigraph_server
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
def oxigraph_store(oxigraph_dir: Path) -> OxigraphStore:
    return OxigraphStore.folder(oxigraph_dir)


@pytest.fixture(scope="module")
def remote() -> Iterator[str]:
    """A real `oxigraph serve` on a free loopback port, filled through its Graph Store Protocol endpoint."""
    with oxigraph_server([]) as server:
        assert main(["--data", str(MINI), "load", "--into", server.store]) == 0
        yield server.sparql


@pytest.fixture(scope="module")
def stores(mini: KnowledgeGraph, oxigraph_store: OxigraphStore, remote: str) -> dict[str, Store]:
    return {"memory": OxigraphStore.of(mini), "oxigraph": oxigraph_store, "sparql": RemoteStore(remote)}


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
    assert block == 'VALUES (?name) { ("x\\" } UNION { ?s ?p ?o } #\\n"@en) }'


def test_values_block_refuses_a_broken_iri() -> None:
    from rdflib import URIRef

    with pytest.raises(QueryError, match="cannot bind"):
        values_block({"x": URIRef("http://e/a> } UNION { <b")})


def test_values_go_first_in_the_where_group() -> None:
    from rdflib import URIRef

    iri = {"c": URIRef("http://e/C")}
    assert with_values("SELECT * { ?x a ?c }", iri).startswith("SELECT * { VALUES (?c) { (<http://e/C>) }")
    built = with_values('CONSTRUCT { ?x a "{" } WHERE { ?x a ?c } # {', iri)
    assert built.startswith('CONSTRUCT { ?x a "{" } WHERE { VALUES (?c)')


def test_an_unselected_variable_is_bound_in_the_engine_too(mini: KnowledgeGraph) -> None:
    """Oxigraph substitutes selected variables; any other variable of a user's text gets VALUES."""
    from graph.query.run import sparql

    frame = sparql(mini, "SELECT ?t WHERE { ?t bso:treats ?c }", c="back spasm")
    assert set(frame["t_label"]) >= {"ibuprofen"}


def test_oxigraph_time_limit_kills_the_worker(mini: KnowledgeGraph) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    store = OxigraphStore.of(mini)
    before = _children()
    started = time.monotonic()
    with pytest.raises(QueryError, match="was stopped"):
        run(store, runaway, timeout=1)
    assert time.monotonic() - started < 3
    assert all(_state(pid) in ("Z", "") for pid in _children() - before)  # no worker left computing
    assert run(store, "causes").rows  # the next query answers


def _children() -> set[str]:
    return {pid for pid in os.listdir("/proc") if pid.isdigit() and _parent_of(pid) == os.getpid()}


def _parent_of(pid: str) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


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
    with pytest.raises(GraphError, match="no Oxigraph store at"):
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


def test_load_into_replaces_the_default_graph_only(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert load_into(str(folder), MINI) == load_into(str(folder), MINI)
    user = ox.Quad(
        ox.NamedNode("http://e/mine"), ox.NamedNode("http://e/p"), ox.Literal("x"), ox.NamedNode("http://e/g")
    )
    held = ox.Store(str(folder))
    held.add(user)
    held.flush()
    del held
    load_into(str(folder), MINI)
    reopened = ox.Store.read_only(str(folder))
    assert user in reopened  # a user's named graph survives
    assert (
        str(run(OxigraphStore(reopened), "SELECT (COUNT(*) AS ?n) WHERE { ?s a bso:Source }").rows[0][0])
        == "2"
    )


def test_load_into_refuses_less_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "store"
    assert main(["load", "--into", str(folder)]) == 0
    bundled = load(store=folder).triples
    assert main(["--data", str(MINI), "load", "--into", str(folder)]) == 2
    assert "refusing to replace it with less" in capsys.readouterr().err
    assert load(store=folder).triples == bundled
    assert main(["--data", str(MINI), "load", "--into", str(folder), "--force"]) == 0
    assert load(store=folder).triples < bundled


def test_an_empty_file_is_an_error_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    for command in (["validate"], ["query", "causes"], ["html", "-o", str(tmp_path / "x.html")], ["stats"]):
        assert main(["--data", str(empty), *command]) == 2
        assert "no entities in" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_the_same_graph_from_turtle_and_from_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    load_into(str(folder), None)
    from_folder, from_turtle = load(store=folder), load()
    assert (
        from_folder.triples
        == from_turtle.triples
        == sum(1 for f in data_files() for _ in ox.parse(path=str(f)))
    )
    assert list(from_folder.nx.edges(keys=True, data=True)) == list(
        from_turtle.nx.edges(keys=True, data=True)
    )
    assert from_folder.index.labels == from_turtle.index.labels


def test_load_into_an_unreachable_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(MINI), "load", "--into", "http://127.0.0.1:9/store"]) == 2
    assert capsys.readouterr().err.startswith("bskg: error: cannot reach")


VIRTUOSO_GRAPH = "urn:x-bskg:test-graph"


@pytest.mark.server
def test_cli_load_into_virtuoso_replaces_its_named_graph_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``bskg load --into`` Virtuoso's Graph Store: the named graph is replaced, a neighbour graph kept."""
    from tests.servers import graph_store_put, virtuoso_server

    with virtuoso_server([]) as server:
        assert server.store is not None and server.auth is not None
        neighbour = b"<urn:x:a> <urn:x:b> <urn:x:c> .\n"
        graph_store_put(server.store, "urn:x-bskg:neighbour", neighbour, server.auth)
        monkeypatch.setenv("BSKG_STORE_PASSWORD", "wrong")
        argv = ["--data", str(MINI), "load", "--into", server.store, "--graph", VIRTUOSO_GRAPH]
        assert main([*argv, "--user", server.auth[0]]) != 0
        assert "refused the graph: HTTP 401" in capsys.readouterr().err
        monkeypatch.setenv("BSKG_STORE_USER", server.auth[0])
        monkeypatch.setenv("BSKG_STORE_PASSWORD", server.auth[1])
        for _ in range(2):  # created, then replaced: the count stays the same
            assert main(argv) == 0
            loaded = int(capsys.readouterr().out.split()[1])
            scoped = RemoteStore(f"{server.sparql}?default-graph-uri={VIRTUOSO_GRAPH}")
            count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
            assert int(run(scoped, count).rows[0][0]) == loaded
        everything = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x-bskg:neighbour> { ?s ?p ?o } }"
        assert int(run(RemoteStore(server.sparql), everything).rows[0][0]) == 1
        answer = normalise(run(scoped, "causes", condition="spasm"))
        assert answer == normalise(run(OxigraphStore.of(load(MINI)), "causes", condition="spasm"))


@pytest.mark.server
def test_virtuoso_row_limit_is_an_error_not_a_short_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Virtuoso cuts answers at ResultSetMaxRows with HTTP 200; RemoteStore says so in one line."""
    from tests import servers

    small = servers._VIRTUOSO_INI.replace("ResultSetMaxRows = 1000000", "ResultSetMaxRows = 50")
    assert small != servers._VIRTUOSO_INI
    monkeypatch.setattr(servers, "_VIRTUOSO_INI", small)
    with servers.virtuoso_server([MINI / "triples.ttl"]) as server:
        store = RemoteStore(server.endpoint)
        with pytest.raises(QueryError, match=r"cut the answer at 50 rows \(X-SPARQL-MaxRows\)"):
            run(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        assert len(run(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 49").rows) == 49


@pytest.mark.server
def test_oxigraph_serve_time_limit_is_an_error_not_a_cut_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``oxigraph serve --timeout-s`` sends 200, then cuts the body: the CLI says so in one line."""
    heavy = "SELECT ?a ?g (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } GROUP BY ?a ?g"
    with oxigraph_server(data_files(None), query_seconds=1) as server:  # the bundled graph: over 1 s
        assert main(["query", heavy, "--store", f"sparql:{server.sparql}"]) != 0
        err = capsys.readouterr().err
        assert err.startswith("bskg: error: ") and err.count("\n") == 1
        assert "stopped the query at its time limit" in err
        # the same server still answers what fits in its limit
        assert run(RemoteStore(server.sparql), "ASK { ?s ?p ?o }").boolean is True


def test_a_remote_answer_that_cannot_be_read_is_one_line() -> None:
    """An answer cut anywhere else (a proxy, a dropped connection) is refused, not shown short."""
    from graph.query.stores import _read_remote

    cut = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"urn:x'
    with pytest.raises(QueryError, match=r"^http://h/q sent an answer that is not valid SPARQL results"):
        _read_remote("http://h/q", cut, "SELECT ?s WHERE { ?s ?p ?o }", graph_query=False)
    with pytest.raises(QueryError, match="not valid SPARQL results"):
        _read_remote(
            "http://h/q", b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn", "CONSTRUCT {}", graph_query=True
        )
    whole = _read_remote("http://h/q", b"<urn:a> <urn:b> <urn:c> .\n", "CONSTRUCT {}", graph_query=True)
    assert whole.graph is not None and len(whole.graph) == 1
