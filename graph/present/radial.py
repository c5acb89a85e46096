"""The radial arrangement of a graph with a hub, on the unit disc.

The hub sits in the middle and its neighbours on staggered elliptical rows, one sector per class,
each sector as wide as its class is large; each farther node goes outside, at the mean angle of
the neighbours already placed. The classes that must be read first (the red flags) stand in
columns at the left edge instead, each column stacked by its labels' heights.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["radial"]

N = TypeVar("N", bound=Hashable)

_GOLDEN = (math.sqrt(5) - 1) / 2
_INNER = 0.38  # the hub's neighbours start this far out (share of the half canvas): no knot at the hub
_BLOCK_H = 1.9  # the height of the block of columns (share of the half canvas)


def radial(
    graph: nx.Graph[N],
    hub: N,
    nodes: list[N],
    groups: Mapping[N, str],
    sectors: Sequence[str],
    wide: Collection[str] = (),
    tall: Mapping[N, tuple[float, float]] | None = None,
) -> dict[N, tuple[float, float]]:
    """Return positions on the unit disc: the hub at 0, each hop farther out, classes in sectors.

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
