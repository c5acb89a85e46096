"""Where the graph page puts its nodes, and which labels it shows at first sight.

The page is drawn for a reference canvas (:data:`CANVAS`, the drawing area of a 1400 x 850 window
at zoom 1). A graph with a hub (an entity linked to a large share of the others, like
``back spasm``) is drawn radially (:mod:`graph.present.radial`): the hub in the middle, its
neighbours in one sector per class, farther nodes outside, the red flags in columns at the left
edge. Any other graph is drawn with a seeded ForceAtlas2 from networkx. The positions are then
stretched onto the canvas and overlapping boxes pushed apart (:mod:`graph.present.canvas`), and
labels are chosen greedily, the most connected entity first (:mod:`graph.present.labels`): a label
is shown at first sight only if its box overlaps no other shown label and no node. The page's
support slider gets one layout per distinct set of nodes and links (:func:`by_support`).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from graph.present.canvas import CANVAS, fit, margin_y, separate
from graph.present.labels import GAP, LABEL_PX, MINOR_PX, label_height, label_width, legible
from graph.present.radial import radial

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "CANVAS",
    "LABEL_PX",
    "MINOR_PX",
    "Placement",
    "by_support",
    "label_height",
    "label_width",
    "place",
]

N = TypeVar("N", bound=Hashable)

#: The share of the other nodes a node must link to directly to be drawn as the hub.
HUB_SHARE = 0.4
_SEED = 7


@dataclass(frozen=True)
class Placement(Generic[N]):
    """Positions in pixels, and the nodes whose label is legible without zooming."""

    positions: dict[N, tuple[int, int]]
    labelled: frozenset[N]


def place(
    graph: nx.Graph[N],
    *,
    labels: Mapping[N, str],
    sizes: Mapping[N, float],
    groups: Mapping[N, str],
    sectors: Sequence[str],
    first: Collection[str] = (),
) -> Placement[N]:
    """Lay ``graph`` out for the reference canvas and choose the labels shown at first sight.

    Parameters
    ----------
    graph
        The nodes to place and the links between them (direction and multiplicity ignored).
    labels, sizes
        Each node's label and its radius in pixels.
    groups, sectors
        Each node's class, and the order of the classes around the hub (others follow, by name).
    first
        Classes whose labels are shown before any other's (the red flags: a reader must see them),
        and whose sectors get twice the room (their labels are long).

    Returns
    -------
    Placement
        Integer positions centred on (0, 0), and the nodes whose label is shown at first sight.
    """
    nodes = sorted(graph.nodes, key=str)
    if not nodes:
        return Placement({}, frozenset())
    hub = max(nodes, key=lambda n: (graph.degree(n), -nodes.index(n)))
    block: frozenset[N] = frozenset()
    if len(nodes) > 2 and graph.degree(hub) >= max(3.0, HUB_SHARE * (len(nodes) - 1)):
        half_y = CANVAS[1] / 2 - margin_y(sizes)
        tall = {
            n: (sizes[n] / half_y, (sizes[n] + 2 + label_height(labels[n], LABEL_PX) + 2 * GAP) / half_y)
            for n in nodes
        }
        unit = radial(graph, hub, nodes, groups, sectors, set(first), tall)
        block = frozenset(n for n in graph[hub] if groups[n] in first)
    else:
        unit = _force(graph, nodes)
    order = sorted(
        nodes,
        key=lambda n: (n != hub, groups[n] not in first, -graph.degree(n), labels[n].casefold(), str(n)),
    )
    positions = separate(fit(unit, labels, sizes), order, labels, sizes, fixed=hub, pinned=block)
    return Placement(positions, frozenset(legible(order, positions, labels, sizes)))


def by_support(
    view: nx.MultiDiGraph[N],
    ids: Mapping[N, str],
    labels: Mapping[N, str],
    sizes: Mapping[N, float],
    groups: Mapping[N, str],
    sectors: Sequence[str],
    first: Collection[str] = (),
) -> tuple[list[dict[str, tuple[int, int, int]]], list[int]]:
    """Lay the page out once for each minimum support the slider offers (1 to the largest support).

    Returns the distinct layouts (node id: x, y, 1 when its label is legible at first sight) and,
    for each support level from 1, the index of its layout. A level keeps the nodes the page's
    filter keeps: every node at level 1, past it only the nodes of a relation stated that often.
    """
    import networkx as nx

    top = max((int(d.get("support", 1)) for _, _, d in view.edges(data=True)), default=1)
    layouts: list[dict[str, tuple[int, int, int]]] = []
    levels: list[int] = []
    seen: dict[tuple[frozenset[N], frozenset[tuple[N, N]]], int] = {}
    for level in range(1, top + 1):
        links = {(u, v) for u, v, d in view.edges(data=True) if int(d.get("support", 1)) >= level}
        kept = set(view.nodes) if level == 1 else {n for link in links for n in link}
        key = (frozenset(kept), frozenset(links))
        if key not in seen:
            simple: nx.Graph[N] = nx.Graph()
            simple.add_nodes_from(sorted(kept, key=str))
            simple.add_edges_from(sorted(links, key=str))
            placed = place(simple, labels=labels, sizes=sizes, groups=groups, sectors=sectors, first=first)
            seen[key] = len(layouts)
            layouts.append(
                {ids[n]: (x, y, int(n in placed.labelled)) for n, (x, y) in sorted(placed.positions.items())}
            )
        levels.append(seen[key])
    return layouts, levels


def _force(graph: nx.Graph[N], nodes: list[N]) -> dict[N, tuple[float, float]]:
    """Seeded ForceAtlas2 positions on the unit disc (numpy only; O(n²) per round)."""
    import networkx as nx

    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    simple: nx.Graph[N] = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(sorted(((u, v) for u, v in graph.edges() if u != v), key=str))
    rounds = 300 if len(nodes) <= 500 else 100
    raw = nx.forceatlas2_layout(simple, seed=_SEED, max_iter=rounds, scaling_ratio=4.0)
    scaled = nx.rescale_layout_dict(raw)
    return {n: (float(scaled[n][0]), float(scaled[n][1])) for n in nodes}
