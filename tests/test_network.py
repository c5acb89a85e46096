"""The networkx view: only entities as nodes, only domain relations as edges, evidence as attributes."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, RDFS, URIRef

from graph import load
from graph.core.model import KnowledgeGraph
from graph.core.vocab import BS, BSO, EDGE_RELATIONS, NEGATIVE_RELATIONS, term
from graph.view.build import to_networkx

TRAVERSE = Path(__file__).parent / "data" / "traverse"


@pytest.fixture(scope="module")
def tg() -> KnowledgeGraph:
    return load(TRAVERSE)


def test_nodes_are_exactly_the_entities(mini: KnowledgeGraph) -> None:
    graph = to_networkx(mini)
    assert set(graph.nodes) == set(mini.index.types)
    evidence_nodes = set(mini.rdf.subjects(RDF.type, RDF.Statement))
    assert evidence_nodes and not evidence_nodes & set(graph.nodes)
    assert BS["source-000"] not in graph
    assert BSO.EmergencyRoom not in graph
    assert not any(isinstance(node, str) and not isinstance(node, URIRef) for node in graph)


def test_edges_are_the_domain_relations_subject_to_object(mini: KnowledgeGraph) -> None:
    graph = to_networkx(mini)
    expected = {
        (s, o, name)
        for name in EDGE_RELATIONS
        for s, o in mini.rdf.subject_objects(term(name))
        if s in mini.index.types and o in mini.index.types
    }
    assert set(graph.edges(keys=True)) == expected
    assert (BS.dehydration, BS.back_spasm, "causes") in expected
    assert not graph.has_edge(BS.back_spasm, BS.dehydration)
    assert list(graph.successors(BS.cyclobenzaprine)) == [BS.muscle_relaxant]
    assert BS.drinking_water in set(graph.predecessors(BS.dehydration))


def test_edge_attributes_hold_evidence_support_and_flags(mini: KnowledgeGraph) -> None:
    graph = to_networkx(mini)
    causes = graph.edges[BS.dehydration, BS.back_spasm, "causes"]
    assert causes == {
        "predicate": "causes",
        "evidence": [("000", 2), ("001", 2)],
        "hedged": [],
        "support": 2,
        "asserted": True,
        "negative": False,
        "contested": False,
    }
    against = graph.edges[BS.bed_rest, BS.back_spasm, "notRecommendedFor"]
    assert against["negative"] is True and against["contested"] is True
    assert graph.edges[BS.rest, BS.back_spasm, "treats"]["contested"] is True
    assert graph.edges[BS.ibuprofen, BS.back_spasm, "treats"]["contested"] is False
    for _, _, key, data in graph.edges(keys=True, data=True):
        assert data["predicate"] == key
        assert data["negative"] == (key in NEGATIVE_RELATIONS)
        assert data["evidence"] == sorted(data["evidence"])
        assert data["support"] == len({source for source, _ in data["evidence"]}) >= 1


def test_node_attributes_label_types_synonyms_guidance(mini: KnowledgeGraph) -> None:
    graph = to_networkx(mini)
    ibuprofen = graph.nodes[BS.ibuprofen]
    assert ibuprofen["label"] == "ibuprofen"
    assert ibuprofen["types"] == ("Medication",)
    assert set(ibuprofen["synonyms"]) == {"Advil", "ibuprofin"}
    assert graph.nodes[BS.drinking_water]["types"] == ("Treatment", "Prevention")
    assert graph.nodes[BS.muscle_relaxant]["guidance"] == {
        "maxDuration": [{"value": "three days", "evidence": [("000", 5)]}]
    }
    assert graph.nodes[BS.rest]["guidance"]["duration"][0]["value"] == "a few days"


def test_urgency_is_a_node_attribute_most_urgent_first(mini: KnowledgeGraph, tg: KnowledgeGraph) -> None:
    flag = to_networkx(mini).nodes[BS.loss_of_bladder_control]
    assert flag["urgency"] == [
        {
            "level": "EmergencyRoom",
            "rank": 2,
            "label": str(mini.rdf.value(BSO.EmergencyRoom, RDFS.label)),
            "evidence": [("000", 7)],
        }
    ]
    levels = [u["level"] for u in tg.nx.nodes[BS.numbness]["urgency"]]
    assert levels == ["CallEmergencyServices", "SeeDoctor"]
    assert "urgency" not in tg.nx.nodes[BS.back_spasm]
    assert not any(key == "urgency" for _, _, key in tg.nx.edges(keys=True))


def test_the_cached_view_is_the_same_graph(mini: KnowledgeGraph) -> None:
    assert mini.nx is mini.nx
    assert nx.utils.graphs_equal(mini.nx, to_networkx(mini))


def test_networkx_algorithms_run_on_the_view(kg: KnowledgeGraph) -> None:
    stress, spasm = kg.index.resolve("stress"), kg.index.resolve("back spasm")
    assert spasm in nx.descendants(kg.nx, stress)
    assert stress in nx.ancestors(kg.nx, spasm)
    # the raw rdflib bridge would have made labels and evidence nodes into nodes
    assert all(isinstance(node, URIRef) and node in kg.index.types for node in kg.nx)


def test_bundled_view_counts_match_the_rdf(kg: KnowledgeGraph) -> None:
    triples = sum(
        1
        for name in EDGE_RELATIONS
        for s, o in kg.rdf.subject_objects(term(name))
        if s in kg.index.types and o in kg.index.types
    )
    assert kg.nx.number_of_edges() == triples > 200
    assert all(data["evidence"] for _, _, data in kg.nx.edges(data=True))
    tylenol = kg.index.resolve("Tylenol")
    assert "Tylenol" in kg.nx.nodes[tylenol]["synonyms"]
