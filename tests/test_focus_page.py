"""A focus page costs what it draws: it reads the focus's neighbourhood, never the whole graph."""

from __future__ import annotations

import dataclasses
from typing import Any

import networkx as nx
import pytest
from networkx.classes.reportviews import NodeView
from rdflib import URIRef

from graph.core.model import KnowledgeGraph
from graph.present.selection import class_names, display_graph


def reference(
    kg: KnowledgeGraph, focus: URIRef, depth: int, types: list[str] | None, min_support: int
) -> tuple[set[URIRef], set[tuple[URIRef, URIRef, str]]]:
    """The focus view by its definition: filter the whole graph, then keep what lies within ``depth``."""
    wanted = class_names(types)
    whole: nx.MultiDiGraph[URIRef] = nx.MultiDiGraph()
    whole.add_nodes_from(
        n for n, d in kg.nx.nodes(data=True) if wanted is None or n == focus or set(d["types"]) & wanted
    )
    whole.add_edges_from(
        (s, o, k)
        for s, o, k, d in kg.nx.edges(keys=True, data=True)
        if s in whole and o in whole and d["support"] >= min_support
    )
    if min_support > 1:
        whole.remove_nodes_from([n for n in list(whole) if whole.degree(n) == 0 and n != focus])
    near = nx.single_source_shortest_path_length(whole.to_undirected(), focus, cutoff=depth)
    return set(near), {(s, o, k) for s, o, k in whole.subgraph(near).edges(keys=True)}


@pytest.mark.parametrize(
    ("depth", "types", "min_support"),
    [(0, None, 1), (1, None, 1), (2, None, 1), (1, None, 2), (2, ["Medication", "Cause", "Condition"], 1)],
)
def test_the_focus_view_is_the_filtered_neighbourhood(
    kg: KnowledgeGraph, depth: int, types: list[str] | None, min_support: int
) -> None:
    for focus in sorted(kg.nx, key=str):
        view = display_graph(kg, focus=focus, depth=depth, types=types, min_support=min_support)
        nodes, edges = reference(kg, focus, depth, types, min_support)
        assert set(view) == nodes, kg.label(focus)
        assert set(view.edges(keys=True)) == edges, kg.label(focus)
        assert all(view.nodes[n] == kg.nx.nodes[n] for n in view)
        assert all(view.edges[e] == kg.nx.edges[e] for e in view.edges(keys=True))


class _Nodes(NodeView):  # type: ignore[type-arg]
    def __iter__(self) -> Any:
        raise AssertionError("a pass over every node")


class _Guarded(nx.MultiDiGraph):  # type: ignore[type-arg]
    """A view that fails on any pass over all its nodes or all its edges."""

    @property
    def nodes(self) -> Any:
        return _Nodes(self)

    @property
    def edges(self) -> Any:
        raise AssertionError("a pass over every edge")

    def __iter__(self) -> Any:
        raise AssertionError("a pass over every node")


def test_a_focus_view_reads_no_more_than_the_neighbourhood(kg: KnowledgeGraph) -> None:
    guarded = dataclasses.replace(kg)
    guarded.__dict__["nx"] = _Guarded(kg.nx)
    for focus, depth in (("Tylenol", 1), ("dehydration", 2), ("back spasm", 1)):
        view = display_graph(guarded, focus=focus, depth=depth, types=["Medication", "Condition"])
        assert set(view) == set(
            display_graph(kg, focus=focus, depth=depth, types=["Medication", "Condition"])
        )
    with pytest.raises(AssertionError, match="a pass over every"):
        display_graph(guarded)  # the whole page does read everything: the guard is live
