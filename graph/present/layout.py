"""Where the graph page puts its nodes, and which labels it shows at first sight.

The page is drawn for a reference canvas (:data:`CANVAS`, the drawing area of a 1400 x 850 window
at zoom 1). A graph with a hub (an entity linked to a large share of the others, like
``back spasm``) is drawn radially: the hub in the middle, its neighbours on staggered elliptical
rows, one sector per class, and each farther node outside, at the mean angle of the neighbours
already placed. The classes that must be read first (the red flags) stand in columns at the left
edge instead, each column stacked by its labels' heights and kept clear of every other node. Any
other graph is drawn with a seeded ForceAtlas2 from networkx. Then labels are chosen greedily,
the most connected entity first: a label is shown at first sight (a readable font) only if its
box overlaps no other shown label and no node; the rest get a small font that vis-network draws
only once the reader zooms in. Positions are rounded to whole pixels, so the same graph gives the
same numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

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

#: Width and height, in pixels, of the drawing area the layout is made for (zoom 1).
CANVAS = (1080.0, 770.0)
#: Font size of the labels shown at first sight (pixels at zoom 1).
LABEL_PX = 14
#: Font size of the other labels: below the page's draw threshold until the reader zooms in.
MINOR_PX = 8
#: The share of the other nodes a node must link to directly to be drawn as the hub.
HUB_SHARE = 0.4
_SEED = 7
_GAP = 3.0  # pixels kept free around a shown label
_GOLDEN = (math.sqrt(5) - 1) / 2
_INNER = 0.38  # the hub's neighbours start this far out (share of the half canvas): no knot at the hub
_ROOM = 0.45  # at most this share of the canvas goes to the boxes of labels to be shown
_BLOCK_H = 1.9  # the height of the block of columns (share of the half canvas)

# Advance widths of Arial/Helvetica (per 1000 em): the font vis-network draws labels in.
_WIDTHS = dict(
    zip(
        " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-(),./'&",
        [278, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333]
        + [500, 278, 556, 500, 722, 500, 500, 500, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500]
        + [667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611]
        + [556] * 10
        + [333, 333, 333, 278, 278, 278, 191, 667],
        strict=True,
    )
)


@dataclass(frozen=True)
class Placement(Generic[N]):
    """Positions in pixels, and the nodes whose label is legible without zooming."""

    positions: dict[N, tuple[int, int]]
    labelled: frozenset[N]


def label_width(text: str, size: float) -> float:
    r"""Return the width in pixels of ``text`` drawn in Arial at ``size`` pixels (a slight overestimate).

    A label of several lines is as wide as its widest line.

    >>> round(label_width("back spasm", 14)), round(label_width("back\nspasm", 14))
    (78, 43)
    """
    return max(1.04 * size * sum(_WIDTHS.get(ch, 640) for ch in line) / 1000 for line in text.split("\n"))


def label_height(text: str, size: float) -> float:
    """Return the height in pixels of a label of one or more lines drawn at ``size`` pixels."""
    return 1.25 * size * (text.count("\n") + 1)


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
        half_y = CANVAS[1] / 2 - _margin_y(sizes)
        tall = {
            n: (sizes[n] / half_y, (sizes[n] + 2 + label_height(labels[n], LABEL_PX) + 2 * _GAP) / half_y)
            for n in nodes
        }
        unit = _radial(graph, hub, nodes, groups, sectors, set(first), tall)
        block = frozenset(n for n in graph[hub] if groups[n] in first)
    else:
        unit = _force(graph, nodes)
    order = sorted(
        nodes,
        key=lambda n: (n != hub, groups[n] not in first, -graph.degree(n), labels[n].casefold(), str(n)),
    )
    positions = _separate(_fit(unit, labels, sizes), order, labels, sizes, fixed=hub, pinned=block)
    return Placement(positions, frozenset(_legible(order, positions, labels, sizes)))


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


def _radial(
    graph: nx.Graph[N],
    hub: N,
    nodes: list[N],
    groups: Mapping[N, str],
    sectors: Sequence[str],
    wide: Collection[str] = (),
    tall: Mapping[N, tuple[float, float]] | None = None,
) -> dict[N, tuple[float, float]]:
    """Positions on the unit disc: the hub at 0, each hop farther out, classes in sectors.

    ``tall`` is how far each node's box (mark and label) reaches above and below it, in units of
    the half canvas.
    """
    import networkx as nx

    hops = nx.single_source_shortest_path_length(graph, hub)
    far = max(hops.values()) + 1
    rings: dict[int, list[N]] = defaultdict(list)
    for node in nodes:
        rings[hops.get(node, far)].append(node)
    rank = {name: i for i, name in enumerate(sectors)}
    first = sorted(rings[1], key=lambda n: (rank.get(groups[n], len(rank)), groups[n], str(n)))
    outer_rings = sorted(h for h in rings if h > 1)
    top = 0.82 if outer_rings else 1.0
    angle: dict[N, float] = {hub: 0.0}
    radius: dict[N, float] = {hub: 0.0}
    # Sectors: one per class, as wide as the class is large, with a gap of one node between them.
    # Within its sector, a node's distance from the hub follows a low-discrepancy sequence whose
    # square root spreads the nodes evenly over the sector's area, not along one circle. The
    # classes in ``wide`` (long labels that must be read) get a block of columns at the left edge
    # instead, and the sectors share the rest of the circle.
    block = [n for n in first if groups[n] in wide]
    first = [n for n in first if groups[n] not in wide]
    columns = _columns(block, tall or {})
    width = len({round(x, 6) for x, _ in columns.values()})
    span = 2 * math.pi - 0.3 * math.pi * width  # each column of the block: 54°
    start = -math.pi / 2 if not block else -span / 2
    classes = [groups[n] for n in first]
    slots = len(first) + len(set(classes))
    slot, within = 0, 0
    for i, node in enumerate(first):
        if i and classes[i] != classes[i - 1]:
            slot, within = slot + 1, 0
        angle[node] = start + span * (slot + 0.5) / slots
        radius[node] = _INNER + (top - _INNER) * math.sqrt((0.5 + within * _GOLDEN) % 1.0)
        slot, within = slot + 1, within + 1
    for node, (x, y) in columns.items():
        angle[node], radius[node] = math.atan2(y, x), math.hypot(x, y)
    for number, hop in enumerate(outer_rings):
        ring = rings[hop]
        wanted = {n: _mean_angle([angle[m] for m in graph[n] if m in angle]) for n in ring}
        ring.sort(key=lambda n: (wanted[n] if wanted[n] is not None else 9.0, str(n)))
        # The block's columns reach the rim: the farther nodes share the sectors' arc.
        arc = span if block else 2 * math.pi
        spread = _spread(
            [wanted[n] for n in ring], min(0.16, arc / len(ring)), arc / 2 if block else math.inf
        )
        band = 0.84 + 0.16 * number / max(len(outer_rings) - 1, 1) if len(outer_rings) > 1 else 0.88
        for i, node in enumerate(ring):
            angle[node], radius[node] = spread[i], band + (0.1 if i % 2 else 0.0)
    return {n: (radius[n] * math.cos(angle[n]), radius[n] * math.sin(angle[n])) for n in nodes}


def _columns(block: Sequence[N], tall: Mapping[N, tuple[float, float]]) -> dict[N, tuple[float, float]]:
    """Unit-disc positions of nodes in staggered columns at the left edge, at most 8 to a column.

    Each column stacks its nodes' boxes (``tall``: how far mark and label reach above and below
    the node, in units of the half canvas) from top to bottom with equal free space between
    them, so a label of three lines gets the room it needs; another column is opened while a
    column's boxes would not fit in :data:`_BLOCK_H`.
    """
    if not block:
        return {}
    height = {n: sum(tall.get(n, (0.0, 0.0))) for n in block}
    columns = math.ceil(len(block) / 8)
    while True:
        rows = math.ceil(len(block) / columns)
        stacks = [block[i : i + rows] for i in range(0, len(block), rows)]
        if columns >= len(block) or all(sum(height[n] for n in s) <= _BLOCK_H for s in stacks):
            break
        columns += 1
    found = {}
    for column, stack in enumerate(stacks):
        free = max(_BLOCK_H - sum(height[n] for n in stack), 0.0) / (len(stack) + 0.5)
        top = -_BLOCK_H / 2 + free * (1.0 if column % 2 else 0.5)  # odd columns: half a gap lower
        for node in stack:
            found[node] = (-1.0 + 0.36 * column, top + tall.get(node, (0.0, 0.0))[0])
            top += height[node] + free
    return found


def _mean_angle(angles: list[float]) -> float | None:
    if not angles:
        return None
    return math.atan2(sum(map(math.sin, angles)), sum(map(math.cos, angles)))


def _spread(wanted: list[float | None], step: float, bound: float = math.inf) -> list[float]:
    """Angles in the given order, each at least ``step`` after the one before (unknown: after it).

    With a ``bound``, every angle stays within -bound to bound (the ones at the end move back).
    """
    out: list[float] = []
    for value in wanted:
        previous = out[-1] if out else -bound - step
        target = value if value is not None else (previous + step if out else -math.pi / 2)
        out.append(max(target, previous + step))
    for i in reversed(range(len(out))):
        out[i] = min(out[i], bound if i == len(out) - 1 else out[i + 1] - step)
    return out


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


def _fit(
    unit: Mapping[N, tuple[float, float]], labels: Mapping[N, str], sizes: Mapping[N, float]
) -> dict[N, tuple[int, int]]:
    """Stretch unit-disc positions onto the reference canvas, leaving room for labels at the rim."""
    width, height = CANVAS
    margin_x = min(90.0, max((label_width(labels[n], LABEL_PX) / 2 for n in unit), default=0.0))
    half_x, half_y = width / 2 - margin_x, height / 2 - _margin_y(sizes)
    return {n: (round(x * half_x), round(y * half_y)) for n, (x, y) in unit.items()}


def _margin_y(sizes: Mapping[N, float]) -> float:
    """Pixels kept free at the top and bottom of the canvas for the largest mark and a label."""
    return 2 * LABEL_PX + max(sizes.values(), default=0.0)


def _separate(
    positions: Mapping[N, tuple[int, int]],
    order: list[N],
    labels: Mapping[N, str],
    sizes: Mapping[N, float],
    *,
    fixed: N,
    pinned: Collection[N] = (),
) -> dict[N, tuple[int, int]]:
    """Push apart overlapping boxes (node, with its label for the first nodes of ``order``).

    The nodes that come first in ``order`` get a box for their label too, while the boxes fill
    at most :data:`_ROOM` of the canvas; the others only a box for their mark. Each round moves
    every overlapping pair apart along the axis where they overlap least, half each. ``fixed``
    (the hub) and ``pinned`` (the red flags' columns) stay, and a node that lies on one of them
    moves straight away from each it lies on. Positions stay inside the canvas.
    """
    import numpy as np

    nodes = list(positions)
    width, height = CANVAS
    xy = np.array([positions[n] for n in nodes], dtype=float)
    half = np.empty_like(xy)
    drop = np.empty(len(nodes))  # how far the box's middle lies below the node
    room, rank = _ROOM * width * height, {n: i for i, n in enumerate(order)}
    for n in sorted(nodes, key=rank.__getitem__):
        i, size = nodes.index(n), sizes[n]
        text_w, text_h = (
            label_width(labels[n], LABEL_PX) + 2 * _GAP,
            label_height(labels[n], LABEL_PX) + 2 + _GAP,
        )
        if room > 0:
            room -= max(text_w, 2 * size) * (2 * size + text_h)
            half[i], drop[i] = (max(text_w / 2, size + _GAP), size + text_h / 2), text_h / 2
        else:
            half[i], drop[i] = (size + _GAP, size + _GAP), 0.0
    still = np.array([n == fixed or n in pinned for n in nodes])
    shift = np.stack([np.zeros(len(nodes)), drop], axis=1)
    high = np.array([width / 2, height / 2]) - half - shift
    low = -np.array([width / 2, height / 2]) + half - shift

    def overlaps() -> tuple[Any, Any, Any]:
        centre = xy + shift
        gap = centre[:, None, :] - centre[None, :, :]
        overlap = half[:, None, :] + half[None, :, :] - np.abs(gap)
        hit = (overlap[..., 0] > 0) & (overlap[..., 1] > 0)
        np.fill_diagonal(hit, False)
        return gap, overlap, hit

    def off_still(push: Any, gap: Any, overlap: Any, hit: Any) -> None:
        # A node on a still one moves off it, whatever else it meets: the hub's neighbours stay
        # around it, never on it, and the red flags' columns keep their labels clear.
        for other in np.flatnonzero(hit[:, still].any(axis=1) & ~still):
            push[other] = 0.0
            for pin in np.flatnonzero(hit[other] & still):
                away = gap[other, pin] / max(float(np.hypot(*gap[other, pin])), 1.0)
                push[other] += away * (float(overlap[other, pin].min()) + 1.0)
        push[still] = 0.0

    for _ in range(300):
        gap, overlap, hit = overlaps()
        if not hit.any():
            break
        axis = (overlap[..., 1] < overlap[..., 0]).astype(int)
        amount = np.where(hit, np.take_along_axis(overlap, axis[..., None], 2)[..., 0] / 2 + 0.5, 0.0)
        side = np.where(np.take_along_axis(gap, axis[..., None], 2)[..., 0] >= 0, 1.0, -1.0)
        push = np.zeros_like(xy)
        for a in (0, 1):
            push[:, a] = np.sum(np.where(axis == a, amount * side, 0.0), axis=1)
        push /= np.maximum(hit.sum(axis=1), 1)[:, None]
        off_still(push, gap, overlap, hit)
        xy = np.clip(xy + push, low, high)
    # The rounds above need not settle on a dense page: last, only what still lies on the hub (its
    # label included) or on a red flag's column moves off it, so those labels stay readable.
    for _ in range(60):
        gap, overlap, hit = overlaps()
        if not (hit[:, still].any(axis=1) & ~still).any():
            break
        push = np.zeros_like(xy)
        off_still(push, gap, overlap, hit)
        xy = np.clip(xy + push, low, high)
    return {n: (round(float(x)), round(float(y))) for n, (x, y) in zip(nodes, xy, strict=True)}


def _legible(
    order: list[N],
    positions: Mapping[N, tuple[int, int]],
    labels: Mapping[N, str],
    sizes: Mapping[N, float],
) -> list[N]:
    """Greedily keep the labels (in ``order``) whose box meets no kept label and no node."""
    marks = {n: _box(x, y, sizes[n], sizes[n], sizes[n]) for n, (x, y) in positions.items()}
    kept: list[N] = []
    boxes: list[tuple[float, float, float, float]] = []
    for node in order:
        x, y = positions[node]
        half = label_width(labels[node], LABEL_PX) / 2
        top = y + sizes[node] + 2
        box = (
            x - half - _GAP,
            top - _GAP,
            x + half + _GAP,
            top + label_height(labels[node], LABEL_PX) + _GAP,
        )
        clear = all(not _meets(box, b) for b in boxes)
        if clear and all(not _meets(box, marks[m]) for m in marks if m != node):
            kept.append(node)
            boxes.append(box)
    return kept


def _box(x: float, y: float, left: float, up: float, down: float) -> tuple[float, float, float, float]:
    return (x - left, y - up, x + left, y + down)


def _meets(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
