"""Which part of the graph a page draws: a class filter, a support filter, one entity's neighbourhood.

With a focus entity the part is found by walking out from it, so a focus page costs what it
draws: the nodes within ``depth`` hops are reached through the relations of the nodes nearer
than ``depth``, and the relations between them are looked up pairwise, never by a pass over the
whole graph. Without a focus the whole graph is filtered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from graph.core.errors import GraphError
from graph.core.model import KnowledgeGraph
from graph.core.vocab import CLASS_NAMES

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["class_names", "display_graph"]


def display_graph(
    kg: KnowledgeGraph,
    *,
    focus: str | URIRef | None = None,
    depth: int = 1,
    types: Iterable[str] | None = None,
    min_support: int = 1,
) -> nx.MultiDiGraph[URIRef]:
    """Return the part of ``kg.nx`` a page draws (a new graph; ``kg.nx`` is left alone).

    Edges stated by fewer than ``min_support`` sources go first (and, when ``min_support`` > 1,
    the nodes they leave unconnected); then nodes of none of ``types``; then, with ``focus``,
    everything more than ``depth`` hops from the focus entity, in either direction.

    Raises
    ------
    graph.core.errors.GraphError
        On a negative depth, a support below 1 or an unknown class name.
    graph.core.errors.UnknownEntity
        When ``focus`` names no entity.

    Examples
    --------
    >>> view = display_graph(kg, focus="Tylenol", depth=1)
    >>> kg.index.resolve("acetaminophen") in view
    True
    """
    if depth < 0:
        raise GraphError(f"--depth must be 0 or more, not {depth}")
    if min_support < 1:
        raise GraphError(f"--min-support must be 1 or more, not {min_support}")
    wanted = class_names(types)
    centre = None if focus is None else kg.index.resolve(focus)
    source = kg.nx
    if centre is not None and centre not in source:
        raise GraphError(f"{kg.label(centre)!r} is not a node of the graph")

    def kept(node: URIRef) -> bool:
        return wanted is None or node == centre or bool(set(source.nodes[node].get("types", ())) & wanted)

    if centre is None:
        return _filtered(source, kept, min_support)
    return _around(source, centre, depth, kept, min_support)


def class_names(types: Iterable[str] | None) -> set[str] | None:
    """Return the classes named in ``types`` (any case, comma-separated or not); None for all of them.

    Raises :class:`~graph.core.errors.GraphError` on a name that is no class.
    """
    if types is None:
        return None
    known = {name.lower(): name for name in CLASS_NAMES}
    chosen: set[str] = set()
    for item in types:
        for name in filter(None, (part.strip() for part in str(item).split(","))):
            if name.lower() not in known:
                raise GraphError(f"unknown class {name!r}; choose from: {', '.join(CLASS_NAMES)}")
            chosen.add(known[name.lower()])
    return chosen or None


def _supported(data: Mapping[str, Any], min_support: int) -> bool:
    return int(data.get("support", 0)) >= min_support


def _filtered(
    source: nx.MultiDiGraph[URIRef], kept: Callable[[URIRef], bool], min_support: int
) -> nx.MultiDiGraph[URIRef]:
    """Return the whole graph less the nodes not ``kept`` and the relations stated too rarely."""
    import networkx as nx  # imported when a page is drawn: `import graph` stays light

    view: nx.MultiDiGraph[URIRef] = nx.MultiDiGraph()
    for node in source.nodes:
        if kept(node):
            view.add_node(node, **source.nodes[node])
    for subject, obj, key, data in source.edges(keys=True, data=True):
        if subject in view and obj in view and _supported(data, min_support):
            view.add_edge(subject, obj, key=key, **data)
    if min_support > 1:
        view.remove_nodes_from([n for n in list(view) if view.degree(n) == 0])
    return view


def _around(
    source: nx.MultiDiGraph[URIRef],
    centre: URIRef,
    depth: int,
    kept: Callable[[URIRef], bool],
    min_support: int,
) -> nx.MultiDiGraph[URIRef]:
    """Return the ``kept`` nodes within ``depth`` hops of ``centre``, linked often enough, and their links.

    Only the relations of the nodes nearer than ``depth`` are read to find them; the relations
    among them are then read from the smaller side of each node (its own relations, or the nodes
    found), so a hub at the rim costs what it links to on the page, not its whole degree.
    """
    import networkx as nx

    near = {centre}
    frontier = [centre]
    for _ in range(depth):
        reached: list[URIRef] = []
        for node in frontier:
            for ends in (source.succ[node], source.pred[node]):
                for other, links in ends.items():
                    if other in near or not kept(other):
                        continue
                    if any(_supported(data, min_support) for data in links.values()):
                        near.add(other)
                        reached.append(other)
        frontier = reached
    order = sorted(near, key=str)
    view: nx.MultiDiGraph[URIRef] = nx.MultiDiGraph()
    view.add_nodes_from((node, dict(source.nodes[node])) for node in order)
    for subject in order:
        ends = source.succ[subject]
        others = (o for o in ends if o in near) if len(ends) <= len(near) else (o for o in order if o in ends)
        for obj in others:
            for key, data in ends[obj].items():
                if _supported(data, min_support):
                    view.add_edge(subject, obj, key=key, **data)
    return view
