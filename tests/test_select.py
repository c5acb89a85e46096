"""SELECT answers read as Oxigraph's TSV: every term a cell spells comes back as the term it was."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import load
from graph.store.select import lexical, node, rows, to_rdflib
from graph.view.build import build

_TURTLE = r"""
@prefix e: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
e:a e:p "plain", "tab\there", "line\nbreak", "carriage\rreturn", "quote \" and back \\ slash",
    "ünïcödé ✓ 🙂", "fr"@fr, "region"@en-GB, "42"^^xsd:integer, -7, 3.25, 1.5e3, true, false,
    "007"^^xsd:integer, "x"^^e:custom, "\u00e9 escaped", "", " leading and trailing ",
    e:b, <http://example.org/ü?q=1#frag>, _:blank .
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    found = ox.Store()
    found.load(_TURTLE, format=ox.RdfFormat.TURTLE)
    return found


def test_each_cell_reads_back_as_its_term(store: ox.Store) -> None:
    terms = [quad.object for quad in store]
    cells = [row[0] for row in rows(store, "SELECT ?o WHERE { ?s ?p ?o }")]
    assert len(cells) == len(terms) == 22
    by_value = {}
    for term in terms:
        by_value.setdefault(str(to_rdflib(term)), []).append(term)
    for cell in cells:
        read = node(cell)
        expected = [t for t in by_value[str(read)] if to_rdflib(t) == read]
        assert expected, f"{cell!r} read as {read!r}, which no stored term is"
        assert lexical(cell) == expected[0].value


def test_unbound_cells_are_empty(store: ox.Store) -> None:
    found = list(rows(store, "SELECT ?s ?x WHERE { ?s ?p <http://example.org/b> }"))
    assert found == [["<http://example.org/a>", ""]]


def test_evidence_and_view_read_in_either_order() -> None:
    first_view, first_evidence = load(), load()
    view = first_view.nx
    evidence = dict(iter(first_evidence.evidence))
    assert dict(iter(first_view.evidence)) == evidence
    other = first_evidence.nx
    assert list(view.nodes(data=True)) == list(other.nodes(data=True))
    assert list(view.edges(keys=True, data=True)) == list(other.edges(keys=True, data=True))
    assert first_view.summary() == first_evidence.summary()


def test_named_graphs_are_not_counted() -> None:
    kg = load()
    store = ox.Store()
    store.extend(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    extra = ox.Quad(
        ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"), ox.NamedNode("http://e/g")
    )
    store.add(extra)
    again = build(store, "copy")
    assert again.triples == kg.triples == len(store) - 1
    assert again.relations == kg.relations


def test_a_second_view_is_the_same() -> None:
    kg = load()
    assert kg.view is not None
    first, second = kg.nx, kg.view()
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))


def test_the_view_is_what_networkx_would_build() -> None:
    """The view fills networkx's dicts itself: the graph is the one add_nodes_from/add_edges_from make."""
    import networkx as nx

    from graph.view.bulk import add_edges, add_nodes

    kg = load()
    nodes = [(node, dict(data)) for node, data in kg.nx.nodes(data=True)]
    edges = [(u, v, key, dict(data)) for u, v, key, data in kg.nx.edges(keys=True, data=True)]
    ours = nx.MultiDiGraph()
    add_nodes(ours, iter(nodes))
    add_edges(ours, iter(edges))
    theirs = nx.MultiDiGraph()
    theirs.add_nodes_from(nodes)
    theirs.add_edges_from(edges)
    assert nx.utils.graphs_equal(ours, theirs)
    for entity in theirs:
        assert list(ours.succ[entity]) == list(theirs.succ[entity])
        assert list(ours.pred[entity]) == list(theirs.pred[entity])
        assert ours.pred[entity] == theirs.pred[entity]
    assert list(ours.edges(keys=True, data=True)) == list(theirs.edges(keys=True, data=True))
    ours.add_edge(*edges[0][:3], extra=1)  # still a networkx graph: its own methods work on it
    assert ours.edges[edges[0][:3]]["extra"] == 1 and ours.number_of_edges() == theirs.number_of_edges()
