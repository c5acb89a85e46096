"""The reference canvas: unit-disc positions stretched onto it, and overlapping boxes pushed apart.

The page is drawn for :data:`CANVAS`, the drawing area of a 1400 x 850 window at zoom 1. Each node
gets a box for its mark, and the first nodes a box for their label too; overlapping boxes are
pushed apart with numpy while the hub and the red flags' columns stay. Positions are rounded to
whole pixels, so the same graph gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from typing import Any, TypeVar

from graph.present.labels import GAP, LABEL_PX, label_height, label_width

__all__ = ["CANVAS", "fit", "margin_y", "separate"]

N = TypeVar("N", bound=Hashable)

#: Width and height, in pixels, of the drawing area the layout is made for (zoom 1).
CANVAS = (1080.0, 770.0)
_ROOM = 0.45  # at most this share of the canvas goes to the boxes of labels to be shown


def fit(
    unit: Mapping[N, tuple[float, float]], labels: Mapping[N, str], sizes: Mapping[N, float]
) -> dict[N, tuple[int, int]]:
    """Stretch unit-disc positions onto the reference canvas, leaving room for labels at the rim."""
    width, height = CANVAS
    margin_x = min(90.0, max((label_width(labels[n], LABEL_PX) / 2 for n in unit), default=0.0))
    half_x, half_y = width / 2 - margin_x, height / 2 - margin_y(sizes)
    return {n: (round(x * half_x), round(y * half_y)) for n, (x, y) in unit.items()}


def margin_y(sizes: Mapping[N, float]) -> float:
    """Return the pixels kept free at the top and bottom of the canvas for the largest mark and a label."""
    return 2 * LABEL_PX + max(sizes.values(), default=0.0)


def separate(
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
            label_width(labels[n], LABEL_PX) + 2 * GAP,
            label_height(labels[n], LABEL_PX) + 2 + GAP,
        )
        if room > 0:
            room -= max(text_w, 2 * size) * (2 * size + text_h)
            half[i], drop[i] = (max(text_w / 2, size + GAP), size + text_h / 2), text_h / 2
        else:
            half[i], drop[i] = (size + GAP, size + GAP), 0.0
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
