"""A focus page costs what it draws: it reads the focus's neighbourhood; a hub on it lists what it shows."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import networkx as nx
import pytest
from networkx.classes.reportviews import NodeView
from rdflib import URIRef

from graph.core.model import KnowledgeGraph
from graph.present.draw import render_html
from graph.present.selection import class_names, display_graph
from graph.present.tooltips import UNDRAWN, humane


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


def _details(page: str) -> dict[str, str]:
    found = re.search(r"^  var NODES = (.*);$", page, flags=re.MULTILINE)
    assert found
    return {node["text"]: node["details"] for node in json.loads(found.group(1))}


def _listed(details: str) -> list[str]:
    return [line for line in details.splitlines() if line.startswith(("  → ", "  ← "))]


def test_a_hub_on_a_focus_page_lists_what_the_page_shows_and_counts_the_rest(kg: KnowledgeGraph) -> None:
    hub = max(kg.nx, key=kg.nx.degree)
    name, total = kg.label(hub), kg.nx.degree(hub)
    assert total > 3 * UNDRAWN  # the bundled graph has a hub
    view = display_graph(kg, focus="Tylenol")
    assert hub in view
    details = _details(render_html(kg, focus="Tylenol"))[name]
    listed = _listed(details)
    links = [(o, f"→ {humane(k)} →") for _, o, k in kg.nx.out_edges(hub, keys=True)]
    links += [(s, f"← {humane(k)} ←") for s, _, k in kg.nx.in_edges(hub, keys=True)]
    on_page = [f"  {arrow} {kg.label(other)} (" for other, arrow in links if other in view]
    assert on_page and all(any(line.startswith(start) for line in listed) for start in on_page)
    assert len(listed) == len(on_page) + UNDRAWN
    assert f"connects to ({total} relations;" in details
    more = f"{total - len(listed)} more, with entities not on this page"
    assert f'  … and {more} (bskg show "{name}" lists them all)' in details
    # the whole page draws every relation: each is listed, and no node says some are left out
    whole = _details(render_html(kg))
    assert len(_listed(whole[name])) == total
    assert not any("not on this page" in text for text in whole.values())
