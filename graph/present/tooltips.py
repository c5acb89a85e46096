"""The text of the graph page's tooltips: what a node or a relation is, and the lines that state it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from rdflib import URIRef

from graph.core.model import KnowledgeGraph
from graph.present.quotes import Quotes

__all__ = ["edge_title", "humane", "node_title"]

#: How many stating lines a relation's tooltip quotes at most.
_QUOTED = 6


def humane(predicate: str) -> str:
    """Return a property name as words: ``notRecommendedFor`` → ``not recommended for``."""
    words = "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in predicate)
    return words.strip()


def _cites(evidence: Iterable[Sequence[Any]], limit: int = 12) -> str:
    """``000: lines 2, 4 · 001: line 3`` for (source, line) pairs, at most ``limit`` sources."""
    lines: dict[str, set[int]] = defaultdict(set)
    for source, line, *_ in evidence:
        lines[str(source)].add(int(line))
    parts = []
    for source in sorted(lines)[:limit]:
        numbers = sorted(lines[source])
        parts.append(f"{source}: line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}")
    return " · ".join(parts) if parts else "none recorded"


def _evidence_pairs(items: Iterable[Any]) -> list[tuple[str, int]]:
    pairs = []
    for item in items:
        if isinstance(item, dict):
            pairs.append((str(item["source"]), int(item["line"])))
        elif hasattr(item, "source"):
            pairs.append((str(item.source), int(item.line)))
        else:
            pairs.append((str(item[0]), int(item[1])))
    return pairs


def node_title(kg: KnowledgeGraph, node: URIRef, data: dict[str, Any], degree: int) -> str:
    """Return a node's tooltip: label, classes, other names, connections, urgency, guidance, evidence."""
    full = kg.nx
    rows = [str(data.get("label") or kg.label(node))]
    rows.append(f"class: {', '.join(data.get('types', ())) or 'none'}")
    if data.get("synonyms"):
        rows.append(f"also called: {', '.join(data['synonyms'])}")
    rows.append(f"connections: {degree}")
    cited: list[tuple[str, int]] = []
    for item in data.get("urgency", ()):
        pairs = _evidence_pairs(item.get("evidence", ()))
        cited += pairs
        level = humane(str(item.get("level", ""))).lower()
        rows.append(f"urgency: {item.get('label') or level} ({_cites(pairs)})")
    for name, values in sorted(dict(data.get("guidance", {})).items()):
        for value in values:
            pairs = _evidence_pairs(value.get("evidence", ()))
            cited += pairs
            rows.append(f"{humane(name)}: {value.get('value')} ({_cites(pairs)})")
    for _, _, edge in full.in_edges(node, data=True):
        cited += _evidence_pairs(edge.get("evidence", ()))
    for _, _, edge in full.out_edges(node, data=True):
        cited += _evidence_pairs(edge.get("evidence", ()))
    rows.append(f"evidence (source: line): {_cites(cited)}")
    return "\n".join(rows)


def edge_title(
    kg: KnowledgeGraph, subject: URIRef, obj: URIRef, data: dict[str, Any], quotes: Quotes | None = None
) -> str:
    """Return a relation's tooltip: the claim, its property, how many sources state it, and where.

    With ``quotes`` (the source texts), the text of each stating line follows, marked when it hedges.
    """
    predicate = str(data.get("predicate", ""))
    pairs = _evidence_pairs(data.get("evidence", ()))
    support = int(data.get("support", len({s for s, _ in pairs})))
    rows = [
        f"{kg.label(subject)} → {humane(predicate)} → {kg.label(obj)}",
        f"property: {predicate}",
        f"stated by {support} source{'s' if support != 1 else ''}",
        f"evidence (source: line): {_cites(pairs)}",
    ]
    if data.get("negative"):
        rows.append("a negative claim: the sources say this is NOT so")
    if data.get("contested"):
        rows.append("contested: the sources disagree (see `bskg conflicts`)")
    if quotes is not None:
        hedged = {tuple(pair) for pair in data.get("hedged", ())}
        for source, line in pairs[:_QUOTED]:
            mark = " (hedged)" if (source, line) in hedged else ""
            rows.append(f"{source}:{line}{mark}: {quotes.text(source, line) or '(line not found)'}")
    return "\n".join(rows)
