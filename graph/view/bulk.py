"""Building big containers fast: the cycle collector paused, networkx's own dicts filled directly.

The view of a big graph is some hundred thousand dicts, lists and tuples made at once. Two things
cost more than making them: the cycle collector scanning them again and again while they are
made (:func:`paused_gc`), and networkx copying every attribute dict it is given
(:func:`add_nodes`, :func:`add_edges`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["add_edges", "add_nodes", "paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector while a builder makes containers by the hundred thousand.

    None of them is garbage while it runs, and each pass of the collector over them (some million
    objects) costs more than the build itself. When it is done, what was built (which lives as long
    as the graph) joins the collector's oldest generation at once (``gc.freeze``, then
    ``gc.unfreeze``) instead of being scanned object by object as young, and the collector runs
    again: at 1.1M triples that saves half a second of the view's build and as much again of the
    Python work that follows it.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def add_nodes(graph: nx.MultiDiGraph[URIRef], nodes: Iterable[tuple[URIRef, dict[str, Any]]]) -> None:
    """Add new nodes with their attributes, as ``add_nodes_from`` would, into networkx's own dicts.

    ``add_nodes_from`` copies each node's attributes and, given ``(node, attributes)`` pairs, takes
    an exception per node; the view's nodes are new and theirs, so they are put in place as they
    are (``_node``, ``_succ``, ``_pred``: the dicts networkx documents for subclasses).
    """
    inner: Any = graph  # the stubs declare no _succ nor _pred
    attributes, succ, pred = inner._node, inner._succ, inner._pred
    for node, data in nodes:
        attributes[node], succ[node], pred[node] = data, {}, {}


def add_edges(
    graph: nx.MultiDiGraph[URIRef], edges: Iterable[tuple[URIRef, URIRef, str, dict[str, Any]]]
) -> None:
    """Add new keyed edges between existing nodes, as ``add_edges_from`` would, into networkx's own dicts.

    ``add_edges_from`` copies each edge's attributes twice and reaches each through three views;
    the view's edges are new (one per relation between two nodes), so each attribute dict is put
    in place as it is: ``_succ[u][v]`` and ``_pred[v][u]`` share one dict of keys, as networkx's.
    """
    inner: Any = graph
    succ, pred = inner._succ, inner._pred
    for subject, obj, key, data in edges:
        keys = succ[subject].get(obj)
        if keys is None:
            succ[subject][obj] = pred[obj][subject] = {key: data}
        else:
            keys[key] = data
