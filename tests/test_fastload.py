"""The pyoxigraph store path gives the same networkx view, label index and answers as the memory path."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from rdflib import URIRef

from graph import load
from graph.core.errors import GraphError, ParseError, QueryError
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BS
from graph.questions.traverse import treatments_for
from graph.store.fastload import FastGraph, fill_store, load_fast

from .conftest import DATA, MINI, REPO


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~2k-triple generated graph (entities, relations, evidence, urgency, guidance, disagreements)."""
    out = tmp_path_factory.mktemp("generated")
    _generator().generate(2000, out, seed=8)
    return out


def _assert_same(kg: KnowledgeGraph, fast: FastGraph) -> None:
    expected, got = kg.nx, fast.nx
    assert list(got.nodes) == list(expected.nodes)
    for node in expected.nodes:
        assert got.nodes[node] == expected.nodes[node], node
    assert list(got.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))
    assert fast.index.labels == kg.index.labels
    assert fast.index.types == kg.index.types
    assert fast.index.synonyms == kg.index.synonyms
    assert {k: sorted(v) for k, v in fast.index.names.items()} == {
        k: sorted(v) for k, v in kg.index.names.items()
    }


def test_mini_graph_same_view_and_index() -> None:
    _assert_same(load(MINI), load_fast(MINI))


def test_bundled_graph_same_view_and_index(kg: KnowledgeGraph) -> None:
    _assert_same(kg, load_fast())


def test_generated_graph_same_view_and_index(generated: Path) -> None:
    fast = load_fast(generated)
    _assert_same(load(generated), fast)
    # the generated graph exercises every attribute the contract names
    edges = [data for *_, data in fast.nx.edges(data=True)]
    assert any(data["contested"] for data in edges)
    assert any(data["negative"] for data in edges)
    assert any(data["support"] == 2 for data in edges)
    nodes = [data for _, data in fast.nx.nodes(data=True)]
    assert any("urgency" in data for data in nodes)
    assert any(data["guidance"] for data in nodes)
    assert any(data["synonyms"] for data in nodes)


def test_generated_graph_is_valid_and_deterministic(generated: Path, tmp_path: Path) -> None:
    from graph.quality.validate import validate

    report = validate(load(generated), check_lines=False)
    assert report.conforms, report
    again = tmp_path / "again"
    _generator().generate(2000, again, seed=8)
    for name in ("triples.ttl", "sources.ttl"):
        assert (again / name).read_bytes() == (generated / name).read_bytes()


def test_generated_size_is_near_the_target(tmp_path: Path) -> None:
    counts: dict[str, int] = _generator().generate(20_000, tmp_path, seed=1)
    assert 19_000 <= counts["triples"] <= 21_000
    fast = load_fast(tmp_path)
    ontology = load_fast(REPO / "data" / "ontology.ttl").triples
    assert fast.triples - ontology == counts["triples"]


def test_persistent_store_same_view_and_sparql(generated: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    count = fill_store(store, generated)
    fast = load_fast(store=store)
    assert fast.triples == count
    _assert_same(load(generated), fast)
    cause = URIRef(str(BS) + "g-cause-0")
    rows = fast.query("SELECT ?c WHERE { ?x bso:causes ?c } ORDER BY ?c", x=cause)
    expected = sorted(str(c) for c in fast.nx.successors(cause))
    assert sorted({row["c"] for row in rows}) == expected


def test_traversal_on_the_fast_view_matches_the_memory_path(kg: KnowledgeGraph) -> None:
    fast = load_fast().knowledge_graph()

    def answers(graph: KnowledgeGraph) -> list[tuple[Any, ...]]:
        return [(r.iri, r.score, r.support, len(r.paths)) for r in treatments_for(graph, "dehydration")]

    assert answers(fast) == answers(kg)
    assert "staying hydrated" in [r.label for r in treatments_for(fast, "dehydration")]


def test_bundled_lookups_and_bound_query() -> None:
    fast = load_fast()
    assert fast.label(fast.index.resolve("Tylenol")) == "acetaminophen"
    rows = fast.query("SELECT ?t WHERE { ?t bso:targets ?c }", c=URIRef(str(BS) + "dehydration"))
    assert str(BS) + "staying_hydrated" in {row["t"] for row in rows}
    # a literal value is bound, not formatted in: a quote cannot escape it
    assert fast.query("SELECT ?s WHERE { ?s rdfs:label ?l }", l='x" } UNION { ?s ?p ?o } #') == []


def test_bad_turtle_names_file_and_line() -> None:
    with pytest.raises(ParseError) as caught:
        load_fast(DATA / "broken" / "bad_syntax.ttl")
    assert "bad_syntax.ttl" in str(caught.value)
    assert caught.value.exit_code == 2


def test_bad_sparql_and_missing_store(tmp_path: Path) -> None:
    fast = load_fast(MINI)
    with pytest.raises(QueryError):
        fast.query("SELECT ?s WHERE { ?s ")
    with pytest.raises(GraphError, match="no Oxigraph store"):
        load_fast(store=tmp_path / "nothing")
