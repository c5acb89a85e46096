"""How big the page's labels are drawn, and which of them are legible at first sight.

vis-network draws labels in Arial; their boxes are measured here from Arial's advance widths, so
the layout can keep them apart. A label is shown at first sight (:data:`LABEL_PX`) only if its box
meets no other shown label and no node; the rest get :data:`MINOR_PX`, below the page's draw
threshold until the reader zooms in.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

__all__ = ["GAP", "LABEL_PX", "MINOR_PX", "label_height", "label_width", "legible"]

N = TypeVar("N", bound=Hashable)

#: Font size of the labels shown at first sight (pixels at zoom 1).
LABEL_PX = 14
#: Font size of the other labels: below the page's draw threshold until the reader zooms in.
MINOR_PX = 8
#: Pixels kept free around a shown label.
GAP = 3.0

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


def legible(
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
            x - half - GAP,
            top - GAP,
            x + half + GAP,
            top + label_height(labels[node], LABEL_PX) + GAP,
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
