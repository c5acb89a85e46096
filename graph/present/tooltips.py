"""The text of the graph page's tooltips: what a node or a relation is, and the lines that state it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from rdflib import URIRef

from graph.core.model import KnowledgeGraph
from graph.core.vocab import ONTOLOGY
from graph.present.quotes import Quotes
from graph.questions.sources import disputes_of, legend

__all__ = ["UNDRAWN", "edge_details", "edge_title", "humane", "node_details", "node_title"]

#: How many stating lines a relation's tooltip quotes at most.
_QUOTED = 6
#: How many relations to nodes not on the page a node's details list at most (the rest are counted).
UNDRAWN = 20


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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _disputed(kg: KnowledgeGraph, subject: URIRef, predicate: str, obj: URIRef) -> str:
    found = disputes_of(kg, subject, predicate, obj)
    return f" [disputed: {', '.join(d.id for d in found)}]" if found else ""


def node_details(
    kg: KnowledgeGraph, node: URIRef, data: dict[str, Any], drawn: Collection[URIRef] | None = None
) -> str:
    """Return what the details panel shows for a node: what it is, its urgency, what it connects to.

    Urgency levels come first, most urgent first, each with the sources that give it; then one
    line per relation (``→ predicate → other end (N sources)``, ``←`` for one pointing at the node),
    marked when a disagreement disputes it; then the sources cited, by title and address.

    With ``drawn`` (the nodes on the page), every relation to a drawn node is listed but at most
    :data:`UNDRAWN` of the others, and a last line says how many more there are and where to read
    them: a hub at the edge of a focus page lists what the page shows, not the whole graph.
    """
    full = kg.nx
    rows = [str(data.get("label") or kg.label(node)), f"class: {', '.join(data.get('types', ())) or 'none'}"]
    if data.get("synonyms"):
        rows.append(f"also called: {', '.join(data['synonyms'])}")
    cited: set[str] = set()
    levels = list(data.get("urgency", ()))
    if levels:
        rows.append("urgency, most urgent first:")
    for item in levels:
        pairs = _evidence_pairs(item.get("evidence", ()))
        cited |= {source for source, _ in pairs}
        level = URIRef(f"{ONTOLOGY}{item.get('level')}")
        mark = _disputed(kg, node, "urgency", level)
        rows.append(f"  {item.get('label') or item.get('level')}: rated so by {_cites(pairs)}{mark}")
    for name, values in sorted(dict(data.get("guidance", {})).items()):
        for value in values:
            pairs = _evidence_pairs(value.get("evidence", ()))
            cited |= {source for source, _ in pairs}
            rows.append(f"{humane(name)}: {value.get('value')} ({_cites(pairs)})")
    links = [(True, o, key, edge) for _, o, key, edge in full.out_edges(node, keys=True, data=True)]
    links += [(False, s, key, edge) for s, _, key, edge in full.in_edges(node, keys=True, data=True)]
    total = len(links)
    links.sort(key=lambda link: (not link[0], link[2], kg.label(link[1]).casefold()))
    if drawn is not None:
        hidden = {i for i, link in enumerate(links) if link[1] not in drawn}
        hidden -= set(sorted(hidden)[:UNDRAWN])
        links = [link for i, link in enumerate(links) if i not in hidden]
    rows.append(f"connects to ({_plural(total, 'relation')}; support = sources stating it):")
    for outward, other, key, edge in links:
        support = int(edge.get("support", 0))
        cited |= {source for source, _ in _evidence_pairs(edge.get("evidence", ()))}
        arrow = f"→ {humane(key)} →" if outward else f"← {humane(key)} ←"
        subject, obj = (node, other) if outward else (other, node)
        mark = _disputed(kg, subject, key, obj)
        rows.append(f"  {arrow} {kg.label(other)} ({_plural(support, 'source')}){mark}")
    if len(links) < total:
        name = str(data.get("label") or kg.label(node))
        more = f"{total - len(links)} more, with entities not on this page"
        rows.append(f'  … and {more} (bskg show "{name}" lists them all)')
    if cited:
        rows.append("sources:")
        rows += [f"  {line}" for line in legend(kg, cited)]
    return "\n".join(rows)


def edge_details(
    kg: KnowledgeGraph, subject: URIRef, obj: URIRef, data: dict[str, Any], quotes: Quotes | None = None
) -> str:
    """Return what the details panel shows for a relation: its tooltip, its disputes and its sources."""
    rows = [edge_title(kg, subject, obj, data, quotes)]
    for dispute in disputes_of(kg, subject, str(data.get("predicate", "")), obj):
        rows.append(f"disputed: {dispute.id} = {dispute.label} (see bskg conflicts)")
    cited = {source for source, _ in _evidence_pairs(data.get("evidence", ()))}
    if cited:
        rows.append("sources:")
        rows += [f"  {line}" for line in legend(kg, cited)]
    return "\n".join(rows)
