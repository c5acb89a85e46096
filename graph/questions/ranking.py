"""Whole-graph rankings and usage guidance: the most connected entities, the best-supported treatments.

Re-exported by :mod:`graph.questions.traverse`, next to the questions about one entity.
"""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from graph.core.model import KnowledgeGraph
from graph.questions.card import node_ref
from graph.questions.metapaths import TREATMENT_KINDS
from graph.questions.paths import Ranked, hop

__all__ = ["best_supported_treatments", "most_connected", "usage"]


def most_connected(kg: KnowledgeGraph, n: int = 10) -> list[Ranked]:
    """Rank the ``n`` entities with the most relations (degree in the networkx view), no paths.

    >>> most_connected(kg, 1)[0].label
    'back spasm'
    """
    graph = kg.nx
    results = []
    for node, degree in graph.degree():
        edges = [*graph.in_edges(node, data=True), *graph.out_edges(node, data=True)]
        support = len({s for _, _, d in edges for s, _ in d["evidence"]})
        results.append(Ranked(node, kg.label(node), kg.types(node), float(degree), support, ()))
    results.sort(key=lambda r: (-r.score, -r.support, r.label.lower()))
    return results[: max(n, 0)]


def best_supported_treatments(kg: KnowledgeGraph, n: int = 10) -> list[Ranked]:
    """Rank the ``n`` treatments backed by the most sources (score = support; paths: what each treats).

    >>> best_supported_treatments(kg, 1)[0].support
    5
    """
    graph = kg.nx
    results = []
    for node in graph:
        if not TREATMENT_KINDS.intersection(graph.nodes[node]["types"]):
            continue
        hops = [
            (hop(kg, node, v, k),)
            for _, v, k in sorted(graph.out_edges(node, keys=True), key=lambda e: (e[2], kg.label(e[1])))
            if k in ("treats", "prevents", "targets")
        ]
        support = len({s for (h,) in hops for s in h.sources})
        if hops:
            results.append(Ranked(node, kg.label(node), kg.types(node), float(support), support, tuple(hops)))
    results.sort(key=lambda r: (-r.support, -len(r.paths), r.label.lower()))
    return results[: max(n, 0)]


def usage(kg: KnowledgeGraph, treatment: URIRef) -> list[dict[str, Any]]:
    """Return how long, how often and with what cautions a treatment is used, its drug classes' too.

    Each item is ``{"entity": {"id", "label"}, "property", "value", "evidence": [{"source", "line"}]}``,
    the treatment's own guidance first, then that of each class it is a member of.

    >>> [(u["entity"]["label"], u["value"]) for u in usage(kg, kg.index.resolve("cyclobenzaprine"))][:1]
    [('muscle relaxant', '72 hours or less')]
    """
    graph = kg.nx
    owners = [treatment] + sorted(
        (v for _, v, k in graph.out_edges(treatment, keys=True) if k == "memberOf"), key=kg.label
    )
    items = []
    for owner in owners:
        for name, values in graph.nodes[owner]["guidance"].items():
            for value in values:
                items.append(
                    {
                        "entity": node_ref(kg, owner),
                        "property": name,
                        "value": value["value"],
                        "evidence": [{"source": s, "line": n} for s, n in value["evidence"]],
                    }
                )
    return items
